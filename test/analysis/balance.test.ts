import { describe, expect, it } from 'vitest';
import { pearsonCorrelation } from '../../src/analysis/balance.ts';

describe('pearsonCorrelation', () => {
  const x = Float64Array.from({ length: 200 }, (_, i) => Math.sin(0.1 * i) + 0.01 * i);

  it('is 1 for x against 2x + 1 and −1 for x against −x', () => {
    expect(
      pearsonCorrelation(
        x,
        x.map((v) => 2 * v + 1),
      ),
    ).toBeCloseTo(1, 14);
    expect(
      pearsonCorrelation(
        x,
        x.map((v) => -v),
      ),
    ).toBeCloseTo(-1, 14);
  });

  it('matches a hand-computed value', () => {
    // Deviations (−2,−1,0,1,2) and (−1,−2,1,0,2): Σdxdy = 8, Σdx² = Σdy² = 10.
    expect(pearsonCorrelation([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 15);
  });

  it('restricts to a range and is NaN for a constant series', () => {
    expect(pearsonCorrelation([9, 1, 2, 3, -9], [0, 3, 2, 1, 0], { start: 1, end: 4 })).toBeCloseTo(-1, 15);
    expect(pearsonCorrelation([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(pearsonCorrelation(new Float64Array(7).fill(0.1), [1, 2, 3, 4, 5, 6, 7])).toBeNaN();
  });

  it('refuses series of different lengths', () => {
    expect(() => pearsonCorrelation([1, 2], [1, 2, 3])).toThrow(/lengths/);
  });
});
