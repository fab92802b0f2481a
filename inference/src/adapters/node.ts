import * as ort from 'onnxruntime-node';
import { openOrtSession } from './ort-session.ts';
import type { RuntimeSession, SessionOptions } from './types.ts';

/** A session on onnxruntime-node (native CPU execution provider). */
export function createNodeSession(model: Uint8Array, source: string, options: SessionOptions = {}): Promise<RuntimeSession> {
  const threads = options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 };
  return openOrtSession(
    {
      runtime: 'node',
      create: (bytes) => ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', ...threads }),
      tensor: (data, dims) => new ort.Tensor('float32', data, dims),
    },
    model,
    source,
  );
}
