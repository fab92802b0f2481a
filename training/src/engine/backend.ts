import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { LettersError } from '../common/index.ts';
import { registerWasmTrainingKernels } from './kernels/index.ts';

export type BackendChoice = 'auto' | 'onnxruntime' | 'onnxruntime-web' | 'tensorflow' | 'wasm' | 'cpu';
export const backendChoices: readonly BackendChoice[] = ['auto', 'onnxruntime', 'onnxruntime-web', 'tensorflow', 'wasm', 'cpu'];

export interface BackendOptions {
  backend?: BackendChoice;
  /** Threads for the training step (wasm). Default: 1 here; the CLI's default is defaultTrainingThreads. */
  threads?: number;
}

/**
 * The CLI's --threads default: two data-parallel threads where there are two cores. Measured on
 * this project's 2-core machine (bench:train, convnet, batch 128, median of interleaved runs):
 * before the SIMD kernels, with its other work deprioritised, 1 thread ~910 images/s and 2
 * threads ~1,450 images/s, for 13% more CPU per image. The SIMD kernels cut the CPU per image by
 * 28% (about 1,250 -> 870 µs, both engines run alternately under the same load); 2 threads cost
 * 8-14% more CPU per image than 1. On a machine whose cores are busy with other work, the second
 * thread gains nothing and costs that CPU (load average 7-8 on the 2 cores: 1 thread 710-750
 * images/s, 2 threads 590-680). Dense networks stay on one thread whatever this says (see
 * trainStepThreads); more than 2 threads is unmeasured.
 */
export const defaultTrainingThreads = Math.min(2, availableParallelism());

export interface BackendInfo {
  /** What runs the training steps: onnxruntime (training graphs; tfjs wasm evaluates) or a tfjs backend. */
  name: 'onnxruntime' | 'onnxruntime-web' | 'tensorflow' | 'wasm' | 'cpu';
  /** Chosen by `auto`: a model the onnxruntime step cannot train falls back to the wasm step. */
  automatic?: boolean;
  threads: number;
  simd: boolean;
  /** tfjs version, and the backend package's when it has its own. */
  version: string;
  /** Why this backend was chosen, and anything the user should know (empty when nothing). */
  note: string;
}

const tfjsNodePackage = '@tensorflow/tfjs-node';

/** Loads tfjs-node (an optional dependency whose install needs a native download); false when it is not usable. */
async function loadTensorflow(): Promise<boolean> {
  try {
    await import(tfjsNodePackage);
    return tf.findBackend('tensorflow') !== null;
  } catch {
    return false;
  }
}

/** The folder holding the wasm backend's .wasm binaries; Node cannot fetch them relative to the bundle. */
function wasmBinariesFolder(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}

let wasmPathsSet = false;

async function useWasm(threads: number): Promise<BackendInfo> {
  registerWasmTrainingKernels();
  if (!wasmPathsSet) {
    tfWasm.setWasmPaths(wasmBinariesFolder());
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return {
    name: 'wasm',
    threads,
    simd,
    version: `tfjs ${tf.version.tfjs}, backend-wasm ${tfWasm.version_wasm}`,
    note:
      threads === 1
        ? 'XNNPACK with the letters training kernels'
        : `XNNPACK with the letters training kernels; ${threads} data-parallel threads for convnets (dense networks train on 1)`,
  };
}

/**
 * Training steps on onnxruntime: each step is one ONNX graph (forward, gradients, optimizer update). The
 * tfjs model still builds, evaluates and saves on tfjs's wasm backend.
 */
async function useOnnxruntime(name: 'onnxruntime' | 'onnxruntime-web', threads: number): Promise<BackendInfo> {
  const ort = name === 'onnxruntime' ? await import('onnxruntime-node') : await import('onnxruntime-web');
  const runtimeVersion = ort.env.versions.common;
  const wasm = await useWasm(1);
  return {
    name,
    threads,
    simd: wasm.simd,
    version: `${name === 'onnxruntime' ? 'onnxruntime-node' : 'onnxruntime-web'} ${runtimeVersion}; tfjs ${tf.version.tfjs} wasm for evaluation`,
    note: `each training step one ONNX graph on ${name === 'onnxruntime' ? 'native CPU kernels' : 'WebAssembly'}`,
  };
}

async function useCpu(note: string): Promise<BackendInfo> {
  await tf.setBackend('cpu');
  return { name: 'cpu', threads: 1, simd: false, version: `tfjs ${tf.version.tfjs}`, note };
}

/**
 * Selects and initialises the backend for training. `auto` prefers onnxruntime-node (the fastest
 * measured, see the README's benchmark), then tfjs-node when its native binding loads, else wasm with
 * this project's training kernels, else cpu (about 2 images/s on a convnet, so with a warning in the note).
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  current = await selectBackend(options);
  return current;
}

let current: BackendInfo | undefined;

/** The backend initBackend last selected, if any. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

async function selectBackend(options: BackendOptions): Promise<BackendInfo> {
  const choice = options.backend ?? 'auto';
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new LettersError(`--threads ${threads}: expected a whole number of at least 1.`);
  }
  if (choice === 'cpu') return useCpu('pure JavaScript: very slow for convnets; use for checks only');
  if (choice === 'onnxruntime' || choice === 'onnxruntime-web' || choice === 'auto') {
    try {
      return { ...(await useOnnxruntime(choice === 'auto' ? 'onnxruntime' : choice, threads)), ...(choice === 'auto' ? { automatic: true } : {}) };
    } catch (error) {
      if (choice !== 'auto') {
        throw new LettersError(`--backend ${choice}: ${error instanceof Error ? error.message : String(error)}.`, { cause: error, kind: 'usage' });
      }
    }
  }
  if (choice === 'tensorflow' || choice === 'auto') {
    if (await loadTensorflow()) {
      await tf.setBackend('tensorflow');
      return { name: 'tensorflow', threads: 0, simd: true, version: `tfjs ${tf.version.tfjs} (libtensorflow)`, note: '' };
    }
    if (choice === 'tensorflow') {
      throw new LettersError(
        `--backend tensorflow: ${tfjsNodePackage} is not installed or its native binding does not load; ` +
          'install it (it downloads libtensorflow) or use --backend wasm.',
      );
    }
  }
  try {
    return await useWasm(threads);
  } catch (error) {
    if (choice === 'wasm') {
      throw new LettersError(`--backend wasm: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
    }
    const reason = error instanceof Error ? error.message : String(error);
    return useCpu(`WARNING: wasm failed (${reason}); training on the pure-JavaScript cpu backend is about 1000x slower`);
  }
}

/** One line for every training command to print: backend, threads, SIMD, versions. */
export function describeBackend(info: BackendInfo): string {
  const threads = info.threads === 0 ? 'native threads' : `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  const simd = info.name === 'tensorflow' || info.name === 'onnxruntime' ? '' : `, SIMD ${info.simd ? 'on' : 'off'}`;
  const note = info.note === '' ? '' : ` - ${info.note}`;
  return `backend: ${info.name} (${threads}${simd}; ${info.version})${note}`;
}
