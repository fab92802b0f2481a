/** The runtimes a Classifier can run on: onnxruntime-node (native CPU) or onnxruntime-web (WebAssembly). */
export type Runtime = 'node' | 'web';

/** The onnxruntime package a runtime runs on, as messages and tables name it. */
export const runtimePackage = (runtime: Runtime): string => `onnxruntime-${runtime}`;

/** Tuning shared by both runtimes. */
export interface SessionOptions {
  /**
   * Threads inside one session run (onnxruntime's intra-op threads; onnxruntime-web's wasm threads).
   * onnxruntime-web fixes its thread count at its first session in a process or page.
   */
  readonly threads?: number;
}

/**
 * One loaded model on one runtime: the thin part that differs between onnxruntime-node and
 * onnxruntime-web. Follows the ONNX contract (input `image` NHWC [N,28,28,1] float32, output
 * `probabilities` [N, classes]).
 */
export interface RuntimeSession {
  readonly runtime: Runtime;
  /**
   * Runs `count` images laid out as [count,28,28,1] and returns [count, classes] probabilities.
   * Not re-entrant: callers run one batch at a time (the Classifier queues them).
   */
  run(images: Float32Array, count: number): Promise<Float32Array>;
  release(): Promise<void>;
}
