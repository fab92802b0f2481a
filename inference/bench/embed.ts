/**
 * What embedding the toolkit costs a user, measured on the built packages (run `npm run build` first):
 *
 *   npm run bench:embed [-- --json] [-- --runs 10]
 *
 * - `letters --help`: wall time of the whole process (target <= 0.5 s), and modules loaded;
 * - `import { Classifier } from '@letters/inference'` in plain Node: the import alone, timed inside the
 *   process (target <= 0.3 s), and modules loaded (target <= 60); bare `node` start-up for reference;
 * - the browser bundle of an app that imports the Classifier (Vite, minified), without onnxruntime-web's
 *   .wasm: with onnxruntime-web's JavaScript, and without it (target <= 50 KB), raw and gzipped.
 *
 * Processes are started `runs` times, interleaved; medians are reported with the load average.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { markdownTable, terminalTable, type Column } from '@letters/training';

const args = yargs(hideBin(process.argv))
  .option('json', { type: 'boolean', default: false, describe: 'Print JSON rows on stdout' })
  .option('markdown', { type: 'boolean', default: false, describe: 'Print a Markdown table (for the README)' })
  .option('runs', { type: 'number', default: 10, describe: 'Process starts per variant (median reported)' })
  .strict()
  .parseSync();

const repo = fileURLToPath(new URL('../../', import.meta.url));
const countModules = fileURLToPath(new URL('./count-modules.mjs', import.meta.url));
const letters = join(repo, 'cli/bin/letters.js');
const importClassifier =
  "const t = performance.now(); await import('@letters/inference'); process.stdout.write(String(performance.now() - t));";

interface Row {
  readonly what: string;
  readonly value: string;
  readonly target: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Milliseconds a process takes from start to exit, and what it printed. */
async function timed(argv: readonly string[]): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, argv, { cwd: repo });
  return { ms: performance.now() - started, stdout };
}

/** Modules a process loads, as count-modules.mjs reports them on stderr. */
function modulesLoaded(argv: readonly string[]): string {
  const { stderr } = spawnSync(process.execPath, ['--import', countModules, ...argv], { cwd: repo, encoding: 'utf8' });
  return /modules loaded: (.*)/.exec(stderr)![1]!;
}

/** Minified JavaScript of a Vite app importing the browser Classifier, in bytes (raw, gzip), .wasm left out. */
async function bundleSize(externalOrt: boolean): Promise<{ raw: number; gzip: number }> {
  const app = await mkdtemp(join(tmpdir(), 'letters-embed-'));
  try {
    await symlink(join(repo, 'node_modules'), join(app, 'node_modules'), 'dir');
    await writeFile(join(app, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    await writeFile(
      join(app, 'main.js'),
      "import { Classifier } from '@letters/inference';\nconst c = await Classifier.create('./model.onnx');\nconsole.log(await c.classify(new ImageData(28, 28)));\n",
    );
    const outDir = join(app, 'dist');
    await build({
      root: app,
      configFile: false,
      logLevel: 'silent',
      build: { outDir, minify: true, rollupOptions: externalOrt ? { external: [/^onnxruntime-web/] } : {} },
    });
    const assets = join(outDir, 'assets');
    const files = (await readdir(assets)).filter((file) => file.endsWith('.js') || file.endsWith('.mjs'));
    const bytes = await Promise.all(files.map((file) => readFile(join(assets, file))));
    return { raw: bytes.reduce((sum, b) => sum + b.length, 0), gzip: bytes.reduce((sum, b) => sum + gzipSync(b).length, 0) };
  } finally {
    await rm(app, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  await stat(join(repo, 'inference/dist/browser.js')).catch(() => {
    throw new Error('inference/dist is missing: run `npm run build` first');
  });
  const samples = { node: [] as number[], help: [] as number[], importMs: [] as number[], importWall: [] as number[] };
  for (let run = 0; run < args.runs; run++) {
    samples.node.push((await timed(['-e', ''])).ms);
    samples.help.push((await timed([letters, '--help'])).ms);
    const imported = await timed(['--input-type=module', '-e', importClassifier]);
    samples.importWall.push(imported.ms);
    samples.importMs.push(Number(imported.stdout));
  }
  const [withOrt, withoutOrt] = [await bundleSize(false), await bundleSize(true)];
  const rows: Row[] = [
    { what: '`node -e ""` (bare start-up, for reference)', value: `${median(samples.node).toFixed(0)} ms`, target: '' },
    { what: '`letters --help`, whole process', value: `${median(samples.help).toFixed(0)} ms`, target: '<= 500 ms' },
    { what: '`letters --help`, modules loaded', value: modulesLoaded([letters, '--help']), target: '' },
    { what: '`import { Classifier }`, the import alone', value: `${median(samples.importMs).toFixed(0)} ms`, target: '<= 300 ms' },
    { what: '`import { Classifier }`, whole process', value: `${median(samples.importWall).toFixed(0)} ms`, target: '' },
    { what: '`import { Classifier }`, modules loaded', value: modulesLoaded(['--input-type=module', '-e', importClassifier]), target: '<= 60' },
    { what: 'browser bundle, without onnxruntime-web (minified; gzip)', value: `${kb(withoutOrt.raw)}; ${kb(withoutOrt.gzip)}`, target: '<= 50 KB' },
    { what: "browser bundle, with onnxruntime-web's JavaScript (minified; gzip)", value: `${kb(withOrt.raw)}; ${kb(withOrt.gzip)}`, target: '' },
  ];
  const load = loadavg()[0]!.toFixed(1);
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ runs: args.runs, loadAverage: Number(load), samples, bundles: { withOrt, withoutOrt }, rows }, null, 2)}\n`);
    return;
  }
  const columns: Column<Row>[] = [
    { header: 'Measure', value: (r) => r.what },
    { header: 'Median', value: (r) => r.value, align: 'right' },
    { header: 'Target', value: (r) => r.target },
  ];
  process.stdout.write(`median of ${args.runs} process starts; load average ${load} on ${cpus().length} cores; Node ${process.version}\n`);
  process.stdout.write(`${args.markdown ? markdownTable(rows, columns) : terminalTable(rows, columns)}\n`);
}

await main();
