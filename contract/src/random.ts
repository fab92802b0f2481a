/**
 * The raw mulberry32 step (Tommy Ettinger, public domain): a function returning uniform numbers in
 * [0, 1) from a 32-bit seed, the same on every machine. Here so that browser code (the demo's Teach
 * mode) and the training package's seeded generator share one implementation.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates in place with a seeded generator (arrays and typed arrays); returns the same array. */
export function shuffle<T extends { [index: number]: unknown; readonly length: number }>(items: T, random: () => number): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
