// fig6 — noisy inhibitory population: irregular spikes, steady readout; and fig10, the same network
// with slow (exponential) synapses, plus its rate-network limit (EXPERIMENTS.md).
import { inhibitoryPopulationRun } from '../networks.ts';
import { linspace, stepThenRamp } from '../inputs.ts';
import { RUN_FORMAT, type RunFileJson } from '../../model/runFile.ts';
import type { Preset } from '../preset.ts';
import { envelopeDeviation, envelopePlot, quadraticTangents } from './fig2.ts';
import { raster, totalSpikes } from '../figures.ts';

const S = 3000;
const tangents = () => quadraticTangents(linspace(-1, 1, 50));

export function fig6Run(seed: number): RunFileJson {
  const { F, T } = tangents();
  return inhibitoryPopulationRun(
    { dt: 1e-4, steps: S, input: stepThenRamp(S), seed, meta: { preset: 'fig6' } },
    { size: 50, D: -0.1, F, T, mu: 0.02, sigmaV: 0.02, clampAtThreshold: true },
  );
}

export const fig6: Preset = {
  name: 'fig6',
  title: 'fig6 — 50 noisy inhibitory neurons: irregular spikes, steady readout',
  runs: ({ seed }) => [fig6Run(seed)],
  metrics: ([sim]) => {
    const dev = envelopeDeviation(sim);
    return [
      { name: 'spikes per trial', value: totalSpikes(sim, 'I'), paper: 283 },
      { name: 'mean y − envelope', value: dev.mean, paper: -0.03 },
      { name: 'RMSE y − envelope', value: dev.rmse, paper: 0.05 },
    ];
  },
  plots: ([sim]) => [envelopePlot(sim, 'fig6: y against the boundary'), raster(sim, 'fig6: spikes')],
};

export function fig10Run(seed: number): RunFileJson {
  const { F, T } = tangents();
  return inhibitoryPopulationRun(
    { dt: 1e-4, steps: S, input: stepThenRamp(S), seed, spikeRule: 'all', meta: { preset: 'fig10' } },
    { size: 50, D: -0.1, F, T, mu: 0.01, sigmaV: 0.02, synapse: { kind: 'exponential', rate: 200 } },
  );
}

export const fig10: Preset = {
  name: 'fig10',
  title: 'fig10 — slow exponential synapses (λ_s = 200/s) in the inhibitory population',
  runs: ({ seed }) => [fig10Run(seed)],
  metrics: ([sim]) => {
    const dev = envelopeDeviation(sim);
    return [
      { name: 'spikes per trial', value: totalSpikes(sim, 'I') },
      { name: 'mean y − envelope', value: dev.mean },
      { name: 'RMSE y − envelope', value: dev.rmse },
    ];
  },
  plots: ([sim]) => [envelopePlot(sim, 'fig10: y against the boundary'), raster(sim, 'fig10: spikes')],
};

/** The rate ("soft boundary") version: β = 50, paper D = −0.5, 10 500 samples, start V = r = 0. */
export function fig10RateRun(): RunFileJson {
  const steps = 10500;
  const { F, T } = tangents();
  return {
    format: RUN_FORMAT,
    model: 'rate',
    dt: 1e-4,
    steps,
    beta: 50,
    input: { dims: 1, samples: [stepThenRamp(steps, 20)] },
    populations: [{ name: 'I', size: 50, sign: 'inhibitory', threshold: T, inputWeights: F }],
    latents: [{ name: 'y', source: 'I', decoder: 0.5 }],
    encoders: { I: { y: -1 } },
    meta: { preset: 'fig10-rate' },
  };
}

export const fig10Rate: Preset = {
  name: 'fig10-rate',
  title: 'fig10 — the rate-network limit (β = 50)',
  runs: () => [fig10RateRun()],
  metrics: ([sim]) => {
    const dev = envelopeDeviation(sim);
    return [
      { name: 'mean y − envelope', value: dev.mean },
      { name: 'RMSE y − envelope', value: dev.rmse },
    ];
  },
  plots: ([sim]) => [envelopePlot(sim, 'fig10 (rate network): y against the boundary')],
};
