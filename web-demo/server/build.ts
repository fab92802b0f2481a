import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { glob } from 'tinyglobby';
import { build } from 'vite';
import { writeDirAtomic } from '@letters/contract/node';

/** The web-demo package folder. */
export const demoRoot = fileURLToPath(new URL('..', import.meta.url));
export const configFile = fileURLToPath(new URL('../vite.config.ts', import.meta.url));
export const distDir = fileURLToPath(new URL('../dist', import.meta.url));

/** Everything the build reads besides node_modules: the page and the shared preprocessing it bundles. */
async function sourceFiles(): Promise<string[]> {
  const preprocess = fileURLToPath(new URL('.', import.meta.resolve('@letters/inference/preprocess')));
  const [page, shared] = await Promise.all([
    glob(['index.html', 'vite.config.ts', 'src/**', 'server/ort-files.ts'], { cwd: demoRoot, absolute: true }),
    glob(['**/*.ts'], { cwd: preprocess, absolute: true }),
  ]);
  return [...page, ...shared];
}

/** True when dist/ is missing or older than any source file. */
export async function buildIsStale(): Promise<boolean> {
  const built = `${distDir}/index.html`;
  if (!existsSync(built)) return true;
  const builtAt = (await stat(built)).mtimeMs;
  const times = await Promise.all((await sourceFiles()).map(async (file) => (await stat(file)).mtimeMs));
  return times.some((time) => time > builtAt);
}

/**
 * Builds the page into web-demo/dist with Vite when it is missing or older than its sources.
 * The build goes to a temporary folder renamed into place, so a failed build leaves the old page.
 * Returns whether it built.
 */
export async function buildPage(options: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  if (!options.force && !(await buildIsStale())) return false;
  await writeDirAtomic(distDir, async (outDir) => {
    await build({ configFile, logLevel: options.quiet ? 'silent' : 'warn', build: { outDir, emptyOutDir: true } });
  });
  return true;
}
