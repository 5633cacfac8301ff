// Firing statistics of one population from its SpikeTrain: counts and rates in a window, ISI
// irregularity (EXPERIMENTS.md fig8) and trial-to-trial count variability (figS2). Windows are step
// ranges from stepRange(); a spike at step s happened at t = s·dt. All s.d.s are population s.d.s
// (ddof = 0, NumPy's default, as the reference computes them).

import type { SpikeTrain, TrialResult } from '../model/result.ts';
import { coefficientOfVariation } from './stats.ts';
import type { IndexRange } from './window.ts';

/** Spikes per neuron (of a population of `size`) with step in the range. */
export function spikeCountsInWindow(train: SpikeTrain, size: number, steps: IndexRange): Int32Array {
  const counts = new Int32Array(size);
  for (let j = 0; j < train.step.length; j++) {
    const s = train.step[j];
    if (s >= steps.start && s < steps.end) counts[train.neuron[j]]++;
  }
  return counts;
}

/** Mean rate in Hz of the neurons in `neurons` (indices within the population) over the step range. */
export function meanRateHz(train: SpikeTrain, neurons: IndexRange, steps: IndexRange, dt: number): number {
  let spikes = 0;
  for (let j = 0; j < train.step.length; j++) {
    const s = train.step[j];
    const i = train.neuron[j];
    if (s >= steps.start && s < steps.end && i >= neurons.start && i < neurons.end) spikes++;
  }
  return spikes / ((neurons.end - neurons.start) * (steps.end - steps.start) * dt);
}

/** The fig8 criterion: an ISI CV needs at least two intervals. */
export const MIN_SPIKES_FOR_ISI_CV = 3;

/**
 * Per-neuron CV (population s.d. / mean) of the intervals between consecutive spikes that both lie in
 * the step range; NaN for a neuron with fewer than `minSpikes` spikes there. The train must be in
 * step order, as the engines record it. CV is unitless, so intervals are counted in steps.
 */
export function isiCV(
  train: SpikeTrain,
  size: number,
  steps: IndexRange,
  minSpikes = MIN_SPIKES_FOR_ISI_CV,
): Float64Array {
  const count = new Int32Array(size);
  const first = new Int32Array(size);
  const last = new Int32Array(size);
  // Pass 1: the mean interval of a neuron is (last − first)/(count − 1), exact for a regular train.
  for (let j = 0; j < train.step.length; j++) {
    const s = train.step[j];
    if (j > 0 && s < train.step[j - 1])
      throw new RangeError(`spike train is not in step order at index ${j}`);
    if (s < steps.start || s >= steps.end) continue;
    const i = train.neuron[j];
    if (count[i] === 0) first[i] = s;
    last[i] = s;
    count[i]++;
  }
  // Pass 2: squared deviations from that mean, interval by interval (two-pass: no cancellation).
  const sumSq = new Float64Array(size);
  const previous = new Int32Array(size).fill(-1);
  for (let j = 0; j < train.step.length; j++) {
    const s = train.step[j];
    if (s < steps.start || s >= steps.end) continue;
    const i = train.neuron[j];
    if (previous[i] >= 0) {
      const d = s - previous[i] - (last[i] - first[i]) / (count[i] - 1);
      sumSq[i] += d * d;
    }
    previous[i] = s;
  }
  const cv = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const intervals = count[i] - 1;
    if (count[i] < Math.max(minSpikes, 2)) {
      cv[i] = NaN;
      continue;
    }
    const meanInterval = (last[i] - first[i]) / intervals;
    cv[i] = Math.sqrt(sumSq[i] / intervals) / meanInterval;
  }
  return cv;
}

/** Mean ISI CV over the neurons with at least `minSpikes` spikes in the range; NaN when there are none. */
export function meanIsiCV(
  train: SpikeTrain,
  size: number,
  steps: IndexRange,
  minSpikes = MIN_SPIKES_FOR_ISI_CV,
): number {
  const cv = isiCV(train, size, steps, minSpikes);
  let sum = 0;
  let n = 0;
  for (const c of cv) {
    if (Number.isNaN(c)) continue;
    sum += c;
    n++;
  }
  return n === 0 ? NaN : sum / n;
}

/**
 * Spike-count CV of one neuron across trials (figS2): population s.d. / mean of its whole-run counts,
 * NaN when it never spikes.
 */
export function spikeCountCV(trials: readonly TrialResult[], population: number, neuron: number): number {
  const counts = trials.map((trial) => trial.spikeCounts[population][neuron]);
  return coefficientOfVariation(counts);
}
