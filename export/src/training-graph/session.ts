import type * as ort from 'onnxruntime-node';
import { mulberry32 } from '@letters/contract';
import { encodeModel } from '../onnx/schema.ts';
import type { TrainingStepGraph } from './build-training-step.ts';

/**
 * The onnxruntime package to train on: onnxruntime-node's or onnxruntime-web's module (they share one
 * API, onnxruntime-common's), so the same code trains natively, in wasm in Node, and in a browser.
 */
export type OrtModule = Pick<typeof ort, 'InferenceSession' | 'Tensor'>;

export interface TrainingBatch {
  /** NHWC float32 pixels, `size` images of the graph's image shape. */
  readonly images: Float32Array;
  readonly labels: ArrayLike<number>;
  readonly size: number;
  /** Seeds this batch's dropout noise (a seeded run trains the same way on any machine); absent: the session's generator. */
  readonly seed?: number;
}

export interface TrainingSessionOptions {
  /** Passed to InferenceSession.create (threads, execution providers). */
  readonly sessionOptions?: ort.InferenceSession.SessionOptions;
  /** Uniform [0, 1) numbers for the dropout noise; seed it for reproducible runs (default Math.random). */
  readonly random?: () => number;
}

/**
 * Runs a training-step graph step after step. The state (weights, optimizer slots, running statistics)
 * stays in onnxruntime tensors between steps: each step's outputs are the next step's inputs. `read`
 * copies it out (to save or to write back into a model), `write` replaces some of it.
 */
export class TrainingSession {
  private state: Map<string, ort.Tensor>;
  /** Steps run so far (the next step's number minus 1: Adam's bias correction counts from it). */
  steps = 0;

  private constructor(
    private readonly runtime: OrtModule,
    private readonly session: ort.InferenceSession,
    readonly graph: TrainingStepGraph,
    private readonly random: () => number,
  ) {
    this.state = new Map(graph.state.map((s) => [s.input, new runtime.Tensor('float32', s.initial, [...s.dims])]));
  }

  static async create(runtime: OrtModule, graph: TrainingStepGraph, options: TrainingSessionOptions = {}): Promise<TrainingSession> {
    const session = await runtime.InferenceSession.create(encodeModel(graph.model), options.sessionOptions ?? {});
    return new TrainingSession(runtime, session, graph, options.random ?? Math.random);
  }

  /** One optimizer step on a batch; returns the batch's loss (with L2 penalties) and accuracy before the update. */
  async step(batch: TrainingBatch, learningRate: number): Promise<{ loss: number; accuracy: number }> {
    const { inputs, imageShape, noise, outputs } = this.graph;
    const scalar = (value: number) => new this.runtime.Tensor('float32', new Float32Array([value]), []);
    const feeds: Record<string, ort.Tensor> = {
      [inputs.images]: new this.runtime.Tensor('float32', batch.images, [batch.size, ...imageShape]),
      [inputs.labels]: new this.runtime.Tensor('int64', BigInt64Array.from(Array.from(batch.labels), BigInt), [batch.size]),
      [inputs.learningRate]: scalar(learningRate),
      [inputs.step]: scalar(this.steps + 1),
      ...Object.fromEntries(this.state),
    };
    const random = batch.seed === undefined ? this.random : mulberry32(batch.seed);
    for (const { input, shape } of noise) {
      const dims = shape.map((d) => d ?? batch.size);
      const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
      for (let i = 0; i < values.length; i++) values[i] = random();
      feeds[input] = new this.runtime.Tensor('float32', values, dims);
    }
    const results = await this.session.run(feeds);
    for (const s of this.graph.state) this.state.set(s.input, results[s.output]!);
    this.steps++;
    return { loss: (results[outputs.loss]!.data as Float32Array)[0]!, accuracy: (results[outputs.accuracy]!.data as Float32Array)[0]! };
  }

  /** The current state by input name (weights under their ONNX initializer names). */
  read(): Map<string, Float32Array> {
    return new Map([...this.state].map(([name, tensor]) => [name, tensor.data as Float32Array]));
  }

  /** The trained weights and running statistics by their names in the model (for withWeights). */
  weights(): Map<string, Float32Array> {
    return new Map(this.graph.state.filter((s) => s.role !== 'slot').map((s) => [s.weight, this.state.get(s.input)!.data as Float32Array]));
  }

  /** Replaces state tensors by input name (a resumed optimizer's slots, weights changed outside). */
  write(values: ReadonlyMap<string, Float32Array>): void {
    for (const s of this.graph.state) {
      const value = values.get(s.input);
      if (value) this.state.set(s.input, new this.runtime.Tensor('float32', value, [...s.dims]));
    }
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
