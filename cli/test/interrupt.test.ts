import { spawn } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { buildModel, DENSE_MODEL, initBackend, loadDataset, saveModel } from '@letters/training';
import { SIGNAL_EXIT_CODES } from '../src/exit-codes.ts';
import { LETTERS_BIN, letters } from '../../test-support/letters-cli.ts';
import { writeImageFiles } from '../../test-support/image-files.ts';
import { testModel } from '../../test-support/models.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

const temporaries = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.tmp') || name.includes('.tmp.'));

/**
 * Runs the CLI and sends `signal` as soon as a temporary appears in `dir` (or when it finishes first,
 * nothing: the assertions hold either way). Resolves with the exit code, or the signal that ended it.
 */
function interrupted(args: readonly string[], dir: string, signal: 'SIGINT' | 'SIGKILL'): Promise<number | string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [LETTERS_BIN, ...args], { stdio: 'ignore' });
    const watcher = watch(dir, (_event, name) => {
      if (name?.endsWith('.tmp')) {
        watcher.close();
        proc.kill(signal);
      }
    });
    proc.on('error', reject);
    proc.on('close', (code, killedBy) => {
      watcher.close();
      resolve(code ?? killedBy!);
    });
  });
}

let images: string;
let onnx: string;
let modelDir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  const root = tempDir('interrupt');
  images = join(root, 'images');
  const { test } = await loadDataset('letters-sample', { dataDir: inject('sharedData'), limit: 30 });
  await writeImageFiles(test, images, 30);
  onnx = (await testModel('dense')).path;
  modelDir = join(root, 'model');
  await saveModel(buildModel(DENSE_MODEL, { numClasses: 27, seed: 3 }), modelDir);
});

describe('Ctrl-C and kill -9 leave no temporaries once the next run of the command finishes', () => {
  it('score: Ctrl-C exits 130 with nothing written; after kill -9, the rerun removes the partial file', async () => {
    const dir = tempDir('interrupt');
    const out = join(dir, 'scores.csv');
    const args = ['score', images, '--model', onnx, '--out', out, '--batch-size', '1', '--concurrency', '1'];
    expect(await interrupted(args, dir, 'SIGINT')).toBe(SIGNAL_EXIT_CODES.SIGINT);
    expect(await readdir(dir)).toEqual([]);
    expect(await interrupted(args, dir, 'SIGKILL')).toBe('SIGKILL');
    expect(await temporaries(dir)).toHaveLength(1);
    expect((await letters(args)).code).toBe(0);
    expect(await readdir(dir)).toEqual(['scores.csv']);
  });

  it('export: Ctrl-C exits 130 with nothing written; after kill -9, the rerun removes the partial file', async () => {
    const dir = tempDir('interrupt');
    const out = join(dir, 'model.onnx');
    const args = ['export', modelDir, '-o', out];
    const code = await interrupted(args, dir, 'SIGINT');
    // The export's temporary lives for milliseconds: the signal may land while the finished process
    // exits (no handlers left, so it ends by the signal); then the file is complete, never partial.
    const finished = code === 0 || (code === 'SIGINT' && existsSync(out));
    if (!finished) expect(code).toBe(SIGNAL_EXIT_CODES.SIGINT);
    expect(await temporaries(dir)).toEqual([]);
    expect(existsSync(out)).toBe(finished);
    await interrupted(args, dir, 'SIGKILL');
    expect((await letters(args)).code).toBe(0);
    expect(await readdir(dir)).toEqual(['model.onnx']);
  });

  it('train: Ctrl-C exits 130 and removes what it was writing; a rerun removes what a killed run left', async () => {
    const dir = tempDir('interrupt');
    const out = join(dir, 'model');
    const args = ['train', '--model', 'dense', '--dataset', 'letters-sample', '--data-dir', inject('sharedData'), '--limit', '300', '--epochs', '2', '--backend', 'cpu', '--out', out];
    const code = await interrupted(args, dir, 'SIGINT');
    expect([SIGNAL_EXIT_CODES.SIGINT, 0]).toContain(code);
    expect(await temporaries(dir)).toEqual([]);
    // What kill -9 leaves in the middle of a save: the temporaries of the model and of its checkpoint, by a dead pid.
    const dead = 2 ** 22 + 1;
    await mkdir(join(dir, `.model.${dead}-0123abcd.tmp`));
    await writeFile(join(dir, `.model.resume.${dead}-0123abcd.tmp`), '');
    expect((await letters(args)).code).toBe(0);
    expect(await temporaries(dir)).toEqual([]);
  });
});
