import { describe, expect, it } from 'vitest';
import { buildDifferenceOfConvex } from '../../src/construct/differenceOfConvex.ts';
import type { DifferenceOfConvexNetwork } from '../../src/construct/differenceOfConvex.ts';
import { boundaryIntersection } from '../../src/construct/eiBoundary.ts';
import type { EINetwork } from '../../src/construct/eiBoundary.ts';
import { linspace } from '../../src/construct/grid.ts';

/** f_PL computed here, independently: linear interpolation of f between equally spaced knots. */
function interpolant(f: (x: number) => number, a: number, b: number, segments: number) {
  const h = (b - a) / segments;
  return (x: number): number => {
    const j = Math.min(segments - 1, Math.floor((x - a) / h));
    const x0 = a + j * h;
    const x1 = j + 1 === segments ? b : a + (j + 1) * h;
    return f(x0) + ((f(x1) - f(x0)) * (x - x0)) / (x1 - x0);
  };
}

/** The network's intersection, from the independent boundary solver, matches f_PL on [a, b]. */
function expectIntersectionOnTarget(
  net: DifferenceOfConvexNetwork,
  target: (x: number) => number,
  a: number,
  b: number,
) {
  let worst = 0;
  for (const x of linspace(a, b, 401)) {
    const point = boundaryIntersection(net, x);
    expect(point).not.toBeNull();
    worst = Math.max(worst, Math.abs(point!.yE - target(x)));
    expect(point!.yE).toBeCloseTo(net.yEStar(x), 9);
    expect(point!.yI).toBeCloseTo(net.yIStar(x), 9);
  }
  expect(worst).toBeLessThan(1e-9);
}

const tutorial = (x: number): number => 3 + Math.sin(1.1 * x) + 0.6 * Math.sin(2.3 * x + 0.5);

describe('buildDifferenceOfConvex', () => {
  it('tutorial target on [0, 10], 50 segments: the boundary intersection is f_PL', () => {
    const net = buildDifferenceOfConvex({ f: tutorial, xRange: [0, 10], segments: 50 });
    expectIntersectionOnTarget(net, interpolant(tutorial, 0, 10, 50), 0, 10);
    // Every E and I piece is a neuron; both curvature signs occur.
    expect(net.T_E.length).toBeGreaterThan(1);
    expect(net.T_I.length).toBeGreaterThan(1);
    expect(net.T_E.length + net.T_I.length).toBeLessThanOrEqual(51);
    // The common shift puts the lowest |y^I|* over the knots at minYI (default 1).
    expect(Math.min(...Array.from(net.knots, net.yIStar))).toBeCloseTo(1, 12);
  });

  it('a convex target needs one I neuron, a concave one one E neuron', () => {
    const convex = (x: number) => 1 + 0.1 * (x - 5) ** 2;
    const concave = (x: number) => 5 - 0.1 * (x - 5) ** 2;
    const netConvex = buildDifferenceOfConvex({ f: convex, xRange: [0, 10], segments: 20 });
    const netConcave = buildDifferenceOfConvex({ f: concave, xRange: [0, 10], segments: 20 });
    expect(netConvex.T_I).toHaveLength(1);
    expect(netConvex.T_E).toHaveLength(20);
    expect(netConcave.T_E).toHaveLength(1);
    expect(netConcave.T_I).toHaveLength(20);
    expectIntersectionOnTarget(netConvex, interpolant(convex, 0, 10, 20), 0, 10);
    expectIntersectionOnTarget(netConcave, interpolant(concave, 0, 10, 20), 0, 10);
  });

  it('reproduces the fig5 neurons exactly from its kinks (at 1.95, 3.95, 5.95, 7.95: see below)', () => {
    // The reference integrates the curvature with a cumulative sum on a 0.05 grid, which moves
    // every kink 0.05 to the left of its nominal x = 2, 4, 6, 8. Its y^E* starts at
    // (0.535 + 1.135)/0.6 and rises or falls by 0.8/0.6 per unit x.
    const y0 = 1.67 / 0.6;
    const rise = (0.8 / 0.6) * 2;
    const net = buildDifferenceOfConvex({
      knots: [0, 1.95, 3.95, 5.95, 7.95, 10],
      samples: [y0, y0, y0 + rise, y0, y0 + rise, y0 + rise - (0.8 / 0.6) * 2.05],
      slopeE: 0.3,
      slopeI: 0.9,
      baseSlope: 0.4,
      yEv: 5,
      minYI: 1.37,
    });
    const expected = {
      E_EE: [0.3, 0.3, 0.3],
      E_EI: [1, 1, 1],
      F_E: [0.4, 1.2, 2.8],
      T_E: [-0.535, 1.025, 10.545],
      E_IE: [0.9, 0.9, 0.9],
      E_II: [1, 1, 1],
      F_I: [0.4, 2.0, 3.6],
      T_I: [1.135, 7.455, 20.175],
    };
    for (const [key, values] of Object.entries(expected)) {
      const got = Array.from(net[key as keyof typeof expected]);
      expect(got).toHaveLength(3);
      got.forEach((v, i) => expect(v, `${key}[${i}]`).toBeCloseTo(values[i], 12));
    }
  });

  it('the rounded fig5 zigzag on knots 0, 2, …, 10 gives 3 + 3 neurons and y^E* within 0.14 of fig5’s', () => {
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
    const knots = [0, 2, 4, 6, 8, 10];
    const zigzag = [2.8, 2.85, 5.4, 2.85, 5.4, 2.7];
    const net = buildDifferenceOfConvex({ knots, samples: zigzag, minYI: 1.38 });
    expect(net.T_E).toHaveLength(3);
    expect(net.T_I).toHaveLength(3);
    knots.forEach((x, k) => expect(boundaryIntersection(net, x)!.yE).toBeCloseTo(zigzag[k], 12));
    // The stated zigzag is fig5's intersection rounded to 0.05 and sampled at x = 2, 4, …, while
    // fig5's own kinks sit at 1.95, 3.95, …: next to a kink the two differ by up to 0.05·4/3 plus
    // the rounding. (|y^I|* is not compared: the zigzag's slopes, ±1.275 instead of ±4/3, change the
    // curvature split and so p(x), by up to 0.65 at x = 10.)
    for (const x of linspace(0, 10, 201)) {
      const ours = boundaryIntersection(net, x)!;
      const theirs = boundaryIntersection(fig5, x)!;
      expect(Math.abs(ours.yE - theirs.yE)).toBeLessThan(0.14);
    }
  });

  it('does not depend on y^E_v, since each boundary piece is a plane', () => {
    const a = buildDifferenceOfConvex({ f: tutorial, xRange: [0, 10], segments: 30, yEv: 5 });
    const b = buildDifferenceOfConvex({ f: tutorial, xRange: [0, 10], segments: 30, yEv: -3 });
    a.T_E.forEach((t, i) => expect(b.T_E[i]).toBeCloseTo(t, 11));
    a.T_I.forEach((t, i) => expect(b.T_I[i]).toBeCloseTo(t, 11));
  });

  it('refuses an unstable slope pair and ambiguous inputs', () => {
    expect(() =>
      buildDifferenceOfConvex({ f: tutorial, xRange: [0, 10], segments: 5, slopeE: 0.9, slopeI: 0.3 }),
    ).toThrow(/slopeI .* must exceed slopeE/);
    expect(() => buildDifferenceOfConvex({ f: tutorial, samples: [1, 2], knots: [0, 1] })).toThrow(
      /exactly one/,
    );
    expect(() => buildDifferenceOfConvex({ samples: [1, 2], knots: [1, 0] })).toThrow(/knots must increase/);
    expect(() => buildDifferenceOfConvex({ samples: [1, 2, 3], knots: [0, 1] })).toThrow(
      /3 samples for 2 knots/,
    );
  });
});
