import * as tf from '@tensorflow/tfjs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LettersError, removeOwnedFolder, writeDirAtomic, writeFileAtomic } from '../common/index.ts';
import type { ResumableCallback } from './callback.ts';

/**
 * The resume checkpoint: after every completed epoch, fit writes the model's weights, the
 * optimizer's state, the epoch number and each resumable callback's state (history, early stopping,
 * best-model tracking) into one directory, renamed into place as a whole. A killed run restarted
 * with the same fingerprint continues after the last completed epoch. Shuffling and augmentation
 * are seeded per epoch, so they need no saved generator state.
 */
export interface ResumeOptions {
  readonly dir: string;
  /** Identifies the run (config, data hash, seed, batch size): a checkpoint of another run is refused. */
  readonly fingerprint: string;
}

interface ResumeJson {
  fingerprint: string;
  epoch: number;
  stopReason: string | null;
  callbacks: Record<string, unknown>;
}

const STATE_JSON = 'state.json';

export async function saveResumeCheckpoint(
  options: ResumeOptions,
  epoch: number,
  stopReason: string | undefined,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  callbacks: readonly ResumableCallback[],
): Promise<void> {
  const optimizerWeights = await optimizer.getWeights();
  const callbackStates = callbacks.map((c) => [c.stateKey, c.saveState()] as const);
  await writeDirAtomic(options.dir, 'checkpoint', async (tmp) => {
    await writeTensors(join(tmp, 'model'), model.getWeights());
    await writeTensors(
      join(tmp, 'optimizer'),
      optimizerWeights.map((w) => w.tensor),
      optimizerWeights.map((w) => w.name),
    );
    for (const [key, state] of callbackStates) {
      if (state.tensors !== undefined) await writeTensors(join(tmp, `callback-${key}`), state.tensors);
    }
    const json: ResumeJson = {
      fingerprint: options.fingerprint,
      epoch,
      stopReason: stopReason ?? null,
      callbacks: Object.fromEntries(callbackStates.map(([key, state]) => [key, state.json])),
    };
    await writeFileAtomic(join(tmp, STATE_JSON), JSON.stringify(json));
  });
}

/**
 * Restores a checkpoint into the model, optimizer and callbacks. Returns the last completed epoch
 * and why training had stopped, or undefined when there is no checkpoint.
 */
export async function restoreResumeCheckpoint(
  options: ResumeOptions,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  callbacks: readonly ResumableCallback[],
): Promise<{ epoch: number; stopReason: string | undefined } | undefined> {
  if (!(await stat(options.dir).catch(() => undefined))) return undefined;
  const statePath = join(options.dir, STATE_JSON);
  let json: ResumeJson;
  try {
    json = JSON.parse(await readFile(statePath, 'utf8')) as ResumeJson;
  } catch (error) {
    throw new LettersError(`${statePath}: unreadable resume checkpoint (${(error as Error).message}); delete ${options.dir} to start over`, {
      cause: error,
    });
  }
  if (json.fingerprint !== options.fingerprint) {
    throw new LettersError(
      `${options.dir}: a resume checkpoint of a different run (config, data, seed or batch size changed); ` +
        'delete it to start over, or train into another --out directory',
    );
  }
  const weights = await readTensors(join(options.dir, 'model'));
  model.setWeights(weights.map((w) => w.tensor));
  tf.dispose(weights.map((w) => w.tensor));
  const optimizerWeights = await readTensors(join(options.dir, 'optimizer'));
  if (optimizerWeights.length > 0) await optimizer.setWeights(optimizerWeights);
  for (const callback of callbacks) {
    if (!(callback.stateKey in json.callbacks)) continue;
    const tensorsPath = join(options.dir, `callback-${callback.stateKey}`);
    const tensors = (await stat(`${tensorsPath}.json`).catch(() => undefined))
      ? (await readTensors(tensorsPath)).map((w) => w.tensor)
      : undefined;
    callback.restoreState({ json: json.callbacks[callback.stateKey], tensors });
  }
  return { epoch: json.epoch, stopReason: json.stopReason ?? undefined };
}

export async function removeResumeCheckpoint(dir: string): Promise<void> {
  await removeOwnedFolder(dir, 'checkpoint');
}

/** Tensors as a tfjs weights manifest (`<base>.json`) and their bytes (`<base>.bin`). */
async function writeTensors(base: string, tensors: readonly tf.Tensor[], names?: readonly string[]): Promise<void> {
  const named = tensors.map((tensor, i) => ({ name: names?.[i] ?? `t${i}`, tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  await writeFileAtomic(`${base}.bin`, new Uint8Array(tf.io.CompositeArrayBuffer.join(data)));
  await writeFileAtomic(`${base}.json`, JSON.stringify(specs));
}

async function readTensors(base: string): Promise<{ name: string; tensor: tf.Tensor }[]> {
  const specs = JSON.parse(await readFile(`${base}.json`, 'utf8')) as tf.io.WeightsManifestEntry[];
  const bytes = await readFile(`${base}.bin`);
  const decoded = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, specs);
  return specs.map((spec) => ({ name: spec.name, tensor: decoded[spec.name] }));
}
