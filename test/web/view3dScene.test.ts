// The 3-D boundary view's geometry in Node: a plane cut to a box (boxClip.ts) against the
// definition (corners on the plane, inside the box, in order around a convex polygon; known cases),
// and fig2e's scene (scene.ts) against its construction: every neuron's plane passes through the
// tangent point the construction put it at.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipPlaneToBox, type Box, type Vec3 } from '../../src/web/view3d/boxClip.ts';
import { boundaryScene } from '../../src/web/view3d/scene.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';
import { FIG2E_QUADRATIC, fig2eRun, fig2eTangentPoints } from '../../src/experiments/presets/fig2.ts';
import { fig5Run } from '../../src/experiments/presets/fig5.ts';
import { quadratic2D } from '../../src/construct/tangentNetwork.ts';

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];

async function simulate(run: RunFileJson) {
  const net = compileNetwork(parseRunFile(run));
  return { run, net, result: await new CpuEngine().run(net) };
}

describe('a plane cut to a box', () => {
  const unit: Box = { min: [0, 0, 0], max: [1, 1, 1] };

  it('gives the square of an axis plane, the hexagon of the middle diagonal plane, nothing off the box', () => {
    const square = clipPlaneToBox([0, 0, 2], 1, unit);
    expect(square).toHaveLength(4);
    for (const p of square) expect(p[2]).toBeCloseTo(0.5, 15);
    expect(new Set(square.map((p) => `${p[0]},${p[1]}`))).toEqual(new Set(['0,0', '1,0', '0,1', '1,1']));
    expect(clipPlaneToBox([1, 1, 1], 1.5, unit)).toHaveLength(6);
    expect(clipPlaneToBox([1, 1, 1], 3.5, unit)).toEqual([]);
    expect(clipPlaneToBox([1, -2, 0.5], -2.01, unit)).toEqual([]);
    // Touching a corner only, or the zero normal: no polygon.
    expect(clipPlaneToBox([1, 1, 1], 0, unit)).toEqual([]);
    expect(clipPlaneToBox([0, 0, 0], 0, unit)).toEqual([]);
  });

  it('puts every corner on the plane and in the box, in order around a convex polygon', () => {
    const coordinate = fc.double({ min: -5, max: 5, noNaN: true });
    const vec = fc.tuple(coordinate, coordinate, coordinate);
    fc.assert(
      fc.property(vec, vec, fc.tuple(vec, vec), (normal, inside, [lo, size]) => {
        fc.pre(Math.hypot(...normal) > 1e-3);
        const box: Box = {
          min: lo,
          max: lo.map((v, a) => v + 0.1 + Math.abs(size[a])) as Vec3,
        };
        // A plane through a point of the box always meets it (perhaps only at its rim).
        const point = box.min.map((v, a) => v + ((inside[a] + 5) / 10) * (box.max[a] - v)) as Vec3;
        const polygon = clipPlaneToBox(normal, dot(normal, point), box);
        const scale = Math.hypot(...normal) * 20;
        expect(polygon.length === 0 || polygon.length >= 3).toBe(true);
        expect(polygon.length).toBeLessThanOrEqual(6);
        for (const p of polygon) {
          expect(Math.abs(dot(normal, p) - dot(normal, point))).toBeLessThan(1e-9 * scale);
          for (let a = 0; a < 3; a++) {
            expect(p[a]).toBeGreaterThanOrEqual(box.min[a] - 1e-9);
            expect(p[a]).toBeLessThanOrEqual(box.max[a] + 1e-9);
          }
        }
        // Convex and in order: every turn goes the same way around the normal.
        const turns = polygon.map((p, k) => {
          const [q, r] = [polygon[(k + 1) % polygon.length], polygon[(k + 2) % polygon.length]];
          return dot(cross(sub(q, p), sub(r, q)), normal);
        });
        const biggest = Math.max(0, ...turns.map(Math.abs));
        expect(turns.every((t) => t >= -1e-9 * biggest) || turns.every((t) => t <= 1e-9 * biggest)).toBe(
          true,
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe("the 3-D view's scene", () => {
  it("puts each of fig2e's 36 planes through its tangent point, in (x₁, x₂, |y|)", async () => {
    const sim = await simulate(fig2eRun(0));
    const scene = boundaryScene(sim);
    if (typeof scene === 'string') throw new Error(scene);
    expect(scene.axes).toEqual(['x₁', 'x₂', '|y|']);
    expect(scene.planes).toHaveLength(36);
    expect(scene.atInput).toBeNull();
    const { f } = quadratic2D(FIG2E_QUADRATIC);
    // The target is the paper-sign latent; the inhibitory channel is recorded as |y| = −f.
    fig2eTangentPoints(0).forEach(([x1, x2], i) => {
      const plane = scene.planes[i];
      expect(plane.sign).toBe('inhibitory');
      expect(dot(plane.normal, [x1, x2, -f(x1, x2)])).toBeCloseTo(plane.offset, 10);
    });
    // The box spans the whole input and holds the trajectory.
    expect(scene.box.min[0]).toBe(-4.5);
    expect(scene.box.max[0]).toBe(4.5);
    for (let k = 0; k < scene.trajectory.length; k++) {
      expect(scene.trajectory[k]).toBeGreaterThanOrEqual(scene.box.min[k % 3]);
      expect(scene.trajectory[k]).toBeLessThanOrEqual(scene.box.max[k % 3]);
    }
  });

  it('draws three latents at the last input, and has no scene for a 1-D input with two latents', async () => {
    const fig5 = await simulate(fig5Run());
    expect(boundaryScene(fig5)).toMatch(/3-D boundary view needs/);

    // fig5 with a third channel read by the I neurons: a mistuned cross-connection (MODEL.md §2).
    const run = fig5Run();
    const yE = run.latents.find((l) => l.name === 'yE')!;
    run.latents.push({ name: 'yE→I', source: yE.source, decoder: yE.decoder });
    run.encoders!.I = { ...run.encoders!.I, 'yE→I': 0.3 };
    const sim = await simulate(run);
    const scene = boundaryScene(sim);
    if (typeof scene === 'string') throw new Error(scene);
    expect(scene.axes).toEqual(['yE', '|yI|', 'yE→I']);
    const last = sim.net.x[(sim.result.trials[0].latents![0].length - 1) * sim.result.every];
    expect(scene.atInput).toEqual([last]);
    // Each population's neuron n: F_n·x + Σ_l e_{n,l}·y_l = T_n on its plane.
    const spec = sim.net.spec;
    const expected = spec.populations.flatMap((p, pi) =>
      Array.from(p.threshold, (T, n) => ({
        e: [0, 1, 2].map((l) => spec.encoders[pi][l][n]),
        rest: T - p.inputWeights[n] * last,
      })),
    );
    expect(scene.planes).toHaveLength(expected.length);
    scene.planes.forEach((plane, k) => {
      expect(plane.normal).toEqual(expected[k].e);
      expect(plane.offset).toBeCloseTo(expected[k].rest, 12);
    });
    expect(spec.encoders[1][2].every((e) => e === 0.3)).toBe(true);
  });
});
