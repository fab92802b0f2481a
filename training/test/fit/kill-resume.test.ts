import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { loadModel } from '../../src/models/index.ts';

const child = fileURLToPath(new URL('./resume-child.ts', import.meta.url));

let root: string;
beforeAll(() => {
  root = tempDir('kill');
});

/** Runs the child; with `killAfterEpoch`, sends SIGKILL as soon as it reports that epoch. */
function run(modelDir: string, epochs: number, killAfterEpoch?: number): Promise<{ stdout: string; signal: string | null }> {
  return new Promise((resolve, reject) => {
    // `node --import tsx`, not the tsx binary: one process, so SIGKILL reaches the training itself.
    const args = [child, modelDir, String(epochs), ...(killAfterEpoch === undefined ? [] : [String(killAfterEpoch)])];
    const proc = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (killAfterEpoch !== undefined && stdout.includes(`epoch ${killAfterEpoch} done`)) proc.kill('SIGKILL');
    });
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      if (killAfterEpoch === undefined && code !== 0) reject(new Error(`child exited with ${code}`));
      else resolve({ stdout, signal });
    });
  });
}

it('continues from the last completed epoch after kill -9, leaving a valid model', async () => {
  const modelDir = join(root, 'model');
  // Killed after epoch 3 ended, before its checkpoint: the last completed checkpoint is epoch 2's.
  const killed = await run(modelDir, 5, 3);
  expect(killed.signal).toBe('SIGKILL');
  // Whatever the kill interrupted, the best-model directory is complete and loads.
  expect((await loadModel(modelDir)).countParams()).toBeGreaterThan(0);

  const resumed = await run(modelDir, 5);
  const summary = JSON.parse(resumed.stdout.trim().split('\n').at(-1)!) as { resumedEpochs: number; epochs: number[] };
  expect(summary.resumedEpochs).toBe(2);
  expect(summary.epochs).toEqual([1, 2, 3, 4, 5]);
  // Only the epochs after the checkpoint ran again.
  expect(resumed.stdout).not.toContain('epoch 2 done');
  expect(resumed.stdout).toContain('epoch 3 done');
  expect(resumed.stdout).toContain('epoch 5 done');
  expect((await loadModel(modelDir)).countParams()).toBeGreaterThan(0);
});
