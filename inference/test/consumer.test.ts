/**
 * The packages as a user outside this repository gets them: `npm pack` every package, install the
 * tarballs into a fresh project in the temporary directory (the registry for everything else), then
 * use the classifier from plain Node, from strict TypeScript (nodenext and bundler resolution) and
 * from a Vite app in Chromium. publint and arethetypeswrong check every tarball.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { preview, build } from 'vite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Classifier } from '@letters/inference';
import { launchChromium, type Browser } from '../../test-support/chromium.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import { trainFixtureModel } from '../../web-demo/test/helpers/model.ts';

const run = promisify(execFile);
const repo = new URL('../../', import.meta.url);
const here = new URL('./consumer/', import.meta.url);
const PACKAGES = ['contract', 'training', 'export', 'inference', 'web-demo', 'cli'];
const bin = (name: string) => fileURLToPath(new URL(`node_modules/.bin/${name}`, repo));

/** What the page leaves in `window.result`. */
type PageResult = { label: string; probabilities: number[]; pixels: number[]; width: number; height: number } | { error: string };

let packs: string;
let project: string;
let model: string;
let tarballs: string[];

beforeAll(async () => {
  packs = tempDir('packs');
  await run('npm', ['pack', '--workspaces', '--pack-destination', packs, '--silent'], { cwd: repo, maxBuffer: 1 << 24 });
  tarballs = (await readdir(packs)).filter((file) => file.endsWith('.tgz')).map((file) => join(packs, file));
  project = tempDir('consumer');
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '9.9.9', private: true, type: 'module' }));
  // The supported way to skip onnxruntime-node's CUDA download (only its CPU provider is used).
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], { cwd: project, env, maxBuffer: 1 << 24 });
  model = await trainFixtureModel(inject('fixtures'), project, 'letters', 10);
}, 600_000);

describe('npm pack', () => {
  it('packs every package with only what runs, and each passes publint and arethetypeswrong', async () => {
    expect(tarballs.map((t) => t.replace(/.*\/letters-(.*)-\d+\.\d+\.\d+\.tgz$/, '$1')).sort()).toEqual([...PACKAGES].sort());
    for (const tarball of tarballs) {
      const listing = (await run('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean);
      expect(listing.filter((file) => /^package\/(src|test|bench)\/|\.ts$|\.map$|tsbuildinfo/.test(file) && !file.endsWith('.d.ts')), tarball).toEqual([]);
      expect(listing, tarball).toEqual(expect.arrayContaining(['package/package.json', 'package/README.md', 'package/LICENSE']));

      const { messages, pkg } = await publint({ pack: { tarball: (await readFile(tarball)).buffer as ArrayBuffer }, strict: true });
      expect(messages.map((message) => formatMessage(message, pkg)), tarball).toEqual([]);
      // ESM-only packages: resolution from CommonJS and node10 is not offered, everything else must pass.
      const types = await run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii']).then(
        () => '',
        (error: { stdout: string }) => error.stdout,
      );
      expect(types, tarball).toBe('');
    }
  });
});

describe('a plain Node consumer', () => {
  it('imports Classifier without tsx and classifies the fixture images as the sources do', async () => {
    const images = join(inject('fixtures'), 'images');
    const files = (await readdir(images)).filter((file) => /\.(png|jpg)$/.test(file)).map((file) => join(images, file));
    const script = join(project, 'classify.mjs');
    await copyFile(new URL('node-consumer.mjs', here), script);
    const { stdout } = await run(process.execPath, [script, model, ...files], { cwd: project });
    const output = JSON.parse(stdout) as { predictions: { label: string }[]; probabilities: number[] };
    console.log(`consumer predictions: ${files.map((file, i) => `${file.split('/').at(-1)} -> ${output.predictions[i]!.label}`).join(', ')}`);

    const classifier = await Classifier.create(model);
    try {
      expect(output.predictions).toEqual(await classifier.classify(files, { topK: 3 }));
      const expected = await classifier.probabilities(files);
      expect(Math.max(...output.probabilities.map((p, i) => Math.abs(p - expected[i]!)))).toBeLessThan(1e-6);
    } finally {
      await classifier.close();
    }
  });

  it('runs the letters command, which says its own version', async () => {
    const { version } = JSON.parse(await readFile(new URL('cli/package.json', repo), 'utf8')) as { version: string };
    const { stdout } = await run(join(project, 'node_modules/.bin/letters'), ['--version'], { cwd: project });
    expect(stdout.trim()).toBe(version);
  });

  it('serves the web demo from the installed packages (the page shipped built)', async () => {
    const demo = spawn(join(project, 'node_modules/.bin/letters'), ['demo', '--model', model, '--port', '0', '--json'], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = once(demo, 'exit');
    const line = await Promise.race([once(demo.stdout, 'data').then(([chunk]) => String(chunk)), exit.then(() => undefined)]);
    if (line === undefined) throw new Error(`letters demo exited before serving: ${stderr}`);
    const { url } = JSON.parse(line) as { url: string };
    expect(await (await fetch(url)).text()).toContain('<canvas id="canvas"');
    expect((await fetch(`${url}ort/ort-wasm-simd-threaded.wasm`)).headers.get('content-type')).toBe('application/wasm');
    demo.kill('SIGINT');
    expect((await exit)[0]).toBe(0);
  });
});

describe('strict TypeScript consumers', () => {
  // skipLibCheck off, so the packages' .d.ts files are checked too; errors inside other libraries'
  // declarations (tfjs, vega, WebGPU typings without DOM) are theirs, not what this test is about.
  const compilerOptions = { strict: true, noEmit: true, skipLibCheck: false, target: 'es2022', noUnusedLocals: true, types: [] };
  const ours = (line: string) => /^(node_modules\/@letters\/|typed-)/.test(line);
  it.each([
    ['nodenext', 'typed-node.ts', { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2023'] }],
    ['bundler', 'typed-browser.ts', { module: 'esnext', moduleResolution: 'bundler', lib: ['es2023', 'dom', 'dom.iterable'] }],
  ])('typecheck under %s resolution', async (resolution, file, options) => {
    await copyFile(new URL(file, here), join(project, file));
    const config = join(project, `tsconfig.${resolution}.json`);
    await writeFile(config, JSON.stringify({ compilerOptions: { ...compilerOptions, ...options }, files: [file] }));
    const result = await run(bin('tsc'), ['-p', config], { cwd: project, maxBuffer: 1 << 24 }).catch((error: { stdout: string }) => error);
    expect(result.stdout.split('\n').filter(ours)).toEqual([]);
  });
});

describe('a Vite app in Chromium', () => {
  let browser: Browser;
  afterAll(async () => {
    await browser?.close();
  });

  it('bundles the browser entry and classifies a drawn letter as Node does', async () => {
    const app = join(project, 'app');
    await cp(new URL('vite-app/', here), app, { recursive: true });
    await mkdir(join(app, 'public'));
    await copyFile(model, join(app, 'public', 'model.onnx'));
    await build({ root: app, configFile: false, logLevel: 'warn', build: { outDir: join(app, 'dist') } });
    const server = await preview({ root: app, configFile: false, logLevel: 'silent', build: { outDir: join(app, 'dist') }, preview: { port: 0, host: '127.0.0.1' } });
    browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(server.resolvedUrls!.local[0]!);
      const result = (await (await page.waitForFunction(() => (window as { result?: unknown }).result, undefined, { timeout: 60_000 })).jsonValue()) as PageResult;
      if ('error' in result) throw new Error(`the page failed: ${result.error}`);

      const node = await Classifier.create(model);
      try {
        const image = { data: Uint8Array.from(result.pixels), width: result.width, height: result.height };
        const expected = await node.probabilities(image);
        expect(result.probabilities).toHaveLength(expected.length);
        expect(Math.max(...result.probabilities.map((p, i) => Math.abs(p - expected[i]!)))).toBeLessThanOrEqual(1e-4);
        expect(result.label).toBe((await node.classify(image))[0]!.label);
        console.log(`consumer page: a drawn T classified as ${result.label} in Chromium, as in Node`);
      } finally {
        await node.close();
      }
    } finally {
      await server.close();
    }
  });
});
