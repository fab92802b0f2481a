import * as ort from 'onnxruntime-node';
import { LettersError } from '@letters/training';
import { checkContract } from './contract.ts';
import { INPUT_NAME, OUTPUT_NAME, type RuntimeSession, type SessionOptions } from './types.ts';

/** A session on onnxruntime-node (native CPU execution provider). */
export async function createNodeSession(
  model: Uint8Array,
  source: string,
  options: SessionOptions = {},
): Promise<RuntimeSession> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 }),
    });
  } catch (error) {
    throw new LettersError(`${source}: onnxruntime-node cannot load the model (${(error as Error).message})`, {
      cause: error,
    });
  }
  checkContract(source, session.inputNames, session.outputNames);
  return {
    runtime: 'node',
    async run(images, count) {
      const feeds = { [INPUT_NAME]: new ort.Tensor('float32', images, [count, 28, 28, 1]) };
      const outputs = await session.run(feeds, [OUTPUT_NAME]);
      return outputs[OUTPUT_NAME]!.data as Float32Array;
    },
    release: () => session.release(),
  };
}
