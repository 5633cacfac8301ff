// fig7 — two neurons: the latent direction is pinned, the null direction drifts (EXPERIMENTS.md).
import { inhibitoryPopulationRun } from '../networks.ts';
import { constant } from '../inputs.ts';
import type { RunFileJson } from '../../model/runFile.ts';
import type { Metric, Preset, SimulatedRun } from '../preset.ts';
import { mean, standardDeviation } from '../../analysis/stats.ts';
import {
  E_COLOR,
  I_COLOR,
  latent,
  latentsOverTime,
  raster,
  readout,
  totalSpikes,
  window,
} from '../figures.ts';

const VARIANTS = {
  a: { sigmaV: 0, mu: 0, T: [0.25, 1.25], r0: [6, 4] },
  b: { sigmaV: 0.2, mu: 0.05, T: [0.7, 0.8], r0: [5, 5] },
};

export function fig7Run(variant: 'a' | 'b', seed: number): RunFileJson {
  const v = VARIANTS[variant];
  const run = inhibitoryPopulationRun(
    { dt: 1e-4, steps: 2000, input: constant(2000, 4), seed, meta: { preset: `fig7${variant}` } },
    {
      size: 2,
      D: -0.5,
      F: 1,
      T: v.T,
      mu: v.mu,
      sigmaV: v.sigmaV,
      clampAtThreshold: true,
      initial: { rates: v.r0 },
    },
  );
  // Latent readout 0.5·(r1 + r2) is the channel itself; the null direction is report-only.
  run.readouts = [{ name: 'null', source: 'I', weights: [-0.5, 0.5] }];
  return run;
}

function variantMetrics(sim: SimulatedRun, label: string): Metric[] {
  const range = window(sim);
  const y = latent(sim, 'y');
  const n = readout(sim, 'null');
  return [
    { name: `(${label}) spikes`, value: totalSpikes(sim, 'I') },
    { name: `(${label}) mean latent 0.5(r1+r2)`, value: mean(y, range) },
    { name: `(${label}) s.d. latent`, value: standardDeviation(y, range) },
    { name: `(${label}) mean null 0.5(−r1+r2)`, value: mean(n, range) },
    { name: `(${label}) s.d. null`, value: standardDeviation(n, range) },
  ];
}

export const fig7: Preset = {
  name: 'fig7',
  title: 'fig7 — two neurons: latent versus null direction',
  runs: ({ seed }) => [fig7Run('a', seed), fig7Run('b', seed)],
  metrics: ([a, b]) => [...variantMetrics(a, 'a'), ...variantMetrics(b, 'b')],
  plots: (runs) =>
    runs.flatMap((sim, i) => {
      const label = i === 0 ? 'a' : 'b';
      const latents = latentsOverTime(
        sim,
        `fig7${label}: latent and null readouts`,
        [
          { name: 'latent 0.5(r1+r2)', values: latent(sim, 'y'), color: I_COLOR },
          { name: 'null 0.5(−r1+r2)', values: readout(sim, 'null'), color: E_COLOR },
        ],
        'readout',
      );
      const spikes = raster(sim, `fig7${label}: spikes`);
      return [
        { ...latents, name: `latents-${label}` },
        { ...spikes, name: `raster-${label}` },
      ];
    }),
};
