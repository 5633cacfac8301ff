import { describe, expect, it } from 'vitest';
import {
  coefficientOfVariation,
  logLogSlope,
  mean,
  standardDeviation,
  variance,
} from '../../src/analysis/stats.ts';

describe('stats', () => {
  it('computes mean and population variance (ddof = 0)', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(variance([1, 2, 3, 4])).toBe(1.25);
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
  });

  it('restricts to an index range', () => {
    expect(mean([100, 1, 3, 100], { start: 1, end: 3 })).toBe(2);
    expect(variance([100, 1, 3, 100], { start: 1, end: 3 })).toBe(1);
  });

  it('gives exactly 0 variance for a constant series and NaN for an empty range', () => {
    expect(variance(new Float64Array(7).fill(0.1))).toBe(0);
    expect(mean([1, 2], { start: 1, end: 1 })).toBeNaN();
  });

  it('computes the CV as s.d. / mean, NaN for mean 0', () => {
    // [2, 4, 6]: mean 4, variance 8/3.
    expect(coefficientOfVariation([2, 4, 6])).toBeCloseTo(Math.sqrt(8 / 3) / 4, 15);
    expect(coefficientOfVariation([0, 0, 0])).toBeNaN();
  });

  it('fits the exponent of a power law on log-log axes', () => {
    const x = [1e5, 3e5, 1e6, 1e7];
    expect(
      logLogSlope(
        x,
        x.map((n) => 2e-9 * n ** 1.5),
      ),
    ).toBeCloseTo(1.5, 12);
    expect(
      logLogSlope(
        x,
        x.map(() => 7),
      ),
    ).toBe(0);
    expect(logLogSlope([10, 10], [1, 2])).toBeNaN();
    expect(() => logLogSlope([1, 2], [1])).toThrow(/logLogSlope/);
  });
});
