import * as ort from 'onnxruntime-web';
import { LettersError } from '@letters/training';
import { checkContract } from './contract.ts';
import { INPUT_NAME, OUTPUT_NAME, type RuntimeSession, type SessionOptions } from './types.ts';

/** Default wasm threads: 1 keeps several sessions from oversubscribing small machines. */
const DEFAULT_THREADS = 1;
let initializedThreads: number | undefined;

/**
 * onnxruntime-web's wasm module is created once per process with the thread count set at that moment,
 * so the first session decides it. In Node the package's "node" build (dist/ort.node.min.mjs) loads
 * the .wasm from the wasmPaths prefix; we point it at the installed package so nothing is fetched.
 */
function configure(threads: number): void {
  if (initializedThreads === undefined) {
    ort.env.wasm.wasmPaths = new URL('.', import.meta.resolve('onnxruntime-web')).pathname;
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.proxy = false;
    initializedThreads = threads;
  } else if (initializedThreads !== threads) {
    throw new LettersError(
      `--threads ${threads}: onnxruntime-web already runs with ${initializedThreads} thread(s) in this process; ` +
        'use one thread count per process',
    );
  }
}

/** A session on onnxruntime-web's WebAssembly backend, running inside Node. */
export async function createWebSession(
  model: Uint8Array,
  source: string,
  options: SessionOptions = {},
): Promise<RuntimeSession> {
  configure(options.threads ?? DEFAULT_THREADS);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    throw new LettersError(`${source}: onnxruntime-web cannot load the model (${(error as Error).message})`, {
      cause: error,
    });
  }
  checkContract(source, session.inputNames, session.outputNames);
  return {
    runtime: 'web',
    async run(images, count) {
      const feeds = { [INPUT_NAME]: new ort.Tensor('float32', images, [count, 28, 28, 1]) };
      const outputs = await session.run(feeds, [OUTPUT_NAME]);
      return outputs[OUTPUT_NAME]!.data as Float32Array;
    },
    release: () => session.release(),
  };
}
