import type * as tf from '@tensorflow/tfjs';

/** One batch as the training loop hands it over: float32 pixels in [0, 1], NHWC, and integer labels. */
export interface Batch {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly size: number;
  readonly height: number;
  readonly width: number;
  /** Seeds the step's random ops (dropout masks), so a seeded run trains the same way every time; absent: unseeded. */
  readonly seed?: number;
}

export interface StepResult {
  /** Mean sparse categorical cross-entropy over the batch. */
  readonly loss: number;
  /** Fraction of the batch whose argmax equals its label. */
  readonly accuracy: number;
}

/**
 * One optimizer step. The training loop (fit) calls only this, so the engine can change how a
 * step runs (kernels, threads, workers) without touching the loop or its callbacks.
 */
export interface TrainStep {
  run(batch: Batch): Promise<StepResult>;
  dispose(): void;
}

export type CreateTrainStep = (model: tf.LayersModel, optimizer: tf.Optimizer) => TrainStep;
