import { describe, expect, it } from 'vitest';
import { meanError, meanErrorAgainst, rmse, rmseAgainst } from '../../src/analysis/latentMetrics.ts';

describe('rmse and meanError', () => {
  it('match hand-computed values', () => {
    expect(rmse([1, 2, 3], [1, 2, 5])).toBeCloseTo(Math.sqrt(4 / 3), 15);
    expect(rmse([0, 0, 0, 0], [1, -1, 1, -1])).toBe(1);
    expect(meanError([1, 2, 3], [0, 0, 0])).toBe(2);
  });

  it('signs the mean error as values − target', () => {
    expect(meanError([0, 0], [1, 3])).toBe(-2);
  });

  it('restricts to a sample range', () => {
    const a = Float64Array.from([10, 1, 1, 10]);
    const b = Float64Array.from([0, 0, 2, 0]);
    expect(rmse(a, b, { start: 1, end: 3 })).toBe(1);
    expect(meanError(a, b, { start: 1, end: 3 })).toBe(0);
  });

  it('gives NaN on an empty range and refuses mismatched lengths or ranges outside the data', () => {
    expect(rmse([1, 2], [1, 2], { start: 2, end: 2 })).toBeNaN();
    expect(() => rmse([1, 2], [1])).toThrow(/lengths/);
    expect(() => meanError([1, 2], [1, 2], { start: 0, end: 3 })).toThrow(RangeError);
  });
});

describe('against a target function of the sample index', () => {
  it('compares with a constant target', () => {
    expect(rmseAgainst([1, 3, 1, 3], () => 2)).toBe(1);
    expect(meanErrorAgainst([1, 3, 1, 3], () => 2)).toBe(0);
  });

  it('compares with a sample-dependent target', () => {
    // values = 2k + 0.5 against target 2k: constant error 0.5.
    const values = Float64Array.from({ length: 50 }, (_, k) => 2 * k + 0.5);
    expect(rmseAgainst(values, (k) => 2 * k, { start: 10, end: 50 })).toBe(0.5);
    expect(meanErrorAgainst(values, (k) => 2 * k, { start: 10, end: 50 })).toBe(0.5);
  });
});
