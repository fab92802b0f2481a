/**
 * Compiles kernels.ts (AssemblyScript) to kernels.wasm with the assemblyscript devDependency:
 * `npm run build:simd -w @letters/training`. The .wasm is committed, so installing and running
 * the toolkit needs no compiler; a test rebuilds it and checks the bytes match.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../../common/index.ts';

const folder = fileURLToPath(new URL('.', import.meta.url));
export const kernelsWasmPath = `${folder}kernels.wasm`;

/** asc options: SIMD on; memory imported from the wasm backend; no runtime, assertions or abort import. */
const ascArguments = [
  'kernels.ts', '--outFile', 'kernels.wasm', '--baseDir', folder,
  '--optimizeLevel', '3', '--shrinkLevel', '0', '--runtime', 'stub', '--importMemory', '--noAssert',
  '--enable', 'simd', '--use', 'abort=',
];

/** The bytes asc produces from kernels.ts. */
export async function compileKernels(): Promise<Uint8Array> {
  const asc = await import('assemblyscript/asc');
  let binary: Uint8Array | undefined;
  const { error, stderr } = await asc.main(ascArguments, {
    readFile: async (name, baseDir) => readFile(`${baseDir}/${name}`, 'utf8').catch(() => null),
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm') && contents instanceof Uint8Array) binary = contents;
    },
    listFiles: () => [],
  });
  if (error !== null || binary === undefined) throw new Error(`asc failed: ${error?.message ?? ''}\n${stderr.toString()}`);
  return binary;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const binary = await compileKernels();
  await writeFileAtomic(kernelsWasmPath, binary);
  console.log(`wrote ${kernelsWasmPath} (${binary.length} bytes)`);
}
