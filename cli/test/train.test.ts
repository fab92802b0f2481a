import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { initBackend, loadModel, readModelExtras } from '@letters/training';
import { LETTERS_BIN, letters as run } from '../../test-support/letters-cli.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const letters = (args: string[]) => run(args, { cwd: repo });

let root: string;
beforeAll(async () => {
  root = tempDir('cli');
  // This process only reads the models the CLI writes.
  await initBackend({ backend: 'cpu' });
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
    expect(result.stderr).toContain('letters: --epochs 0: must be a positive integer');
  });

  it('a grid file with an unknown key or a bad value, named with the key', async () => {
    const grid = join(root, 'grid.json');
    await writeFile(grid, JSON.stringify({ variants: [{ name: 'x', dropuot: 0.5 }] }));
    let result = await letters(['tune', '--grid', grid, '--out', join(root, 'tune')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`letters: ${grid}: variants[0]: Unrecognized key: "dropuot"`);
    expect(result.stderr).not.toContain('backend:');
    await writeFile(grid, JSON.stringify({ variants: [{ name: 'x', pooling: 'min' }] }));
    result = await letters(['tune', '--grid', grid, '--out', join(root, 'tune')]);
    expect(result.stderr).toContain(`${grid}: variants[0].pooling: `);
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

describe('letters train after kill -9', () => {
  it('resumes from the last completed epoch and leaves a valid model directory', async () => {
    const config = join(root, 'small-dense.json');
    await writeFile(config, JSON.stringify({ preset: 'dense', denseUnits: [32], batchSize: 16 }));
    const out = join(root, 'resumed');
    const args = ['train', '--model', config, '--dataset', 'letters-sample', '--data-dir', inject('sharedData'), '--limit', '600'];
    // Not --quiet: the epoch lines on stderr are what the test watches.
    const command = (epochs: number) => [...args, '--epochs', String(epochs), '--out', out, '--backend', 'cpu'];
    // Killed as soon as epoch 3 is reported (the checkpoint of epoch 2 is on disk by then); planned
    // for 50 epochs so that it cannot finish first on a busy machine. The rerun asks for 6: the
    // number of epochs may change on resume.
    const killed = await new Promise<string | null>((resolve, reject) => {
      const proc = spawn(process.execPath, [LETTERS_BIN, ...command(50)], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      proc.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('epoch 3/50')) proc.kill('SIGKILL');
      });
      proc.on('error', reject);
      proc.on('close', (_code, signal) => resolve(signal));
    });
    expect(killed).toBe('SIGKILL');
    expect((await loadModel(out)).countParams()).toBeGreaterThan(0);

    const result = await letters(command(6));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/resuming after epoch [2-5] of 6 from the checkpoint/);
    expect(result.stderr).not.toContain('epoch 1/6');
    expect(result.stderr).toContain('epoch 6/6');
    const extras = await readModelExtras(out);
    expect(extras.history?.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(extras.metrics?.split).toBe('test');
    expect(await readdir(root)).not.toContain('resumed.resume');
    // Whatever the kill interrupted, the rerun removed the temporaries it left.
    expect((await readdir(root)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
