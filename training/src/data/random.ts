import { mulberry32, shuffle } from '@letters/contract';

/**
 * A small seeded pseudo-random generator, so that splits, shuffles, augmentation and the generated
 * fixtures are the same on every machine and every run with the same seed.
 *
 * The core is mulberry32 (Tommy Ettinger, public domain): 32 bits of state, period 2^32, passes
 * PractRand to 2^32 outputs. That is plenty for shuffling datasets of ~10^5 images and jittering
 * strokes; it is not for cryptography. Seeds are 32-bit integers; other numbers are truncated.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Shuffles in place (Fisher-Yates) and returns the same array. */
  shuffle<T extends { [index: number]: unknown; length: number }>(items: T): T;
  /** A new generator seeded from this one: an independent stream for a sub-task. */
  fork(): Random;
}

export { mulberry32 };

/** A seeded generator; the same seed gives the same sequence everywhere. */
export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  const random: Random = {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (n) => Math.floor(next() * n),
    normal() {
      // 1 - u keeps the logarithm's argument in (0, 1].
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    shuffle: (items) => shuffle(items, next),
    fork: () => createRandom(Math.floor(next() * 4294967296)),
  };
  return random;
}
