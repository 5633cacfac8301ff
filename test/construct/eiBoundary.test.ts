import { describe, expect, it } from 'vitest';
import {
  boundaryE,
  boundaryI,
  boundaryIntersection,
  boundaryIntersections,
} from '../../src/construct/eiBoundary.ts';
import type { EINetwork } from '../../src/construct/eiBoundary.ts';
import { linspace } from '../../src/construct/grid.ts';

// EXPERIMENTS.md fig4, 1 E + 1 I.
const fig4: EINetwork = {
  E_EE: [1],
  E_EI: [1],
  F_E: [2],
  T_E: [1],
  E_IE: [1.5],
  E_II: [1],
  F_I: [1],
  T_I: [1],
};

// EXPERIMENTS.md fig4, 10 E + 10 I.
const z = Array.from(linspace(0, 5, 10));
const fig4Ten: EINetwork = {
  E_EE: z.map((v) => 0.3 * v),
  E_EI: z.map(() => 1),
  F_E: z.map(() => 0),
  T_E: z.map((v) => 0.15 * v * v - 2.5),
  E_IE: z.map((v) => 0.48 * v),
  E_II: z.map(() => 1),
  F_I: z.map(() => 0),
  T_I: z.map((v) => 0.24 * v * v - 1.75),
};

// EXPERIMENTS.md fig5, 3 E + 3 I.
const fig5: EINetwork = {
  E_EE: [0.3, 0.3, 0.3],
  E_EI: [1, 1, 1],
  F_E: [0.4, 1.2, 2.8],
  T_E: [-0.535, 1.025, 10.545],
  E_IE: [0.9, 0.9, 0.9],
  E_II: [1, 1, 1],
  F_I: [0.4, 2.0, 3.6],
  T_I: [1.135, 7.455, 20.175],
};

describe('boundaryIntersection', () => {
  it('fig4 1+1 at x = 1: y^E = 2, |y^I| = 3', () => {
    const point = boundaryIntersection(fig4, 1);
    expect(point?.yE).toBeCloseTo(2, 12);
    expect(point?.yI).toBeCloseTo(3, 12);
    // Both boundaries pass through it.
    expect(boundaryE(fig4, 1, 2)).toBeCloseTo(3, 12);
    expect(boundaryI(fig4, 1, 2)).toBeCloseTo(3, 12);
  });

  it('fig4 10+10 at x = 0: (2.887, 3.75) within 0.01', () => {
    const point = boundaryIntersection(fig4Ten, 0);
    expect(point).not.toBeNull();
    expect(Math.abs(point!.yE - 2.887)).toBeLessThan(0.01);
    expect(Math.abs(point!.yI - 3.75)).toBeLessThan(0.01);
    expect(boundaryE(fig4Ten, 0, point!.yE)).toBeCloseTo(point!.yI, 12);
  });

  it('fig5: passes through the stated zigzag within 0.05', () => {
    const yE = [2.8, 2.85, 5.4, 2.85, 5.4, 2.7];
    const yI = [1.38, 2.23, 5.4, 7.11, 13.48, 18.25];
    [0, 2, 4, 6, 8, 10].forEach((x, k) => {
      const point = boundaryIntersection(fig5, x);
      expect(Math.abs(point!.yE - yE[k])).toBeLessThan(0.05);
      expect(Math.abs(point!.yI - yI[k])).toBeLessThan(0.05);
    });
  });

  it('lies on both boundaries, with the I boundary below the E boundary just left of it and above just right', () => {
    for (const x of linspace(-1, 11, 49)) {
      const { yE, yI } = boundaryIntersection(fig5, x)!;
      expect(boundaryE(fig5, x, yE)).toBeCloseTo(yI, 10);
      expect(boundaryI(fig5, x, yE)).toBeCloseTo(yI, 10);
      expect(boundaryI(fig5, x, yE - 0.01)).toBeLessThan(boundaryE(fig5, x, yE - 0.01));
      expect(boundaryI(fig5, x, yE + 0.01)).toBeGreaterThan(boundaryE(fig5, x, yE + 0.01));
    }
  });

  it('lists every stable crossing of a bistable pair, and returns the lowest', () => {
    // I = max(y, 3y − 13), E = max(1, 2y − 6): I − E rises through 0 at y = 1, falls at 6, rises at 7.
    const bistable: EINetwork = {
      E_EE: [0, 2],
      E_EI: [1, 1],
      F_E: [0, 0],
      T_E: [-1, 6],
      E_IE: [1, 3],
      E_II: [1, 1],
      F_I: [0, 0],
      T_I: [0, 13],
    };
    const points = boundaryIntersections(bistable, 0);
    expect(points).toHaveLength(2);
    expect(points[0].yE).toBeCloseTo(1, 12);
    expect(points[0].yI).toBeCloseTo(1, 12);
    expect(points[1].yE).toBeCloseTo(7, 12);
    expect(points[1].yI).toBeCloseTo(8, 12);
    expect(boundaryIntersection(bistable, 0)).toEqual(points[0]);
  });

  it('is null when the I boundary is the shallower one, and scales by the cross encoder', () => {
    expect(boundaryIntersection({ ...fig4, E_IE: [0.5] }, 1)).toBeNull();
    // Doubling E_EI halves the E line: |y^I| = (y^E + 1)/2 meets 1.5·y^E at y^E = 0.5.
    const point = boundaryIntersection({ ...fig4, E_EI: [2] }, 1);
    expect(point?.yE).toBeCloseTo(0.5, 12);
    expect(point?.yI).toBeCloseTo(0.75, 12);
  });

  it('refuses a non-positive cross encoder and mismatched arrays', () => {
    expect(() => boundaryIntersection({ ...fig4, E_II: [0] }, 0)).toThrow(/I neuron 0: cross encoder/);
    expect(() => boundaryE({ ...fig4, F_E: [1, 2] }, 0, 0)).toThrow(/E parameter arrays differ/);
  });
});
