import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { LettersError } from '@letters/training';
import { checkContract } from './contract.ts';
import { INPUT_NAME, OUTPUT_NAME, runtimePackage, type Runtime, type RuntimeSession } from './types.ts';

/** The two onnxruntime packages share one API; each adapter passes its own session factory and Tensor class. */
export interface OrtBinding {
  readonly runtime: Runtime;
  create(model: Uint8Array): Promise<InferenceSession>;
  tensor(data: Float32Array, dims: readonly number[]): Tensor;
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
  checkContract(source, session.inputNames, session.outputNames);
  return {
    runtime: binding.runtime,
    async run(images, count) {
      const outputs = await session.run({ [INPUT_NAME]: binding.tensor(images, [count, 28, 28, 1]) }, [OUTPUT_NAME]);
      return outputs[OUTPUT_NAME]!.data as Float32Array;
    },
    release: () => session.release(),
  };
}
