import * as ort from 'onnxruntime-web/wasm';
import { IMAGE_SIZE } from '@letters/inference/preprocess';
import type { DemoModel } from './api.ts';

/** The ONNX contract every exported letters model follows: NHWC 28x28 grayscale in, softmax out. */
const INPUT = 'image';
const OUTPUT = 'probabilities';

export interface Prediction {
  readonly index: number;
  readonly label: string;
  readonly probability: number;
}

/** One exported model in an onnxruntime-web session. Runs are queued: a session runs one batch at a time. */
export class WebModel {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly info: DemoModel,
    private readonly session: ort.InferenceSession,
  ) {}

  static async load(info: DemoModel): Promise<WebModel> {
    const session = await ort.InferenceSession.create(new URL(info.url, document.baseURI).href, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    if (!session.inputNames.includes(INPUT) || !session.outputNames.includes(OUTPUT)) {
      await session.release();
      throw new Error(
        `${info.name}: expected input "${INPUT}" and output "${OUTPUT}", found ` +
          `${session.inputNames.join(', ')} -> ${session.outputNames.join(', ')}; export it with \`letters export\``,
      );
    }
    return new WebModel(info, session);
  }

  /** Probabilities, `count` rows of `labels.length`, for `count` preprocessed 28x28 inputs laid end to end. */
  run(inputs: Float32Array, count: number): Promise<Float32Array> {
    const result = this.queue.then(async () => {
      const feeds = { [INPUT]: new ort.Tensor('float32', inputs, [count, IMAGE_SIZE, IMAGE_SIZE, 1]) };
      const outputs = await this.session.run(feeds);
      return outputs[OUTPUT]!.data as Float32Array;
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The `k` most probable classes of one probability row, skipping unnamed classes (Letters' class 0). */
  topK(probabilities: Float32Array, k: number): Prediction[] {
    const labels = this.info.labels;
    return Array.from(probabilities, (probability, index) => ({ index, label: labels[index] ?? '', probability }))
      .filter((p) => p.label !== '')
      .sort((a, b) => b.probability - a.probability)
      .slice(0, k);
  }

  release(): Promise<void> {
    return this.queue.then(() => this.session.release());
  }
}
