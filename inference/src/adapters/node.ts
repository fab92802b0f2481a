import { openOrtSession } from './ort-session.ts';
import type { RuntimeSession, SessionOptions } from './types.ts';

/**
 * A session on onnxruntime-node (native CPU execution provider). The package (and its native
 * binding) loads with the first session, so importing the Classifier stays cheap.
 */
export async function createNodeSession(model: Uint8Array, source: string, options: SessionOptions = {}): Promise<RuntimeSession> {
  const ort = await import('onnxruntime-node');
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
