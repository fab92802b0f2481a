import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LettersError } from '@letters/contract';
import { openOrtSession, wasmBinding } from './ort-session.ts';
import type { RuntimeSession, SessionOptions } from './types.ts';

/** Default wasm threads: 1 keeps several sessions from oversubscribing small machines. */
const DEFAULT_THREADS = 1;
let initializedThreads: number | undefined;

/**
 * onnxruntime-web's wasm module is created once per process with the thread count set at that moment,
 * so the first session decides it. In Node the package's "node" build (dist/ort.node.min.mjs) loads
 * the .wasm from the wasmPaths prefix; we point it at the installed package so nothing is fetched.
 */
function configure(ort: typeof import('onnxruntime-web'), threads: number): void {
  if (initializedThreads === undefined) {
    ort.env.wasm.wasmPaths = `${dirname(fileURLToPath(import.meta.resolve('onnxruntime-web')))}/`;
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.proxy = false;
    initializedThreads = threads;
  } else if (initializedThreads !== threads) {
    throw new LettersError(
      `--threads ${threads}: onnxruntime-web already runs with ${initializedThreads} thread(s) in this process; ` +
        'use one thread count per process',
      { kind: 'usage' },
    );
  }
}

/** A session on onnxruntime-web's WebAssembly backend, running inside Node (loaded with the first session). */
export async function createWebSession(model: Uint8Array, source: string, options: SessionOptions = {}): Promise<RuntimeSession> {
  const ort = await import('onnxruntime-web');
  configure(ort, options.threads ?? DEFAULT_THREADS);
  return openOrtSession(wasmBinding(ort), model, source);
}
