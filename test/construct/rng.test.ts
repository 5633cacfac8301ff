import { describe, expect, it } from 'vitest';
import { mulberry32, normalSampler, symmetricUniform } from '../../src/construct/rng.ts';

describe('mulberry32', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
  });

  it('is uniform in [0, 1): range, mean 1/2, variance 1/12', () => {
    const rand = mulberry32(7);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = rand();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      sum += u;
      sumSq += u * u;
    }
    const mean = sum / n;
    // Standard error of the mean is √(1/12/n) ≈ 0.0009; allow 5 of them.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.0046);
    expect(Math.abs(sumSq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });
});

describe('normalSampler', () => {
  it('draws mean 0, variance 1, and about 68.3% within one s.d.', () => {
    const z = normalSampler(mulberry32(1));
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let within = 0;
    for (let i = 0; i < n; i++) {
      const v = z();
      sum += v;
      sumSq += v * v;
      if (Math.abs(v) < 1) within++;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.016);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.025);
    expect(Math.abs(within / n - 0.6827)).toBeLessThan(0.008);
  });
});

describe('symmetricUniform', () => {
  it('maps [0, 1) onto [−1, 1)', () => {
    const values = [0, 0.25, 0.5, 0.999];
    let k = 0;
    const u = symmetricUniform(() => values[k++]);
    expect(values.map(() => u())).toEqual([-1, -0.5, 0, 2 * 0.999 - 1]);
  });
});
