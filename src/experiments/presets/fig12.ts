// fig12 — slow synapses in the function-approximation network: pulse synapses under the `all`
// rule (a, c) and the rate-network limit (b) (EXPERIMENTS.md).
import { eiRun } from '../networks.ts';
import { linspace } from '../inputs.ts';
import type { RunFileJson } from '../../model/runFile.ts';
import type { Preset } from '../preset.ts';
import { fig5Accuracy, fig5LatentPlot, fig5Populations, fig5Target } from './fig5.ts';
import { raster, totalSpikes, window } from '../figures.ts';

const VARIANTS = {
  a: { DE: [0.9, 1.6, 1.85].map((v) => 0.9 * v), DI: [1, 1.5, 2.5].map((v) => 0.9 * v), pwE: 2.5, pwI: 1.0 },
  c: { DE: [1, 1.2, 1.2].map((v) => 1.25 * v), DI: [1, 1.5, 2.5], pwE: 2.5, pwI: 2.5 },
};

export function fig12Run(variant: 'a' | 'c', seed: number): RunFileJson {
  const v = VARIANTS[variant];
  const S = 2500;
  const { E, I } = fig5Populations(v.DE, v.DI);
  return eiRun(
    {
      dt: 1e-4,
      steps: S,
      input: linspace(-2.5, 10, S),
      seed,
      spikeRule: 'all',
      meta: { preset: `fig12${variant}` },
    },
    { ...E, mu: 0.25, sigmaV: 0.01, synapse: { kind: 'pulse', widthMs: v.pwE }, selfReset: 'synaptic' },
    { ...I, mu: 0.05, sigmaV: 0.01, synapse: { kind: 'pulse', widthMs: v.pwI }, selfReset: 'fast' },
  );
}

function spikingPreset(variant: 'a' | 'c', paper?: { rmse: number; E: number; I: number }): Preset {
  return {
    name: `fig12${variant}`,
    title: `fig12${variant} — fig5's network with pulse synapses (all rule)`,
    runs: ({ seed }) => [fig12Run(variant, seed)],
    target: fig5Target,
    metrics: ([sim]) => {
      const a = fig5Accuracy(sim);
      return [
        { name: 'E spikes', value: totalSpikes(sim, 'E'), paper: paper?.E },
        { name: 'I spikes', value: totalSpikes(sim, 'I'), paper: paper?.I },
        { name: 'RMSE y^E vs target', value: a.rmseE, paper: paper?.rmse },
        { name: 'RMSE |y^I| vs target', value: a.rmseI },
      ];
    },
    plots: ([sim]) => [
      fig5LatentPlot(sim, `fig12${variant}: latents`),
      raster(sim, `fig12${variant}: spikes`),
    ],
  };
}

export const fig12a = spikingPreset('a', { rmse: 0.79, E: 55, I: 113 });
export const fig12c = spikingPreset('c');

/** Spiking-only fields a rate run file must not carry (RUN_FORMAT.md). */
const SPIKING_ONLY = ['mu', 'sigmaV', 'synapse', 'selfReset', 'clampAtThreshold', 'refractoryMs'] as const;

export function fig12bRun(): RunFileJson {
  const S = 2000;
  const { E, I } = fig5Populations(
    [0.5, 1.2, 1.8].map((v) => 15 * v),
    [0.5, 1.5, 3.5].map((v) => 15 * v),
  );
  const run = eiRun(
    { dt: 1e-4, steps: S, input: linspace(0, 10, S), meta: { preset: 'fig12b' } },
    { ...E, initial: { rates: [0.35, 0.01, 0.01] } },
    { ...I, initial: { rates: [0.25, 0.01, 0.01] } },
  );
  delete run.spikeRule;
  for (const p of run.populations) for (const key of SPIKING_ONLY) delete p[key];
  return { ...run, model: 'rate', beta: 10 };
}

export const fig12b: Preset = {
  name: 'fig12b',
  title: 'fig12b — rate network (β = 10) approximating fig5’s target',
  runs: () => [fig12bRun()],
  metrics: ([sim]) => {
    // The paper's fig12b RMSE is over the whole run (no init cut).
    const a = fig5Accuracy(sim, window(sim, { t0: 0, t1: Infinity }));
    return [
      { name: 'RMSE y^E vs target', value: a.rmseE },
      { name: 'RMSE |y^I| vs target', value: a.rmseI },
    ];
  },
  plots: ([sim]) => [fig5LatentPlot(sim, 'fig12b (rate network): latents')],
};
