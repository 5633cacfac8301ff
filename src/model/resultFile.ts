// SimulationResult → `latentspike/result@1` JSON (RUN_FORMAT.md). Inhibitory latents stay |y| as
// simulated; with several trials every per-trial field becomes one array per trial.

import type { CompiledNetwork } from './compile.ts';
import { RESULT_FORMAT } from './runFile.ts';
import type { SimulationResult, TrialResult } from './result.ts';

type Json = Record<string, unknown>;

function perTrial<T>(trials: TrialResult[], pick: (t: TrialResult) => T): T | T[] {
  return trials.length === 1 ? pick(trials[0]) : trials.map(pick);
}

export function toResultJson(net: CompiledNetwork, result: SimulationResult): Json {
  const pops = net.populations;
  const { trials } = result;
  const out: Json = {
    format: RESULT_FORMAT,
    backend: result.backend,
    adapter: result.adapter,
    steps: result.steps,
    dt: result.dt,
    trials: trials.length,
    spikeCounts: Object.fromEntries(
      pops.map((p, pi) => [p.name, perTrial(trials, (t) => Array.from(t.spikeCounts[pi]))]),
    ),
  };
  if (trials[0].spikes) {
    out.spikes = Object.fromEntries(
      pops.map((p, pi) => {
        const step: number[] = [];
        const neuron: number[] = [];
        const trial: number[] = [];
        trials.forEach((t, k) => {
          const train = t.spikes![pi];
          for (let j = 0; j < train.step.length; j++) {
            step.push(train.step[j]);
            neuron.push(train.neuron[j]);
            trial.push(k);
          }
        });
        return [p.name, trials.length > 1 ? { step, neuron, trial } : { step, neuron }];
      }),
    );
  }
  if (trials[0].latents) {
    out.latents = Object.fromEntries(
      net.channels.map((c, l) => [
        c.name,
        { every: result.every, values: perTrial(trials, (t) => Array.from(t.latents![l])) },
      ]),
    );
    out.readouts = Object.fromEntries(
      net.readouts.map((r, q) => [
        r.name,
        { every: result.every, values: perTrial(trials, (t) => Array.from(t.readouts![q])) },
      ]),
    );
  }
  out.timing = result.timing;
  return out;
}
