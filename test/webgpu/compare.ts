// Shared by the WebGPU suites: a trial's spike events as comparable strings and the relative
// difference of two sets of latent or readout series.

import type { TrialResult } from '../../src/engine/engine.ts';

/** Every spike event of a trial as "step:population:neuron", in recorded order. */
export function events(trial: TrialResult): string[] {
  return trial.spikes!.flatMap((train, p) =>
    Array.from(train.step, (s, e) => `${s}:${p}:${train.neuron[e]}`),
  );
}

/** max |a − b| / max(1, max |b|) over every series and sample. */
export function relativeDifference(a: Float64Array[], b: Float64Array[]): number {
  let diff = 0;
  let scale = 1;
  a.forEach((series, k) =>
    series.forEach((v, s) => {
      diff = Math.max(diff, Math.abs(v - b[k][s]));
      scale = Math.max(scale, Math.abs(b[k][s]));
    }),
  );
  return diff / scale;
}
