import type * as tf from '@tensorflow/tfjs';
import { LettersError } from '@letters/contract';
import type { GraphBuilder } from '../onnx/graph-builder.ts';
import { intsAttr } from '../onnx/graph-builder.ts';
import type { OnnxAttribute, OnnxValueInfo } from '../onnx/schema.ts';

/**
 * Where the graph's current value is kept. Keras tensors are channels-last; ONNX Conv and pooling are
 * channels-first. `keras` means the ONNX tensor has the Keras layout; `nchw` means a 4-D value is held
 * transposed to [N, C, H, W]. Transposes are inserted only where the layout has to change.
 */
export type Layout = 'keras' | 'nchw';

export interface Value {
  name: string;
  /** The Keras shape (channels-last), batch first as null. */
  shape: readonly (number | null)[];
  layout: Layout;
  /** True right after a softmax over the last Keras axis: the value is a probability distribution. */
  probabilities: boolean;
}

export interface ConvertOptions {
  /**
   * Training mode, for the training-graph builder: BatchNormalization normalizes with the batch's statistics
   * and outputs its updated running statistics; Dropout drops by a noise input. Never set it for an export.
   */
  training?: boolean;
  /**
   * Internal test hook for the parity check's negative control: 'nchw' flattens a channels-first value
   * as is, the classic exporter bug (Keras flattens in NHWC order). Never set it for a real export.
   */
  flattenOrder?: 'nhwc' | 'nchw';
}

/** Reads a tfjs layer's config with the types the converters expect; wrong types name the layer. */
export class LayerConfig {
  private readonly config: Record<string, unknown>;
  constructor(readonly layer: tf.layers.Layer) {
    this.config = layer.getConfig() as Record<string, unknown>;
  }
  describe(): string {
    return `layer '${this.layer.name}' (${this.layer.getClassName()})`;
  }
  fail(problem: string): never {
    throw new LettersError(`${this.describe()}: ${problem}`);
  }
  has(key: string): boolean {
    return this.config[key] !== undefined && this.config[key] !== null;
  }
  number(key: string, fallback?: number): number {
    const value = this.config[key] ?? fallback;
    if (typeof value !== 'number') this.fail(`config '${key}' is ${JSON.stringify(value)}, expected a number`);
    return value;
  }
  string(key: string, fallback?: string): string {
    const value = this.config[key] ?? fallback;
    if (typeof value !== 'string') this.fail(`config '${key}' is ${JSON.stringify(value)}, expected a string`);
    return value;
  }
  boolean(key: string, fallback?: boolean): boolean {
    const value = this.config[key] ?? fallback;
    if (typeof value !== 'boolean') this.fail(`config '${key}' is ${JSON.stringify(value)}, expected true or false`);
    return value;
  }
  /** A per-spatial-axis pair, given in Keras either as one number or as [height, width]. */
  pair(key: string, fallback?: number): [number, number] {
    const value = this.config[key] ?? fallback;
    if (typeof value === 'number') return [value, value];
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
      return [value[0] as number, value[1] as number];
    }
    return this.fail(`config '${key}' is ${JSON.stringify(value)}, expected a number or [height, width]`);
  }
  /** Weights by their Keras name (kernel, bias, gamma, moving_mean, ...). */
  weights(): Map<string, tf.Tensor> {
    const values = this.layer.getWeights();
    return new Map(this.layer.weights.map((w, i) => [w.originalName.split('/').at(-1) ?? w.originalName, values[i]!]));
  }
}

/** What a training-mode conversion adds to the graph besides the probabilities. */
export interface TrainingExtras {
  /** Running statistics (BatchNormalization): the constant read this step and the output holding its update. */
  runningStats: { initializer: string; updated: string }[];
  /** Dropout noise inputs: uniform [0, 1) values, Keras-shaped [N, ...] in the layout the graph holds them. */
  noise: { input: string; shape: (number | null)[] }[];
}

/** The state of one conversion: the graph so far and the current value flowing down the chain. */
export class ConversionContext {
  /** Graph outputs besides the probabilities (training mode's updated running statistics). */
  readonly extraOutputs: OnnxValueInfo[] = [];
  readonly training: TrainingExtras = { runningStats: [], noise: [] };

  constructor(
    readonly graph: GraphBuilder,
    public current: Value,
    readonly options: ConvertOptions,
  ) {}

  /** Appends a node consuming the current value (plus `extraInputs`) and makes its output current. */
  apply(
    opType: string,
    scope: string,
    options: { extraInputs?: string[]; attributes?: OnnxAttribute[]; shape?: readonly (number | null)[]; layout?: Layout } = {},
  ): void {
    const name = this.graph.node(opType, [this.current.name, ...(options.extraInputs ?? [])], scope, options.attributes);
    this.current = {
      name,
      shape: options.shape ?? this.current.shape,
      layout: options.layout ?? this.current.layout,
      probabilities: false,
    };
  }

  /** Makes a 4-D current value channels-first (for Conv, pooling, BatchNormalization). */
  toNchw(scope: string): void {
    if (this.current.layout === 'nchw') return;
    this.requireRank(4, scope);
    this.apply('Transpose', scope, { attributes: [intsAttr('perm', [0, 3, 1, 2])], layout: 'nchw' });
  }

  /** Makes the current value channels-last again, as Keras holds it (before Flatten, Dense, ...). */
  toKeras(scope: string): void {
    if (this.current.layout === 'keras') return;
    this.apply('Transpose', scope, { attributes: [intsAttr('perm', [0, 2, 3, 1])], layout: 'keras' });
  }

  /** The ONNX axis of the Keras channels (last) axis in the current layout. */
  channelAxis(): number {
    return this.current.layout === 'nchw' ? 1 : this.current.shape.length - 1;
  }

  requireRank(rank: number, scope: string): void {
    if (this.current.shape.length !== rank) {
      throw new LettersError(
        `layer '${scope}': expects a ${rank}-D input, got shape ${JSON.stringify(this.current.shape)}`,
      );
    }
  }
}
