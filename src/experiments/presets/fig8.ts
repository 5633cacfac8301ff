// fig8 — noisy E/I network: balance, irregularity, the paradoxical inhibitory effect; and its
// mistuned-cross-connection sweep (EXPERIMENTS.md).
import { eiRun } from '../networks.ts';
import { linspace, stepInput } from '../inputs.ts';
import type { RunFileJson } from '../../model/runFile.ts';
import type { Metric, Preset, SimulatedRun } from '../preset.ts';
import { mean } from '../../analysis/stats.ts';
import { meanIsiCV, meanRateHz } from '../../analysis/firing.ts';
import { pearsonCorrelation } from '../../analysis/balance.ts';
import { stepRange, type TimeWindow } from '../../analysis/window.ts';
import { mulberry32, normalSampler } from '../../construct/rng.ts';
import { inputAt, latent, raster, window, eiLatents } from '../figures.ts';

const DT = 5e-5;
const S = 5000;
const BEFORE: TimeWindow = { t0: 0.05, t1: 0.125 };
const AFTER: TimeWindow = { t0: 0.175, t1: 0.25 };
const E_EE = 1.25;
const E_EI = 1;
const F_E = 1;

export function fig8Run(seed: number): RunFileJson {
  return eiRun(
    { dt: DT, steps: S, input: stepInput(S, 100, 0, 1), seed, meta: { preset: 'fig8' } },
    // 50 regular E neurons and "E2" (E_EE = 1.75, T = 1.5), the last one.
    {
      size: 51,
      D: 0.075,
      Eself: [...new Array<number>(50).fill(E_EE), 1.75],
      Ecross: E_EI,
      F: F_E,
      T: [...new Array<number>(50).fill(0), 1.5],
      mu: 0.5,
      sigmaV: 0.15,
    },
    {
      size: 50,
      D: 0.15,
      Eself: 1,
      Ecross: 2,
      F: 1,
      T: 1.5,
      mu: 0.5,
      sigmaV: 0.15,
      current: { t: [0, 0.125], value: [0, 1] },
    },
  );
}

function windowMetrics(sim: SimulatedRun, w: TimeWindow, label: string): Metric[] {
  const range = window(sim, w);
  const steps = stepRange(w, DT, S);
  const [trainE, trainI] = sim.result.trials[0].spikes!;
  const regularE = { start: 0, end: 50 };
  return [
    { name: `${label} mean y^E`, value: mean(latent(sim, 'yE'), range) },
    { name: `${label} mean |y^I|`, value: mean(latent(sim, 'yI'), range) },
    { name: `${label} E rate`, value: meanRateHz(trainE, regularE, steps, DT), unit: 'Hz' },
    { name: `${label} I rate`, value: meanRateHz(trainI, { start: 0, end: 50 }, steps, DT), unit: 'Hz' },
    {
      name: `${label} mean ISI CV E`,
      value: meanIsiCV({ step: trainE.step, neuron: trainE.neuron }, 51, steps),
    },
    { name: `${label} mean ISI CV I`, value: meanIsiCV(trainI, 50, steps) },
  ];
}

export const fig8: Preset = {
  name: 'fig8',
  title: 'fig8 — noisy E/I network: balance, irregularity, paradoxical inhibition',
  runs: ({ seed }) => [fig8Run(seed)],
  metrics: ([sim]) => {
    const range = window(sim, BEFORE);
    const yE = latent(sim, 'yE');
    const yI = latent(sim, 'yI');
    // An E neuron's excitatory input E_EE·y^E + F·x against the size of its inhibitory input E_EI·|y^I|.
    const exc = yE.map((v, k) => E_EE * v + F_E * inputAt(sim, k));
    const inh = yI.map((v) => E_EI * v);
    return [
      ...windowMetrics(sim, BEFORE, 'before (50–125 ms)'),
      ...windowMetrics(sim, AFTER, 'after (175–250 ms)'),
      { name: 'E/I input correlation (50–125 ms)', value: pearsonCorrelation(exc, inh, range) },
    ];
  },
  plots: ([sim]) => [
    eiLatents(sim, 'fig8: latents (current into I from 125 ms)'),
    raster(sim, 'fig8: spikes'),
  ],
};

export const MISTUNING_SIGMAS = linspace(0, 0.5, 11);
const MISTUNING_STEPS = 3000;
const BASE = { E: 0.075, I: 0.15 };

/**
 * The four decoders E→E, E→I, I→I, I→E become four channels: yE (source E, read by E), yEI
 * (source E, read by I), yI (source I, read by I), yIE (source I, read by E). Each decoder is
 * base·(1 + σ_D·N(0,1)) rectified at 0, drawn from a generator keyed by (seed, σ index, trial).
 */
export function mistunedRun(seed: number, sigmaIndex: number, trial: number): RunFileJson {
  const sigmaD = MISTUNING_SIGMAS[sigmaIndex];
  const runSeed = seed * 1_000_000 + sigmaIndex * 10_000 + trial;
  const normal = normalSampler(mulberry32(runSeed));
  const draw = (base: number) =>
    Array.from({ length: 50 }, () => Math.max(0, base * (1 + sigmaD * normal())));
  const run = eiRun(
    { dt: DT, steps: MISTUNING_STEPS, input: stepInput(MISTUNING_STEPS, 100, 0, 1), seed: runSeed },
    { size: 50, D: draw(BASE.E), Eself: E_EE, Ecross: E_EI, F: F_E, T: 0, mu: 0.5, sigmaV: 0.15 },
    { size: 50, D: draw(BASE.I), Eself: 1, Ecross: 2, F: 1, T: 1.5, mu: 0.5, sigmaV: 0.15 },
  );
  run.latents.push(
    { name: 'yEI', source: 'E', decoder: draw(BASE.E) },
    { name: 'yIE', source: 'I', decoder: draw(BASE.I) },
  );
  run.encoders = {
    E: { yE: E_EE, yIE: -E_EI },
    I: { yEI: 2, yI: -1 },
  };
  run.meta = { preset: 'fig8-mistuning', sigmaD, trial };
  return run;
}

function angleDegrees(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return (Math.acos(Math.min(1, ab / Math.sqrt(aa * bb))) * 180) / Math.PI;
}

function meanSquaredError(
  values: Float64Array,
  target: number,
  range: { start: number; end: number },
): number {
  let s = 0;
  for (let k = range.start; k < range.end; k++) s += (values[k] - target) ** 2;
  return s / (range.end - range.start);
}

export const fig8Mistuning: Preset = {
  name: 'fig8-mistuning',
  title: 'fig8 — mistuned cross-connections (σ_D sweep)',
  runs: ({ seed, trials = 50 }) =>
    MISTUNING_SIGMAS.flatMap((_, i) => Array.from({ length: trials }, (_, k) => mistunedRun(seed, i, k))),
  metrics: (runs, { trials = 50 }) =>
    MISTUNING_SIGMAS.flatMap((sigmaD, i) => {
      const group = runs.slice(i * trials, (i + 1) * trials);
      const decoder = (sim: SimulatedRun, name: string) =>
        sim.net.channels.find((c) => c.name === name)!.decoder;
      const avg = (f: (sim: SimulatedRun) => number) =>
        group.reduce((a, sim) => a + f(sim), 0) / group.length;
      const from75 = (sim: SimulatedRun) => window(sim, { t0: 0.075, t1: Infinity });
      const label = `σ_D = ${sigmaD.toFixed(2)}`;
      return [
        {
          name: `${label} angle E→E vs E→I`,
          value: avg((s) => angleDegrees(decoder(s, 'yE'), decoder(s, 'yEI'))),
          unit: '°',
        },
        {
          name: `${label} angle I→I vs I→E`,
          value: avg((s) => angleDegrees(decoder(s, 'yI'), decoder(s, 'yIE'))),
          unit: '°',
        },
        {
          name: `${label} MSE y^E vs 1.9`,
          value: avg((s) => meanSquaredError(latent(s, 'yE'), 1.9, from75(s))),
        },
        {
          name: `${label} MSE |y^I| vs 3.35`,
          value: avg((s) => meanSquaredError(latent(s, 'yI'), 3.35, from75(s))),
        },
      ];
    }),
  plots: (runs) => {
    const trials = runs.length / MISTUNING_SIGMAS.length;
    const sim = runs[runs.length - trials];
    return [raster(sim, 'fig8 mistuning: spikes at σ_D = 0.5, first trial')];
  },
};
