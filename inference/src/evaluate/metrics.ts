/** Keras' clipping of probabilities before the logarithm, as the training package's evaluation. */
const EPSILON = 1e-7;

export interface ClassMetrics {
  readonly index: number;
  readonly label: string;
  /** Images of this class in the set. */
  readonly support: number;
  /** Share of the images predicted as this class that are this class (NaN when none was predicted). */
  readonly precision: number;
  /** Share of this class's images predicted as it (NaN when it has no images). */
  readonly recall: number;
}

export interface ClassificationMetrics {
  readonly count: number;
  readonly accuracy: number;
  /** Mean sparse categorical cross-entropy. */
  readonly loss: number;
  /** Classes with images or predictions (Letters' unused class 0 is left out when empty). */
  readonly perClass: readonly ClassMetrics[];
  /** `confusion[true][predicted]` counts over all model classes. */
  readonly confusion: readonly (readonly number[])[];
}

/** Accumulates loss, accuracy and the confusion matrix batch by batch, in constant memory. */
export class MetricsAccumulator {
  private readonly confusion: number[][];
  private lossSum = 0;
  private count = 0;

  constructor(private readonly labels: readonly string[]) {
    this.confusion = labels.map(() => labels.map(() => 0));
  }

  /** Adds `truth.length` rows of probabilities [n, classes]. */
  add(probabilities: Float32Array, truth: Uint8Array): void {
    const classes = this.labels.length;
    if (probabilities.length !== truth.length * classes) {
      throw new RangeError(`${probabilities.length} probabilities for ${truth.length} labels of ${classes} classes`);
    }
    for (let i = 0; i < truth.length; i++) {
      const row = probabilities.subarray(i * classes, (i + 1) * classes);
      const label = truth[i]!;
      if (label >= classes) throw new RangeError(`label ${label} is outside the model's ${classes} classes`);
      this.lossSum -= Math.log(Math.min(1 - EPSILON, Math.max(EPSILON, row[label]!)));
      let best = 0;
      for (let k = 1; k < classes; k++) if (row[k]! > row[best]!) best = k;
      this.confusion[label]![best]!++;
    }
    this.count += truth.length;
  }

  result(): ClassificationMetrics {
    const { confusion, labels, count } = this;
    const correct = labels.reduce((sum, _, k) => sum + confusion[k]![k]!, 0);
    const perClass: ClassMetrics[] = [];
    for (let k = 0; k < labels.length; k++) {
      const support = confusion[k]!.reduce((a, b) => a + b, 0);
      const predicted = confusion.reduce((sum, row) => sum + row[k]!, 0);
      if (support === 0 && predicted === 0 && labels[k] === '') continue;
      perClass.push({
        index: k,
        label: labels[k] || String(k),
        support,
        precision: predicted > 0 ? confusion[k]![k]! / predicted : NaN,
        recall: support > 0 ? confusion[k]![k]! / support : NaN,
      });
    }
    return {
      count,
      accuracy: count > 0 ? correct / count : NaN,
      loss: count > 0 ? this.lossSum / count : NaN,
      perClass,
      confusion: confusion.map((row) => [...row]),
    };
  }
}
