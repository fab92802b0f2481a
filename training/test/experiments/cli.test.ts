import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the real `npx letters` (the installed bin) and returns its exit code and output. */
function letters(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(join(repo, 'node_modules/.bin/letters'), args, { cwd: repo }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'letters-cli-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('letters train / tune: bad input fails before training with one clear line', () => {
  it('an unknown model name', async () => {
    const out = join(root, 'unknown');
    const result = await letters(['train', '--model', 'resnet', '--out', out]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe('letters: --model resnet: unknown model; use dense, convnet, tuned or an experiment config .json file');
    expect(existsSync(out)).toBe(false);
  });

  it('a bad option value', async () => {
    const result = await letters(['train', '--epochs', '0']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('letters: --epochs 0: use a positive whole number');
  });

  it('a grid file with an unknown key or a bad value, named with the key', async () => {
    const grid = join(root, 'grid.json');
    await writeFile(grid, JSON.stringify({ variants: [{ name: 'x', dropuot: 0.5 }] }));
    let result = await letters(['tune', '--grid', grid, '--out', join(root, 'tune')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`letters: ${grid}.variants[0]: Unrecognized key: "dropuot"`);
    expect(result.stderr).not.toContain('backend:');
    await writeFile(grid, JSON.stringify({ variants: [{ name: 'x', pooling: 'min' }] }));
    result = await letters(['tune', '--grid', grid, '--out', join(root, 'tune')]);
    expect(result.stderr).toContain(`${grid}.variants[0].pooling`);
    expect(existsSync(join(root, 'tune'))).toBe(false);
  });

  it('a dataset whose class count does not match the model', async () => {
    const config = join(root, 'digits-model.json');
    await writeFile(config, JSON.stringify({ preset: 'dense', numClasses: 10 }));
    const out = join(root, 'mismatch');
    const result = await letters([
      'train',
      '--model',
      config,
      '--dataset',
      'letters-sample',
      '--data-dir',
      inject('sharedData'),
      '--limit',
      '50',
      '--out',
      out,
      '--backend',
      'cpu',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`letters: --model ${config}: numClasses is 10, but dataset letters-sample has 27 classes`);
    expect(result.stderr).not.toContain('epoch 1');
    expect(existsSync(out)).toBe(false);
  });
});
