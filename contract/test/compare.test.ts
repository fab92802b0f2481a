import { describe, expect, it } from 'vitest';
import { compareOutputs, withinTolerance } from '@letters/contract';

describe('compareOutputs', () => {
  it('finds the largest difference, the agreement and the worst inputs', () => {
    const a = Float32Array.of(0.9, 0.1, 0.4, 0.6, 0.5, 0.5);
    const b = Float32Array.of(0.9, 0.1, 0.7, 0.3, 0.5, 0.5);
    const c = compareOutputs(['x', 'y'], a, b, 2, 2);
    expect(c.count).toBe(3);
    expect(c.maxAbsDiff).toBeCloseTo(0.3);
    expect(c.meanAbsDiff).toBeCloseTo(0.6 / 6);
    expect(c.argmaxAgreement).toBeCloseTo(2 / 3);
    expect(c.nonFinite).toBe(0);
    expect(c.worst.map((w) => w.index)).toEqual([1, 0]);
    expect(c.worst[0]).toMatchObject({ argmaxA: 1, argmaxB: 0 });
    expect(withinTolerance(c, 0.31)).toBe(true);
    expect(withinTolerance(c, 0.29)).toBe(false);
  });

  it.each([
    ['NaN everywhere on one side', Float32Array.of(NaN, NaN, NaN, NaN), 4],
    ['one NaN', Float32Array.of(0.5, 0.5, NaN, 0.5), 1],
    ['one Infinity', Float32Array.of(0.5, 0.5, 0.5, Infinity), 1],
    ['one -Infinity', Float32Array.of(-Infinity, 0.5, 0.5, 0.5), 1],
  ])('fails on %s, whatever the tolerance', (_, broken, nonFinite) => {
    const good = Float32Array.of(0.5, 0.5, 0.5, 0.5);
    for (const [a, b] of [[good, broken], [broken, good]] as const) {
      const c = compareOutputs(['good', 'broken'], a, b, 2);
      expect(c.maxAbsDiff).toBeNaN();
      expect(c.meanAbsDiff).toBeNaN();
      expect(c.nonFinite).toBe(nonFinite);
      expect(withinTolerance(c, Number.MAX_VALUE)).toBe(false);
      // The plain `<=` test callers write fails too.
      expect(c.maxAbsDiff <= 1).toBe(false);
    }
  });

  it('puts a non-finite input first among the worst, before larger finite differences', () => {
    const a = Float32Array.of(0, 1, 0, 1, NaN, 0);
    const b = Float32Array.of(0, 1, 1, 0, 0, 0);
    const c = compareOutputs(['a', 'b'], a, b, 2);
    expect(c.worst.map((w) => w.index)).toEqual([2, 1, 0]);
    expect(c.worst[0]!.maxAbsDiff).toBeNaN();
  });

  it('refuses outputs of different sizes or sizes that are not whole rows', () => {
    expect(() => compareOutputs(['a', 'b'], new Float32Array(4), new Float32Array(6), 2)).toThrow(/a gave 4 values, b 6/);
    expect(() => compareOutputs(['a', 'b'], new Float32Array(5), new Float32Array(5), 2)).toThrow(/not rows of 2 classes/);
  });
});
