import { createNodeSession } from './node.ts';
import { createWebSession } from './web.ts';
import type { Runtime, RuntimeSession, SessionOptions } from './types.ts';

export type { Runtime, RuntimeSession, SessionOptions } from './types.ts';
export { runtimePackage } from './types.ts';

export const RUNTIMES: readonly Runtime[] = ['node', 'web'];

/** Opens `model` (ONNX bytes; `source` names it in errors) on the chosen runtime, in Node. */
export function createSession(
  runtime: Runtime,
  model: Uint8Array,
  source: string,
  options: SessionOptions = {},
): Promise<RuntimeSession> {
  return runtime === 'node' ? createNodeSession(model, source, options) : createWebSession(model, source, options);
}
