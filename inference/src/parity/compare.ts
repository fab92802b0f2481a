/** How far two runtimes' probabilities for the same inputs are apart. */
export interface Comparison {
  readonly a: string;
  readonly b: string;
  readonly maxAbsDiff: number;
  readonly meanAbsDiff: number;
  /** Share of inputs where both pick the same class. */
  readonly argmaxAgreement: number;
  /** The inputs with the largest differences, worst first. */
  readonly worst: readonly WorstInput[];
}

export interface WorstInput {
  /** Index of the input. */
  readonly index: number;
  readonly maxAbsDiff: number;
  readonly argmaxA: number;
  readonly argmaxB: number;
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let k = 1; k < row.length; k++) if (row[k]! > row[best]!) best = k;
  return best;
}

/** Compares [count, classes] probabilities of two runtimes, keeping the `keep` worst inputs. */
export function compareOutputs(
  names: readonly [string, string],
  a: Float32Array,
  b: Float32Array,
  classes: number,
  keep = 5,
): Comparison {
  if (a.length !== b.length) throw new RangeError(`${names[0]} gave ${a.length} values, ${names[1]} ${b.length}`);
  const count = a.length / classes;
  const perInput: WorstInput[] = [];
  let sum = 0;
  let agree = 0;
  for (let i = 0; i < count; i++) {
    const rowA = a.subarray(i * classes, (i + 1) * classes);
    const rowB = b.subarray(i * classes, (i + 1) * classes);
    let max = 0;
    for (let k = 0; k < classes; k++) {
      const diff = Math.abs(rowA[k]! - rowB[k]!);
      sum += diff;
      if (diff > max) max = diff;
    }
    const argmaxA = argmax(rowA);
    const argmaxB = argmax(rowB);
    if (argmaxA === argmaxB) agree++;
    perInput.push({ index: i, maxAbsDiff: max, argmaxA, argmaxB });
  }
  perInput.sort((x, y) => y.maxAbsDiff - x.maxAbsDiff || x.index - y.index);
  return {
    a: names[0],
    b: names[1],
    maxAbsDiff: perInput[0]?.maxAbsDiff ?? 0,
    meanAbsDiff: count > 0 ? sum / (count * classes) : 0,
    argmaxAgreement: count > 0 ? agree / count : 1,
    worst: perInput.slice(0, keep),
  };
}
