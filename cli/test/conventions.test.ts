/** The conventions every `letters` command shares, through the real CLI: options, output, errors, signals. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.ts';
import { letters } from '../../test-support/letters-cli.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('help', () => {
  it('lists every command, and the datasets where a command takes --dataset', async () => {
    const help = await letters(['--help']);
    for (const name of ['data', 'train', 'tune', 'worker', 'transfer', 'export', 'quantize', 'inspect', 'evaluate', 'parity', 'score', 'serve', 'pipeline', 'report', 'demo']) {
      expect(help.stdout).toMatch(new RegExp(`^  letters ${name}\\b`, 'm'));
    }
    const evaluate = await letters(['evaluate', '--help']);
    expect(evaluate.stdout).toMatch(/^Datasets:$/m);
    expect(evaluate.stdout).toMatch(/^ {2}byclass-letters: /m);
  });

  it('shows the default grid by its place in the package, not an absolute path', async () => {
    const help = await letters(['tune', '--help']);
    expect(help.stdout).toContain('[default: the shipped experiments/grid.json]');
    expect(help.stdout).not.toContain(repo);
  });
});

describe('errors', () => {
  it('are one line on stderr naming the problem, with the exit code of their kind', async () => {
    const missing = await letters(['inspect', '/nonexistent/model.onnx']);
    expect(missing).toMatchObject({ code: EXIT_CODES.input, stdout: '' });
    expect(missing.stderr).toMatch(/^letters: \/nonexistent\/model\.onnx: cannot read .*\n$/);
    const usage = await letters(['score', '--model']);
    expect(usage.code).toBe(EXIT_CODES.usage);
    expect(usage.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('are one JSON object on stderr with --json', async () => {
    const missing = await letters(['inspect', '/nonexistent/model.onnx', '--json']);
    expect(missing).toMatchObject({ code: EXIT_CODES.input, stdout: '' });
    expect(JSON.parse(missing.stderr)).toEqual({
      error: { kind: 'input', message: expect.stringMatching(/^\/nonexistent\/model\.onnx: cannot read/), exitCode: EXIT_CODES.input },
    });
    const usage = await letters(['evaluate', 'model.onnx', '--json']);
    expect(JSON.parse(usage.stderr)).toMatchObject({ error: { kind: 'usage', message: expect.stringMatching(/dataset/), exitCode: EXIT_CODES.usage } });
  });
});

describe('training commands', () => {
  let base: string;

  beforeAll(async () => {
    base = join(tempDir('conventions'), 'base');
    const trained = await letters(['train', '--model', 'dense', '--dataset', 'fixtures', '--epochs', '1', '--limit', '300', '--out', base]);
    expect(trained.code, trained.stderr).toBe(0);
    // Without --quiet: what runs and on what data, then the synthetic-data warning.
    expect(trained.stderr).toMatch(/^backend: /m);
    expect(trained.stderr).toMatch(/^WARNING: synthetic data/m);
  });

  it('--quiet leaves only results, warnings and errors', async () => {
    const out = join(tempDir('conventions-quiet'), 'model');
    const trained = await letters(['train', '--model', 'dense', '--dataset', 'fixtures', '--epochs', '1', '--limit', '300', '--out', out, '--quiet']);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr.trim()).toBe('WARNING: synthetic data (the generated fixtures): numbers are not comparable to EMNIST');
    expect(trained.stdout).toMatch(/saved in /);
  });

  it('transfer reads Binary AlphaDigits with --dataset and --data-dir, like every other command', async () => {
    const out = tempDir('conventions-transfer');
    const generated = await letters(['transfer', '--base', base, '--dataset', 'fixtures-alphadigits', '--methods', 'zero-shot', '-k', '2', '--out', out, '--json']);
    expect(generated.code, generated.stderr).toBe(0);
    const report = JSON.parse(generated.stdout) as { dataset: { synthetic: boolean }; rows: { method: string }[] };
    expect(report.rows.map((r) => r.method)).toEqual(['zero-shot']);
    expect(existsSync(join(out, 'transfer.json'))).toBe(true);

    const real = await letters(['transfer', '--base', base, '--data-dir', join(inject('sharedData'), 'binaryalphadigits'), '--methods', 'zero-shot', '-k', '2', '--out', out, '--json']);
    expect(real.code, real.stderr).toBe(0);
    expect((JSON.parse(real.stdout) as { dataset: { description: string } }).dataset.description).toMatch(/Binary AlphaDigits/);
  });
});

describe('data inspect', () => {
  it('defaults to EMNIST Letters when present, else the case-merged ByClass letters, as train does', async () => {
    const out = tempDir('conventions-inspect');
    const result = await letters(['data', 'inspect', '--data-dir', inject('sharedData'), '--out', out, '--count', '8', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const inspected = JSON.parse(result.stdout) as { png: string; source: { name: string } };
    expect(inspected.source.name).toBe('byclass-letters');
    expect(inspected.png).toBe(join(out, 'byclass-letters-samples.png'));
  });
});

describe('long-running commands', () => {
  it('stop when npx, which runs them, is stopped: npm does not pass the signal on', async () => {
    const dir = tempDir('conventions-npx');
    const base = join(dir, 'base');
    expect((await letters(['train', '--model', 'dense', '--dataset', 'fixtures', '--epochs', '1', '--limit', '100', '--out', base, '--quiet'])).code).toBe(0);
    const onnx = join(dir, 'model.onnx');
    expect((await letters(['export', base, '-o', onnx, '--quiet'])).code).toBe(0);

    const npx = spawn('npx', ['--no-install', 'letters', 'serve', onnx, '--port', '0'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    npx.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const started = Date.now();
    while (!/listening on (\S+)/.test(stdout)) {
      if (Date.now() - started > 60_000) throw new Error(`letters serve did not start: ${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const url = /listening on (\S+)/.exec(stdout)![1]!;
    expect((await fetch(`${url}/health`)).ok).toBe(true);
    npx.kill('SIGTERM');
    await once(npx, 'exit');
    // The server notices it lost its parent and shuts down within a few seconds.
    const deadline = Date.now() + 15_000;
    let serving = true;
    while (serving && Date.now() < deadline) {
      serving = await fetch(`${url}/health`).then(() => true, () => false);
      if (serving) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(serving).toBe(false);
  });
});
