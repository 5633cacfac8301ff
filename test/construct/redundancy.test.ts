import { describe, expect, it } from 'vitest';
import { buildDifferenceOfConvex } from '../../src/construct/differenceOfConvex.ts';
import { boundaryIntersection } from '../../src/construct/eiBoundary.ts';
import { linspace } from '../../src/construct/grid.ts';
import { redundant } from '../../src/construct/redundancy.ts';
import { mulberry32 } from '../../src/construct/rng.ts';

const sum = (values: ArrayLike<number>): number => Array.from(values).reduce((s, v) => s + v, 0);

describe('redundant', () => {
  it('repeats every neuron m times (copies adjacent), rows of 2-D inputs included', () => {
    const out = redundant({ D: [0.6, 0.9], T: [1, 2], F: [1, 2, 3, 4] }, 3, { decoder: 'D' });
    expect(Array.from(out.T)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(Array.from(out.F)).toEqual([1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
    expect(out.D).toHaveLength(6);
    out.D.forEach((d, i) => expect(d).toBeCloseTo(i < 3 ? 0.2 : 0.3, 15));
  });

  it('keeps the total decoder mass without jitter', () => {
    const D = linspace(0.4, 0.8, 10);
    for (const m of [1, 7, 100]) {
      const out = redundant({ D }, m, { decoder: 'D' });
      expect(out.D).toHaveLength(10 * m);
      expect(sum(out.D)).toBeCloseTo(sum(D), 12);
    }
  });

  it('jitters each copy within D·(1 ± jitter)/m, reproducibly, keeping the mass on average', () => {
    const m = 10_000;
    const make = () => redundant({ D: [1] }, m, { decoder: 'D', jitter: 0.2, rand: mulberry32(5) });
    const out = make();
    expect(Array.from(make().D)).toEqual(Array.from(out.D));
    for (const d of out.D) {
      expect(d).toBeGreaterThanOrEqual(0.8 / m);
      expect(d).toBeLessThan(1.2 / m);
    }
    // The sum's s.d. is 0.2/√(3m) ≈ 0.0012; allow 5 of them.
    expect(Math.abs(sum(out.D) - 1)).toBeLessThan(0.006);
  });

  it('leaves the boundaries, hence the intersection, of a constructed network unchanged', () => {
    const net = buildDifferenceOfConvex({ f: (x) => 3 + Math.sin(x), xRange: [0, 10], segments: 12 });
    const e = redundant(
      { E_EE: net.E_EE, E_EI: net.E_EI, F_E: net.F_E, T_E: net.T_E, D_E: net.T_E.map(() => 0.5) },
      4,
      {
        decoder: 'D_E',
        jitter: 0.3,
        rand: mulberry32(1),
      },
    );
    const i = redundant(
      { E_IE: net.E_IE, E_II: net.E_II, F_I: net.F_I, T_I: net.T_I, D_I: net.T_I.map(() => 1) },
      4,
      {
        decoder: 'D_I',
      },
    );
    const big = { ...e, ...i };
    expect(big.T_E).toHaveLength(4 * net.T_E.length);
    for (const x of linspace(0, 10, 41)) {
      expect(boundaryIntersection(big, x)!.yE).toBeCloseTo(boundaryIntersection(net, x)!.yE, 12);
    }
  });

  it('refuses a bad m, a sign-flipping jitter, jitter without a source and ragged arrays', () => {
    expect(() => redundant({ D: [1] }, 0, { decoder: 'D' })).toThrow(/positive integer/);
    expect(() => redundant({ D: [1] }, 2, { decoder: 'D', jitter: 1.5, rand: Math.random })).toThrow(
      /\[0, 1\]/,
    );
    expect(() => redundant({ D: [1] }, 2, { decoder: 'D', jitter: 0.1 })).toThrow(/rand/);
    expect(() => redundant({ D: [1, 2], T: [1, 2, 3] }, 2, { decoder: 'D' })).toThrow(/'T' has 3 values/);
  });
});
