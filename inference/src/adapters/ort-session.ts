import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { checkContract, IMAGE_SIZE, INPUT_NAME, LettersError, OUTPUT_NAME } from '@letters/contract';
import { runtimePackage, type Runtime, type RuntimeSession } from './types.ts';

/** The onnxruntime packages share one API; each adapter passes its own session factory and Tensor class. */
export interface OrtBinding {
  readonly runtime: Runtime;
  create(model: Uint8Array): Promise<InferenceSession>;
  tensor(data: Float32Array, dims: readonly number[]): Tensor;
}

/**
 * onnxruntime-web's WebAssembly backend: the same in Node (its node build) and in browsers (its wasm build);
 * or, in browsers, its WebGPU backend (its webgpu build).
 */
export function wasmBinding(ort: typeof import('onnxruntime-web'), executionProvider: 'wasm' | 'webgpu' = 'wasm'): OrtBinding {
  return {
    runtime: 'web',
    create: (bytes) => ort.InferenceSession.create(bytes, { executionProviders: [executionProvider], graphOptimizationLevel: 'all' }),
    tensor: (data, dims) => new ort.Tensor('float32', data, dims),
  };
}

/** Opens a session through `binding` and wraps it as a RuntimeSession following the ONNX contract. */
export async function openOrtSession(binding: OrtBinding, model: Uint8Array, source: string): Promise<RuntimeSession> {
  let session: InferenceSession;
  try {
    session = await binding.create(model);
  } catch (error) {
    throw new LettersError(`${source}: ${runtimePackage(binding.runtime)} cannot load the model (${(error as Error).message})`, {
      cause: error,
    });
  }
  try {
    checkContract(source, session.inputNames, session.outputNames);
  } catch (error) {
    await session.release();
    throw error;
  }
  return {
    runtime: binding.runtime,
    async run(images, count) {
      const feeds = { [INPUT_NAME]: binding.tensor(images, [count, IMAGE_SIZE, IMAGE_SIZE, 1]) };
      const outputs = await session.run(feeds, [OUTPUT_NAME]);
      return outputs[OUTPUT_NAME]!.data as Float32Array;
    },
    release: () => session.release(),
  };
}
