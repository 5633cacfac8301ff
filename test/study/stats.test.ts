import { describe, expect, it } from 'vitest';
import { logLogFit, meanInterval, studentTQuantile, studentTUpperTail } from '../../src/study/stats.ts';

describe('studentTQuantile', () => {
  it('matches the two-sided 95% table values', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 4);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.3027, 4);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.7764, 4);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.0423, 4);
    expect(studentTQuantile(0.995, 10)).toBeCloseTo(3.1693, 4);
  });

  it('tends to the normal quantile 1.960 for many degrees of freedom', () => {
    const t = studentTQuantile(0.975, 1e6);
    expect(t).toBeCloseTo(1.96, 3);
    // Cornish–Fisher: z + (z³ + z) / (4ν) + O(ν⁻²), with z = 1.959963985 the normal quantile.
    const z = 1.959963985;
    expect(t).toBeCloseTo(z + (z ** 3 + z) / 4e6, 8);
  });

  it('has closed forms at one and two degrees of freedom (Cauchy, and (2p − 1) / √(2p(1 − p)))', () => {
    for (const p of [0.6, 0.9, 0.99]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 9);
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 9);
    }
  });

  it('is odd about p = 1/2 and inverts the upper tail', () => {
    expect(studentTQuantile(0.5, 7)).toBe(0);
    expect(studentTQuantile(0.025, 7)).toBeCloseTo(-studentTQuantile(0.975, 7), 12);
    expect(studentTUpperTail(studentTQuantile(0.9, 3.5), 3.5)).toBeCloseTo(0.1, 12);
  });

  it('rejects probabilities outside (0, 1) and non-positive degrees of freedom', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
  });
});

describe('meanInterval', () => {
  it('is mean ± t(0.975, n − 1)·s/√n', () => {
    // mean 3, sample sd √2.5, t(0.975, 4) = 2.776445.
    const r = meanInterval([1, 2, 3, 4, 5]);
    expect(r.n).toBe(5);
    expect(r.mean).toBe(3);
    const half = (2.776445 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(r.low).toBeCloseTo(3 - half, 5);
    expect(r.high).toBeCloseTo(3 + half, 5);
  });

  it('has zero width for a single value or identical values', () => {
    expect(meanInterval([0.7])).toEqual({ mean: 0.7, low: 0.7, high: 0.7, n: 1 });
    const same = meanInterval([2, 2, 2]);
    expect([same.low, same.high]).toEqual([2, 2]);
  });

  it('rejects an empty list', () => {
    expect(() => meanInterval([])).toThrow(RangeError);
  });
});

describe('logLogFit', () => {
  it('recovers an exact power law y = 3·x^−0.5 with a zero-width interval', () => {
    const x = [1, 10, 100, 1000, 10000];
    const fit = logLogFit(
      x,
      x.map((v) => 3 * v ** -0.5),
    )!;
    expect(fit.slope).toBeCloseTo(-0.5, 12);
    expect(fit.intercept).toBeCloseTo(Math.log10(3), 12);
    expect(fit.high - fit.low).toBeLessThan(1e-12);
    expect(fit.n).toBe(5);
  });

  it('matches a hand computation on noisy data', () => {
    // log10 x = 0, 1, 2, 3 and log10 y = 0, −0.4, −1.1, −1.5: Sxx = 5, Sxy = −2.6, so slope −0.52 and
    // intercept 0.03; residuals −0.03, 0.09, −0.09, 0.03 give SSE 0.018, s² = 0.009,
    // SE = √(0.009 / 5) = 0.042426, and t(0.975, 2) = 4.302653 makes the half-width 0.182546.
    const fit = logLogFit([1, 10, 100, 1000], [1, 10 ** -0.4, 10 ** -1.1, 10 ** -1.5])!;
    expect(fit.slope).toBeCloseTo(-0.52, 12);
    expect(fit.intercept).toBeCloseTo(0.03, 12);
    expect(fit.low).toBeCloseTo(-0.702546, 5);
    expect(fit.high).toBeCloseTo(-0.337454, 5);
  });

  it('uses only points with positive x and y, and needs three of them at two or more x', () => {
    const fit = logLogFit([0, 1, 10, 100, -5], [1, 2, 0.2, 0.02, 1])!;
    expect(fit.n).toBe(3);
    expect(fit.slope).toBeCloseTo(-1, 12);
    expect(logLogFit([1, 10, 100], [1, 0, 1])).toBeNull();
    expect(logLogFit([10, 10, 10], [1, 2, 3])).toBeNull();
    expect(() => logLogFit([1, 2], [1])).toThrow(RangeError);
  });
});
