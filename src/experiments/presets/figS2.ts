// figS2 — noise makes a recurrent network's firing irregular but not a feed-forward one's
// (EXPERIMENTS.md). The natural batched-trials workload: 2 × 11 noise levels × `trials` trials.
import { inhibitoryPopulationRun } from '../networks.ts';
import { constant, linspace } from '../inputs.ts';
import type { RunFileJson } from '../../model/runFile.ts';
import type { Preset } from '../preset.ts';
import { spikeCountCV } from '../../analysis/firing.ts';
import { linePlot } from '../../report/plots.ts';
import { quadraticTangents } from './fig2.ts';
import { E_COLOR, I_COLOR } from '../figures.ts';

export const FIGS2_SIGMAS = linspace(0, 0.2, 11);
/** The paper uses 1000 trials per point; the default here keeps a CPU run under a minute. */
export const FIGS2_DEFAULT_TRIALS = 100;
const OBSERVED_NEURON = 12;

export function figS2Run(sigmaV: number, recurrent: boolean, seed: number, trials: number): RunFileJson {
  const S = 7500;
  const { F, T } = quadraticTangents(linspace(-1, 1, 50));
  return inhibitoryPopulationRun(
    {
      dt: 1e-5,
      steps: S,
      input: constant(S, -0.5),
      seed,
      trials,
      meta: { preset: 'figS2', sigmaV, recurrent },
    },
    { size: 50, D: -0.25, F, T, mu: 0.025, sigmaV, clampAtThreshold: true, recurrence: recurrent },
  );
}

export const figS2: Preset = {
  name: 'figS2',
  title: 'figS2 — spike-count CV of neuron 12 versus noise, recurrent vs feed-forward',
  runs: ({ seed, trials = FIGS2_DEFAULT_TRIALS }) =>
    [true, false].flatMap((recurrent) => FIGS2_SIGMAS.map((s) => figS2Run(s, recurrent, seed, trials))),
  metrics: (runs) =>
    runs.map((sim) => {
      const { sigmaV, recurrent } = sim.run.meta as { sigmaV: number; recurrent: boolean };
      return {
        name: `${recurrent ? 'recurrent' : 'feed-forward'} σ = ${sigmaV.toFixed(2)} count CV`,
        value: spikeCountCV(sim.result.trials, 0, OBSERVED_NEURON),
      };
    }),
  plots: (runs) => {
    const half = runs.length / 2;
    const cv = (group: typeof runs) =>
      group.map((sim) => spikeCountCV(sim.result.trials, 0, OBSERVED_NEURON));
    return [
      {
        name: 'cv',
        svg: linePlot({
          title: 'figS2: spike-count CV of neuron 12 over trials',
          subtitle: `${runs[0].net.trials} trials per point`,
          xLabel: 'noise σ_V',
          yLabel: 'spike-count CV',
          series: [
            { name: 'recurrent', x: FIGS2_SIGMAS, y: cv(runs.slice(0, half)), color: I_COLOR, markers: true },
            { name: 'feed-forward', x: FIGS2_SIGMAS, y: cv(runs.slice(half)), color: E_COLOR, markers: true },
          ],
        }),
      },
    ];
  },
};
