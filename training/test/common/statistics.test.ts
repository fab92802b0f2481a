import { describe, expect, it } from 'vitest';
import {
  excludesZero,
  mean,
  meanInterval,
  pairedDifference,
  standardDeviation,
  studentTCdf,
  studentTQuantile,
} from '../../src/common/statistics.ts';

describe('Student t', () => {
  it('matches published quantiles', () => {
    // Two-sided 95% critical values from standard t tables.
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706205, 5);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302653, 5);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157, 5);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272, 5);
    expect(studentTQuantile(0.995, 4)).toBeCloseTo(4.604095, 5);
    expect(studentTQuantile(0.025, 2)).toBeCloseTo(-4.302653, 5);
  });

  it('has the closed-form CDF at one and two degrees of freedom', () => {
    for (const t of [-7, -1.5, 0, 0.3, 2, 40]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    }
  });

  it('refuses impossible arguments', () => {
    expect(() => studentTQuantile(1, 3)).toThrow('p must be in (0, 1)');
    expect(() => studentTCdf(1, 0)).toThrow('degrees of freedom must be positive');
  });
});

describe('intervals', () => {
  it('mean, sample standard deviation and the 95% t interval', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(standardDeviation([1, 2, 3, 6])).toBeCloseTo(Math.sqrt(14 / 3), 12);
    const interval = meanInterval([1, 2, 3]);
    expect(interval.mean).toBe(2);
    expect(interval.sd).toBe(1);
    expect(interval.high - interval.mean).toBeCloseTo(4.302653 / Math.sqrt(3), 5);
    expect(interval.mean - interval.low).toBeCloseTo(4.302653 / Math.sqrt(3), 5);
    expect(Number.isNaN(meanInterval([5]).low)).toBe(true);
  });

  it('pairs differences by seed and says when zero is outside the interval', () => {
    const baseline = [0.9, 0.8, 0.85];
    const better = [0.92, 0.821, 0.869];
    const paired = pairedDifference(better, baseline);
    expect(paired.mean).toBeCloseTo(0.02, 12);
    expect(paired.sd).toBeCloseTo(0.001, 12);
    expect(paired.high - paired.mean).toBeCloseTo((4.302653 * 0.001) / Math.sqrt(3), 8);
    expect(excludesZero(paired)).toBe(true);
    expect(excludesZero(pairedDifference([0.9, 0.8, 0.86], baseline))).toBe(false);
    expect(() => pairedDifference([1, 2], [1])).toThrow('pair every value');
  });
});
