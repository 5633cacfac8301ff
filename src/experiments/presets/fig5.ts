// fig5 — function approximation as a difference of convex functions, 3 E + 3 I (EXPERIMENTS.md).
import { eiGeometry, eiRun, type EIPopulation } from '../networks.ts';
import { linspace } from '../inputs.ts';
import type { RunFileJson } from '../../model/runFile.ts';
import type { Metric, Preset, SimulatedRun } from '../preset.ts';
import { meanErrorAgainst, rmseAgainst } from '../../analysis/latentMetrics.ts';
import { E_COLOR, I_COLOR, eiPlane, inputAt, latent, latentsOverTime, raster, window } from '../figures.ts';

/** Tangent planes at x_v = 0, 5, 10 with y^E_v = 5 (EXPERIMENTS.md gives the resulting numbers). */
export const FIG5_NEURONS = {
  E: { Eself: 0.3, Ecross: 1, F: [0.4, 1.2, 2.8], T: [-0.535, 1.025, 10.545] },
  I: { Eself: 1, Ecross: 0.9, F: [0.4, 2.0, 3.6], T: [1.135, 7.455, 20.175] },
};

/** fig5's decoders (EXPERIMENTS.md), one per neuron of FIG5_NEURONS. */
export const FIG5_DECODERS = {
  E: [1.05, 1.075, 1.025].map((v) => 0.75 * v),
  I: [0.9, 1.5, 2.5].map((v) => 0.75 * v),
};

/** The boundary intersection y^E*(x) and |y^I|*(x) at x = 0, 2, …, 10 (piecewise linear between). */
export const FIG5_TARGET = {
  x: [0, 2, 4, 6, 8, 10],
  yE: [2.8, 2.85, 5.4, 2.85, 5.4, 2.7],
  yI: [1.38, 2.23, 5.4, 7.11, 13.48, 18.25],
};

/** Piecewise-linear interpolation through (xs, ys), held constant outside. */
export function interpolate(xs: number[], ys: number[], x: number): number {
  if (x <= xs[0]) return ys[0];
  for (let j = 1; j < xs.length; j++) {
    if (x <= xs[j]) return ys[j - 1] + ((x - xs[j - 1]) / (xs[j] - xs[j - 1])) * (ys[j] - ys[j - 1]);
  }
  return ys[ys.length - 1];
}

export function fig5Populations(DE: number[], DI: number[]): { E: EIPopulation; I: EIPopulation } {
  return { E: { size: 3, D: DE, ...FIG5_NEURONS.E }, I: { size: 3, D: DI, ...FIG5_NEURONS.I } };
}

export function fig5Run(): RunFileJson {
  const S = 5000;
  const { E, I } = fig5Populations(FIG5_DECODERS.E, FIG5_DECODERS.I);
  return eiRun({ dt: 5e-5, steps: S, input: linspace(-2.5, 10, S), meta: { preset: 'fig5' } }, E, I);
}

/** RMSE and mean error of y^E and |y^I| against fig5's target, over `range` (default: after the cut). */
/** fig5's target y^E(x) (the paper's boundary intersection, interpolated). */
export const fig5Target = (x: number): number => interpolate(FIG5_TARGET.x, FIG5_TARGET.yE, x);

export function fig5Accuracy(sim: SimulatedRun, range = window(sim)) {
  const targetE = (k: number) => interpolate(FIG5_TARGET.x, FIG5_TARGET.yE, inputAt(sim, k));
  const targetI = (k: number) => interpolate(FIG5_TARGET.x, FIG5_TARGET.yI, inputAt(sim, k));
  const yE = latent(sim, 'yE');
  const yI = latent(sim, 'yI');
  return {
    rmseE: rmseAgainst(yE, targetE, range),
    meanErrorE: meanErrorAgainst(yE, targetE, range),
    rmseI: rmseAgainst(yI, targetI, range),
  };
}

export function fig5LatentPlot(sim: SimulatedRun, title: string) {
  const yE = latent(sim, 'yE');
  const target = (ys: number[]) => yE.map((_, k) => interpolate(FIG5_TARGET.x, ys, inputAt(sim, k)));
  return latentsOverTime(
    sim,
    title,
    [
      { name: 'y^E', values: yE, color: E_COLOR },
      { name: 'y^E target', values: target(FIG5_TARGET.yE), color: E_COLOR, dashed: true },
      { name: '|y^I|', values: latent(sim, 'yI'), color: I_COLOR },
      { name: '|y^I| target', values: target(FIG5_TARGET.yI), color: I_COLOR, dashed: true },
    ],
    'latent',
  );
}

export function spikeMetrics(sim: SimulatedRun, paper?: { E: number[]; I: number[] }): Metric[] {
  return sim.net.populations.flatMap((p, pi) =>
    Array.from(sim.result.trials[0].spikeCounts[pi], (c, i) => ({
      name: `${p.name} spikes neuron ${i}`,
      value: c,
      paper: paper?.[p.name as 'E' | 'I']?.[i],
    })),
  );
}

export const fig5: Preset = {
  name: 'fig5',
  title: 'fig5 — 3 E + 3 I approximate a zigzag as a difference of convex functions',
  runs: () => [fig5Run()],
  target: fig5Target,
  metrics: ([sim]) => {
    const a = fig5Accuracy(sim);
    return [
      ...spikeMetrics(sim, { E: [22, 42, 44], I: [47, 68, 40] }),
      { name: 'RMSE y^E vs target', value: a.rmseE, paper: 0.353 },
      { name: 'mean error y^E', value: a.meanErrorE, paper: -0.017 },
      { name: 'RMSE |y^I| vs target', value: a.rmseI },
    ];
  },
  plots: ([sim]) => {
    const { E, I } = fig5Populations([1], [1]);
    return [
      fig5LatentPlot(sim, 'fig5: latents against the boundary intersection'),
      raster(sim, 'fig5: spikes'),
      eiPlane(sim, eiGeometry(E, I), 'fig5: trajectory in the latent plane'),
    ];
  },
};
