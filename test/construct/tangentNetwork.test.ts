import { describe, expect, it } from 'vitest';
import { envelope1D, envelopeND } from '../../src/construct/envelope.ts';
import { jitteredGrid, linspace } from '../../src/construct/grid.ts';
import { mulberry32, normalSampler } from '../../src/construct/rng.ts';
import { quadratic2D, tangentNetwork1D, tangentNetwork2D } from '../../src/construct/tangentNetwork.ts';

// EXPERIMENTS.md fig2: target y = −x² − 0.5, tangents at linspace(−0.9, 0.9, 10).
const f = (x: number): number => -x * x - 0.5;
const df = (x: number): number => -2 * x;
const points = linspace(-0.9, 0.9, 10);

describe('tangentNetwork1D (fig2)', () => {
  const net = tangentNetwork1D({ f, df, points });

  it('gives F_i = 2·x_i, T_i = x_i² − 0.5, E_i = 1 (EXPERIMENTS.md fig2)', () => {
    expect(net.dims).toBe(1);
    points.forEach((x, i) => {
      expect(net.F[i]).toBeCloseTo(2 * x, 14);
      expect(net.T[i]).toBeCloseTo(x * x - 0.5, 14);
      expect(net.E[i]).toBe(1);
    });
    expect(points[0]).toBe(-0.9);
    expect(points[9]).toBe(0.9);
  });

  it('has a boundary that touches f at the tangent points and lies at most (h/2)² above it', () => {
    points.forEach((x) => expect(envelope1D(net.F, net.T, net.E, x)).toBeCloseTo(f(x), 14));
    // Tangents of −x² at spacing h meet at the midpoint, (h/2)² above the parabola.
    const h = 0.2;
    for (const x of linspace(-0.9, 0.9, 1001)) {
      const gap = envelope1D(net.F, net.T, net.E, x) - f(x);
      expect(gap).toBeGreaterThanOrEqual(-1e-14);
      expect(gap).toBeLessThanOrEqual((h / 2) ** 2 + 1e-14);
    }
  });
});

// EXPERIMENTS.md fig2e.
const fig2e = quadratic2D({ a1: -0.5, a2: -0.5, a3: -0.1, b1: 0.5, b2: -0.5, c: -5 });

describe('tangentNetwork2D (fig2e)', () => {
  it('uses F = −∇f, T = F·x + f (hand-computed at (0, 0) and (1, 2))', () => {
    const net = tangentNetwork2D({
      ...fig2e,
      points: [
        [0, 0],
        [1, 2],
      ],
    });
    // At (0, 0): ∇f = (b1, b2) = (0.5, −0.5), f = c = −5.
    expect(Array.from(net.F.subarray(0, 2))).toEqual([-0.5, 0.5]);
    expect(net.T[0]).toBe(-5);
    // At (1, 2): f = −0.5 − 2 − 0.2 + 0.5 − 1 − 5 = −8.2, ∇f = (−0.7, −2.6), T = 0.7 + 5.2 − 8.2.
    expect(net.F[2]).toBeCloseTo(0.7, 14);
    expect(net.F[3]).toBeCloseTo(2.6, 14);
    expect(net.T[1]).toBeCloseTo(-2.3, 13);
  });

  it('builds 36 neurons on the 6×6 grid over [−4.5, 4.5]², x1 slow, x2 fast', () => {
    const grid = jitteredGrid({ x1Range: [-4.5, 4.5], x2Range: [-4.5, 4.5], n: 6 });
    expect(grid).toHaveLength(36);
    expect(grid[0]).toEqual([-4.5, -4.5]);
    expect(grid[1][0]).toBe(-4.5);
    expect(grid[1][1]).toBeCloseTo(-2.7, 14);
    expect(grid[6][0]).toBeCloseTo(-2.7, 14);
    expect(grid[35]).toEqual([4.5, 4.5]);
  });

  it('with seeded jitter 0.5: reproducible, and the boundary touches f at every jittered point, above it elsewhere', () => {
    const make = (seed: number) =>
      jitteredGrid({
        x1Range: [-4.5, 4.5],
        x2Range: [-4.5, 4.5],
        n: 6,
        jitter: 0.5,
        noise: normalSampler(mulberry32(seed)),
      });
    const grid = make(3);
    expect(make(3)).toEqual(grid);
    expect(make(4)).not.toEqual(grid);
    const exact = jitteredGrid({ x1Range: [-4.5, 4.5], x2Range: [-4.5, 4.5], n: 6 });
    const moved = grid.map((p, i) => Math.hypot(p[0] - exact[i][0], p[1] - exact[i][1]));
    expect(Math.max(...moved)).toBeGreaterThan(0);

    const net = tangentNetwork2D({ ...fig2e, points: grid });
    expect(net.dims).toBe(2);
    for (const p of grid) expect(envelopeND(net.F, net.T, net.E, p)).toBeCloseTo(fig2e.f(p[0], p[1]), 12);
    // f is concave, so every tangent plane lies above it.
    const rand = mulberry32(9);
    for (let k = 0; k < 500; k++) {
      const p = [10 * rand() - 5, 10 * rand() - 5];
      expect(envelopeND(net.F, net.T, net.E, p)).toBeGreaterThanOrEqual(fig2e.f(p[0], p[1]) - 1e-12);
    }
  });

  it('refuses a jitter without a noise source and a mismatched input size', () => {
    expect(() => jitteredGrid({ x1Range: [0, 1], x2Range: [0, 1], n: 2, jitter: 0.5 })).toThrow(/noise/);
    expect(() => envelopeND([1, 2, 3], [0, 0], [1, 1], [0, 0])).toThrow(/F has 3 values/);
  });
});
