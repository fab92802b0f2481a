import { existsSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { glob } from 'tinyglobby';
import { OUTPUT_MARKER, writeDirAtomic } from '@letters/contract/node';

/** The web-demo package folder: the nearest with a package.json (this module runs from server/ or dist/server/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

export const demoRoot = packageRoot();
export const configFile = join(demoRoot, 'vite.config.ts');
/** The built page. The package ships it; in a checkout, `letters demo` rebuilds it when its sources change. */
export const pageDir = join(demoRoot, 'dist', 'page');

/** Everything the build reads besides node_modules: the page, and the built browser entry of @letters/inference it bundles. */
async function sourceFiles(): Promise<string[]> {
  const inference = dirname(fileURLToPath(import.meta.resolve('@letters/inference/package.json')));
  const [page, shared] = await Promise.all([
    glob(['index.html', 'vite.config.ts', 'src/**', 'server/ort-files.ts'], { cwd: demoRoot, absolute: true }),
    glob(['dist/**/*.js'], { cwd: inference, absolute: true }),
  ]);
  return [...page, ...shared];
}

/**
 * True when the page is missing, or older than any of its sources. An installed package has no
 * sources (no vite.config.ts): its page is what it shipped.
 */
export async function buildIsStale(): Promise<boolean> {
  const built = join(pageDir, 'index.html');
  if (!existsSync(built) || !existsSync(join(pageDir, OUTPUT_MARKER))) return true;
  if (!existsSync(configFile)) return false;
  const builtAt = (await stat(built)).mtimeMs;
  const times = await Promise.all((await sourceFiles()).map(async (file) => (await stat(file)).mtimeMs));
  return times.some((time) => time > builtAt);
}

/**
 * Builds the page into dist/page with Vite when it is missing or older than its sources.
 * The build goes to a temporary folder renamed into place, so a failed build leaves the old page.
 * Returns whether it built.
 */
export async function buildPage(options: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  if (!options.force && !(await buildIsStale())) return false;
  const { build } = await import('vite');
  // A page built before letters marked the folders it writes: this package's own build output, so it goes.
  if (existsSync(pageDir) && !existsSync(join(pageDir, OUTPUT_MARKER))) await rm(pageDir, { recursive: true, force: true });
  await writeDirAtomic(pageDir, 'page', async (outDir) => {
    await build({ configFile, logLevel: options.quiet ? 'silent' : 'warn', build: { outDir, emptyOutDir: true } });
  });
  return true;
}

// `node dist/server/build.js` (the package's prepack) builds the page it ships.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await buildPage({ force: true });
