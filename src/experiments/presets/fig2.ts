// fig2 — noiseless inhibitory population on a stable boundary, and fig2e, the same construction
// for a 2-D input (EXPERIMENTS.md).
import { inhibitoryPopulationRun } from '../networks.ts';
import { linspace, stepThenRamp } from '../inputs.ts';
import type { RunFileJson } from '../../model/runFile.ts';
import type { Preset, SimulatedRun } from '../preset.ts';
import { envelope1D, envelopeND } from '../../construct/envelope.ts';
import { jitteredGrid } from '../../construct/grid.ts';
import { mulberry32, normalSampler } from '../../construct/rng.ts';
import { tangentNetwork2D, quadratic2D } from '../../construct/tangentNetwork.ts';
import { I_COLOR, inputAt, latent, latentsOverTime, raster, totalSpikes, window } from '../figures.ts';
import { meanErrorAgainst, rmseAgainst } from '../../analysis/latentMetrics.ts';

/** Target y = a·x² + b·x + c of fig2/fig6/fig10/figS2: −x² − 0.5. */
export const QUADRATIC = { a: -1, b: 0, c: -0.5 };

/**
 * Tangent lines to y = a·x² + b·x + c at `points`, computed as the reference does
 * (F = −f′(x_i), T = F·x_i + f(x_i), in that floating-point order) so spike counts match exactly.
 */
export function quadraticTangents(points: number[]): { F: number[]; T: number[] } {
  const { a, b, c } = QUADRATIC;
  const F = points.map((x) => -(2 * a * x + b));
  const T = points.map((x, i) => F[i] * x + (a * x * x + b * x + c));
  return { F, T };
}

export function fig2Run(): RunFileJson {
  const S = 3000;
  const { F, T } = quadraticTangents(linspace(-0.9, 0.9, 10));
  // The reference scales unit decoders: 2·(−0.25 + linspace(−0.15, 0.05)) = linspace(−0.8, −0.4).
  const D = linspace(-0.15, 0.05, 10).map((v) => 2 * (-0.25 + v));
  return inhibitoryPopulationRun(
    { dt: 1e-4, steps: S, input: stepThenRamp(S), meta: { preset: 'fig2' } },
    { size: 10, D, F, T, clampAtThreshold: true },
  );
}

/** Paper-sign y − envelope over a sample range of a single-population run (encoders −1, paper E = 1). */
export function envelopeDeviation(sim: SimulatedRun, range = window(sim)) {
  const pop = sim.run.populations[0];
  const F = pop.inputWeights as number[];
  const T = pop.threshold as number[];
  const E = new Array<number>(T.length).fill(1);
  const y = latent(sim, 'y');
  const target = (k: number) => -envelope1D(F, T, E, inputAt(sim, k));
  // Simulated |y| against |envelope|: the paper-sign deviation y − envelope is the negative of this.
  return {
    mean: -meanErrorAgainst(y, target, range),
    rmse: rmseAgainst(y, target, range),
    maxAbs: maxAbsDeviation(y, target, range),
  };
}

function maxAbsDeviation(
  y: ArrayLike<number>,
  target: (k: number) => number,
  r: { start: number; end: number },
) {
  let m = 0;
  for (let k = r.start; k < r.end; k++) m = Math.max(m, Math.abs(y[k] - target(k)));
  return m;
}

export function envelopePlot(sim: SimulatedRun, title: string) {
  const pop = sim.run.populations[0];
  const F = pop.inputWeights as number[];
  const T = pop.threshold as number[];
  const E = new Array<number>(T.length).fill(1);
  const y = latent(sim, 'y');
  return latentsOverTime(
    sim,
    title,
    [
      { name: 'y (simulated)', values: y.map((v) => -v), color: I_COLOR },
      {
        name: 'boundary',
        values: y.map((_, k) => envelope1D(F, T, E, inputAt(sim, k))),
        color: '#000',
        dashed: true,
      },
    ],
    'latent y (paper sign)',
  );
}

export const fig2: Preset = {
  name: 'fig2',
  title: 'fig2 — noiseless inhibitory population on a stable boundary',
  runs: () => [fig2Run()],
  metrics: ([sim]) => {
    const dev = envelopeDeviation(sim);
    const counts = sim.result.trials[0].spikeCounts[0];
    return [
      { name: 'spikes (total)', value: totalSpikes(sim, 'I'), paper: 59 },
      ...Array.from(counts, (c, i) => ({
        name: `spikes neuron ${i}`,
        value: c,
        paper: [15, 4, 4, 3, 3, 3, 4, 5, 6, 12][i],
      })),
      { name: 'mean y − envelope', value: dev.mean, paper: -0.26 },
      { name: 'max |y − envelope|', value: dev.maxAbs, paper: 0.78 },
    ];
  },
  plots: ([sim]) => [envelopePlot(sim, 'fig2: y against the boundary'), raster(sim, 'fig2: spikes')],
};

/**
 * fig2e: 36 neurons tangent to a 2-D quadratic on a jittered 6×6 grid over [−4.5, 4.5]². The paper
 * only draws the boundary; here the network is also simulated along a path through the input square
 * (x1 ramps over the square, x2 = 3.5·sin(2π·t/0.2 s)), paper decoder −1 (a choice: not in the paper).
 */
/** fig2e's target f(x1, x2) (tangentNetwork.ts's quadratic2D). */
export const FIG2E_QUADRATIC = { a1: -0.5, a2: -0.5, a3: -0.1, b1: 0.5, b2: -0.5, c: -5 };

/** fig2e's tangent points for `seed`: neuron i's plane touches the target at point i. */
export function fig2eTangentPoints(seed: number): [number, number][] {
  return jitteredGrid({
    x1Range: [-4.5, 4.5],
    x2Range: [-4.5, 4.5],
    n: 6,
    jitter: 0.5,
    noise: normalSampler(mulberry32(seed)),
  });
}

export function fig2eRun(seed: number): RunFileJson {
  const S = 3000;
  const dt = 1e-4;
  const points = fig2eTangentPoints(seed);
  const net = tangentNetwork2D({ ...quadratic2D(FIG2E_QUADRATIC), points });
  const x1 = linspace(-4.5, 4.5, S);
  const x2 = x1.map((_, t) => 3.5 * Math.sin((2 * Math.PI * t * dt) / 0.2));
  const run = inhibitoryPopulationRun(
    { dt, steps: S, input: x1, seed, meta: { preset: 'fig2e' } },
    {
      size: points.length,
      D: -1,
      F: 0,
      T: Array.from(net.T),
      clampAtThreshold: true,
    },
  );
  run.input = { dims: 2, samples: [x1, x2] };
  run.populations[0].inputWeights = points.map((_, i) => [net.F[2 * i], net.F[2 * i + 1]]);
  return run;
}

export const fig2e: Preset = {
  name: 'fig2e',
  title: 'fig2e — 2-D input: 36 tangent planes to a quadratic',
  runs: ({ seed }) => [fig2eRun(seed)],
  metrics: ([sim]) => {
    const pop = sim.run.populations[0];
    const F = (pop.inputWeights as number[][]).flat();
    const T = pop.threshold as number[];
    const E = new Array<number>(T.length).fill(1);
    const y = latent(sim, 'y');
    const J = sim.net.J;
    const xs = (k: number) => sim.net.x.subarray(k * sim.result.every * J, k * sim.result.every * J + J);
    const target = (k: number) => -envelopeND(F, T, E, xs(k));
    const range = window(sim);
    return [
      { name: 'spikes (total)', value: totalSpikes(sim, 'I') },
      { name: 'mean y − envelope', value: -meanErrorAgainst(y, target, range) },
      { name: 'RMSE y − envelope', value: rmseAgainst(y, target, range) },
    ];
  },
  plots: ([sim]) => [raster(sim, 'fig2e: spikes')],
};
