import { concatFloat32, IMAGE_SIZE } from '@letters/contract';
import type { RuntimeSession } from '../adapters/types.ts';

const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

export interface RunQueueOptions {
  /** Most images in one session run. */
  readonly maxBatch: number;
  /**
   * When the session is idle and fewer than `maxBatch` images wait, wait this long for more before
   * running (micro-batching of concurrent callers, e.g. HTTP requests). 0 runs at once; callers that
   * arrive while a run is in progress are batched together anyway.
   */
  readonly delayMs: number;
}

interface Job {
  readonly images: Float32Array;
  readonly count: number;
  resolve(probabilities: Float32Array): void;
  reject(error: unknown): void;
}

/**
 * Serializes session runs (onnxruntime-web sessions are not re-entrant) and merges the images of
 * concurrent callers into shared runs of at most `maxBatch` images.
 */
export class RunQueue {
  private readonly jobs: Job[] = [];
  private queued = 0;
  private running: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Session runs and images run so far (the ratio is the mean batch size). */
  readonly stats = { runs: 0, images: 0 };

  constructor(
    private readonly session: RuntimeSession,
    private readonly options: RunQueueOptions,
  ) {}

  /** Probabilities [count, classes] for `count` model-ready images. */
  async run(images: Float32Array, count: number): Promise<Float32Array> {
    if (count === 0) return new Float32Array(0);
    const { maxBatch } = this.options;
    const chunks: Promise<Float32Array>[] = [];
    for (let start = 0; start < count; start += maxBatch) {
      const n = Math.min(maxBatch, count - start);
      const chunk = images.subarray(start * PIXELS, (start + n) * PIXELS);
      chunks.push(new Promise((resolve, reject) => this.jobs.push({ images: chunk, count: n, resolve, reject })));
      this.queued += n;
    }
    this.schedule();
    return concatFloat32(await Promise.all(chunks));
  }

  /** Resolves when every queued image has run. */
  async idle(): Promise<void> {
    while (this.running || this.timer || this.jobs.length > 0) {
      if (this.timer && !this.running) this.flush();
      await this.running;
    }
  }

  private schedule(): void {
    if (this.running || this.timer || this.jobs.length === 0) return;
    if (this.options.delayMs > 0 && this.queued < this.options.maxBatch) {
      this.timer = setTimeout(() => this.flush(), this.options.delayMs);
    } else {
      this.flush();
    }
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running || this.jobs.length === 0) return;
    const batch: Job[] = [this.jobs.shift()!];
    let count = batch[0]!.count;
    while (this.jobs.length > 0 && count + this.jobs[0]!.count <= this.options.maxBatch) {
      const job = this.jobs.shift()!;
      batch.push(job);
      count += job.count;
    }
    this.queued -= count;
    this.running = this.execute(batch, count).finally(() => {
      this.running = undefined;
      this.schedule();
    });
  }

  private async execute(batch: readonly Job[], count: number): Promise<void> {
    try {
      const probabilities = await this.session.run(concatFloat32(batch.map((job) => job.images)), count);
      this.stats.runs++;
      this.stats.images += count;
      const classes = probabilities.length / count;
      let row = 0;
      for (const job of batch) {
        job.resolve(probabilities.subarray(row * classes, (row + job.count) * classes));
        row += job.count;
      }
    } catch (error) {
      for (const job of batch) job.reject(error);
    }
  }
}
