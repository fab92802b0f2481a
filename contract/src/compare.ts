/**
 * The one comparison of two outputs for the same inputs ([count, classes] probabilities), used by the
 * exporter's check, `letters parity`, the pipeline and the web page. A value that is NaN or infinite
 * on either side makes the difference NaN, which no tolerance accepts: a broken model never passes.
 */
export interface Comparison {
  readonly a: string;
  readonly b: string;
  /** Inputs compared. */
  readonly count: number;
  /** Largest |a - b| over every value; NaN when any value on either side is NaN or infinite. */
  readonly maxAbsDiff: number;
  /** Mean |a - b| over every value; NaN when any value on either side is NaN or infinite. */
  readonly meanAbsDiff: number;
  /** Share of inputs where both pick the same class. */
  readonly argmaxAgreement: number;
  /** Values that are NaN or infinite, on either side. */
  readonly nonFinite: number;
  /** The inputs with the largest differences, worst first (non-finite ones before all others). */
  readonly worst: readonly WorstInput[];
}

export interface WorstInput {
  /** Index of the input. */
  readonly index: number;
  /** NaN when a value of this input is NaN or infinite. */
  readonly maxAbsDiff: number;
  readonly argmaxA: number;
  readonly argmaxB: number;
}

/** The index of the largest value (the first one on ties): the class a row of probabilities picks. */
export function argmax(row: Float32Array): number {
  let best = 0;
  for (let k = 1; k < row.length; k++) if (row[k]! > row[best]!) best = k;
  return best;
}

/** Sort key: NaN (a broken input) is worse than any difference. */
const severity = (diff: number) => (Number.isNaN(diff) ? Infinity : diff);

/** Compares [count, classes] outputs of two runtimes (or models), keeping the `keep` worst inputs. */
export function compareOutputs(
  names: readonly [string, string],
  a: Float32Array,
  b: Float32Array,
  classes: number,
  keep = 5,
): Comparison {
  if (a.length !== b.length) throw new RangeError(`${names[0]} gave ${a.length} values, ${names[1]} ${b.length}`);
  if (!Number.isInteger(classes) || classes < 1 || a.length % classes !== 0) {
    throw new RangeError(`${a.length} values are not rows of ${classes} classes`);
  }
  const count = a.length / classes;
  const perInput: WorstInput[] = [];
  let sum = 0;
  let agree = 0;
  let nonFinite = 0;
  for (let i = 0; i < count; i++) {
    const rowA = a.subarray(i * classes, (i + 1) * classes);
    const rowB = b.subarray(i * classes, (i + 1) * classes);
    let max = 0;
    for (let k = 0; k < classes; k++) {
      const finiteA = Number.isFinite(rowA[k]!);
      const finiteB = Number.isFinite(rowB[k]!);
      nonFinite += (finiteA ? 0 : 1) + (finiteB ? 0 : 1);
      const diff = finiteA && finiteB ? Math.abs(rowA[k]! - rowB[k]!) : NaN;
      sum += diff;
      // NaN wins and stays: `diff > max` alone would never keep it.
      if (!Number.isNaN(max) && !(diff <= max)) max = diff;
    }
    const argmaxA = argmax(rowA);
    const argmaxB = argmax(rowB);
    if (argmaxA === argmaxB) agree++;
    perInput.push({ index: i, maxAbsDiff: max, argmaxA, argmaxB });
  }
  perInput.sort((x, y) => {
    const [sx, sy] = [severity(x.maxAbsDiff), severity(y.maxAbsDiff)];
    return sx === sy ? x.index - y.index : sy > sx ? 1 : -1;
  });
  return {
    a: names[0],
    b: names[1],
    count,
    maxAbsDiff: perInput[0]?.maxAbsDiff ?? 0,
    meanAbsDiff: count > 0 ? sum / (count * classes) : 0,
    argmaxAgreement: count > 0 ? agree / count : 1,
    nonFinite,
    worst: perInput.slice(0, keep),
  };
}

/** Whether every value is finite and no two differ by more than `tolerance`. */
export function withinTolerance(comparison: Comparison, tolerance: number): boolean {
  return comparison.nonFinite === 0 && comparison.maxAbsDiff <= tolerance;
}
