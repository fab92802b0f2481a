import { IMAGE_SIZE, LETTER_CLASS_NAMES, LettersError, mulberry32, shuffle } from '@letters/contract';

/** One of the user's drawings: a model-ready image (28x28 in [0, 1], as preprocess makes it) and its letter. */
export interface Sample {
  /** 1-26: A-Z, as in EMNIST Letters. */
  readonly label: number;
  /** IMAGE_SIZE * IMAGE_SIZE pixels, row-major. */
  readonly image: Float32Array;
}

/** The fewest drawings of a letter worth teaching: enough to keep one apart and still train on two. */
export const MIN_SAMPLES_PER_LETTER = 3;

/** The letter name of a label (1 -> 'A'). */
export const letterName = (label: number): string => LETTER_CLASS_NAMES[label] ?? String(label);

/** The label of a letter name ('a' or 'A' -> 1), or undefined when it is not one of A-Z. */
export function letterLabel(name: string): number | undefined {
  const index = LETTER_CLASS_NAMES.indexOf(name.toUpperCase());
  return index > 0 ? index : undefined;
}

/** How many drawings each letter has, by label, in label order. */
export function letterCounts(samples: readonly Sample[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const { label } of [...samples].sort((a, b) => a.label - b.label)) counts.set(label, (counts.get(label) ?? 0) + 1);
  return counts;
}

/**
 * Refuses a sample set that cannot teach anything reliable, with one message that says what to add:
 * a bad label or image size, a letter the user chose but did not draw, too few drawings of a letter.
 * `letters` (labels) are the letters the user chose to teach; default: those with drawings.
 */
export function checkSamples(samples: readonly Sample[], letters?: readonly number[]): void {
  for (const sample of samples) {
    if (!Number.isInteger(sample.label) || sample.label < 1 || sample.label >= LETTER_CLASS_NAMES.length) {
      throw new LettersError(`a sample has label ${sample.label}; labels are 1-26 (A-Z)`, { kind: 'usage' });
    }
    if (sample.image.length !== IMAGE_SIZE * IMAGE_SIZE) {
      throw new LettersError(`a sample of ${letterName(sample.label)} has ${sample.image.length} pixels, not ${IMAGE_SIZE}x${IMAGE_SIZE}`);
    }
  }
  const counts = letterCounts(samples);
  const missing = (letters ?? []).filter((label) => !counts.has(label));
  if (missing.length > 0) {
    throw new LettersError(`no drawings of ${missing.map(letterName).join(', ')}: draw at least ${MIN_SAMPLES_PER_LETTER} of each letter you teach`, {
      kind: 'usage',
    });
  }
  if (counts.size === 0) {
    throw new LettersError(`no drawings to learn from: draw at least ${MIN_SAMPLES_PER_LETTER} examples of a letter`, { kind: 'usage' });
  }
  const few = [...counts].filter(([, count]) => count < MIN_SAMPLES_PER_LETTER);
  if (few.length > 0) {
    const list = few.map(([label, count]) => `${letterName(label)} (${count})`).join(', ');
    throw new LettersError(`too few drawings of ${list}: draw at least ${MIN_SAMPLES_PER_LETTER} of each letter you teach`, { kind: 'usage' });
  }
}

export interface SampleSplit {
  /** What the model is fine-tuned on. */
  readonly train: readonly Sample[];
  /** Drawings kept apart: accuracy before and after is measured on these. */
  readonly heldOut: readonly Sample[];
}

/**
 * Keeps about a quarter of each letter's drawings apart (at least one), chosen by a seeded shuffle so a
 * run can be repeated; every letter then has drawings on both sides.
 */
export function splitHeldOut(samples: readonly Sample[], seed = 1): SampleSplit {
  const random = mulberry32(seed);
  const train: Sample[] = [];
  const heldOut: Sample[] = [];
  for (const label of letterCounts(samples).keys()) {
    const mine = shuffle(samples.filter((s) => s.label === label), random);
    const keep = Math.max(1, Math.floor(mine.length / 4));
    heldOut.push(...mine.slice(0, keep));
    train.push(...mine.slice(keep));
  }
  return { train, heldOut };
}
