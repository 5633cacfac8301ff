// The conformance suite's oracle tiers: what a configuration's result must share with its
// reference's, named, each one check over every trial. docs/conformance.md lists which network ×
// configuration pair is held to which tier and why.

import { expect } from 'vitest';
import type { SimulationResult, TrialResult } from '../../src/engine/engine.ts';
import type { CompiledNetwork } from '../../src/model/compile.ts';
import { events, relativeDifference } from '../webgpu/compare.ts';

export type Tier = 'bit-equal' | '±1 spike' | 'close' | 'statistics';

/** Latents and readouts that differ only by summation order: relative to max(1, max |reference|). */
export const SUM_ORDER_TOLERANCE = 1e-5;
/** The rate model's latents and readouts (WGSL's exp is not correctly rounded), relative as above. */
export const CLOSE_TOLERANCE = 1e-4;
/** statistics: each population's spike count per trial within this fraction of the reference … */
export const COUNT_FRACTION = 0.05;
/** … plus this many spikes (populations of a few neurons) … */
export const COUNT_SLACK = 2;
/** … and the RMS difference of every latent within this fraction of max(1, max |reference|). */
export const LATENT_RMS_FRACTION = 0.05;

/** Every recorded array of a trial, in one list, for bit-for-bit comparison. */
function recorded(trial: TrialResult): unknown[] {
  return [events(trial), trial.spikeCounts, trial.latents, trial.readouts];
}

/** Spike steps of every neuron (global index), from a trial's trains. */
function stepsByNeuron(trial: TrialResult, net: CompiledNetwork): Set<number>[] {
  const steps = Array.from({ length: net.N }, () => new Set<number>());
  trial.spikes!.forEach((train, p) => {
    const start = net.populations[p].start;
    train.step.forEach((s, e) => steps[start + train.neuron[e]].add(s));
  });
  return steps;
}

/** Per neuron, the spikes one trial has and the other has not (a neuron spikes at most once a step). */
function spikeDifference(a: TrialResult, b: TrialResult, net: CompiledNetwork): Int32Array {
  const [sa, sb] = [stepsByNeuron(a, net), stepsByNeuron(b, net)];
  return Int32Array.from(sa, (steps, i) => {
    let n = 0;
    for (const s of steps) if (!sb[i].has(s)) n++;
    for (const s of sb[i]) if (!steps.has(s)) n++;
    return n;
  });
}

/**
 * The most a channel can differ between two trials whose trains differ by `difference`: a spike
 * adds at most 1 to its neuron's filtered rate r_k (the readout filter decays, and a pulse or
 * exponential synapse spreads the same unit), so |Δy_l| ≤ Σ_k |d_{l,k}|·(spikes of k in one only).
 */
function spikeBound(
  difference: Int32Array,
  channels: { start: number; size: number; weights: Float64Array }[],
): number[] {
  return channels.map(({ start, size, weights }) => {
    let bound = 0;
    for (let k = 0; k < size; k++) bound += Math.abs(weights[k]) * difference[start + k];
    return bound;
  });
}

/** max over samples of |a − b| for one series, and max(1, max |b|). */
function seriesError(a: Float64Array, b: Float64Array): { error: number; scale: number } {
  let error = 0;
  let scale = 1;
  b.forEach((v, s) => {
    error = Math.max(error, Math.abs(a[s] - v));
    scale = Math.max(scale, Math.abs(v));
  });
  return { error, scale };
}

/**
 * ±1 spike: every neuron's spike count within 1 of the reference's, and every latent and readout
 * within what the differing spikes can move it (spikeBound) plus the summation-order tolerance.
 * Returns the number of spikes in one trial only (0 where the trains are identical).
 */
function expectWithinOneSpike(trial: TrialResult, reference: TrialResult, net: CompiledNetwork): number {
  const counts = (t: TrialResult) => t.spikeCounts.flatMap((c) => [...c]);
  const [mine, theirs] = [counts(trial), counts(reference)];
  const worst = Math.max(0, ...mine.map((c, i) => Math.abs(c - theirs[i])));
  expect(worst, 'largest per-neuron spike-count difference').toBeLessThanOrEqual(1);
  const difference = spikeDifference(trial, reference, net);
  const series = [
    [trial.latents!, reference.latents!, net.channels.map((c) => ({ ...c, weights: c.decoder }))],
    [trial.readouts!, reference.readouts!, net.readouts],
  ] as const;
  for (const [a, b, channels] of series) {
    const bounds = spikeBound(difference, channels);
    a.forEach((values, l) => {
      const { error, scale } = seriesError(values, b[l]);
      expect(error, `channel ${l}: |Δ| beyond the differing spikes' bound`).toBeLessThanOrEqual(
        bounds[l] + SUM_ORDER_TOLERANCE * scale,
      );
    });
  }
  return difference.reduce((a, b) => a + b, 0);
}

/** RMS over samples of a − b. */
function rmsDifference(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  a.forEach((v, s) => (sum += (v - b[s]) ** 2));
  return Math.sqrt(sum / Math.max(1, a.length));
}

/** statistics: population spike counts and latent trajectories close, not equal (see the constants). */
function expectStatistics(trial: TrialResult, reference: TrialResult): void {
  trial.spikeCounts.forEach((counts, p) => {
    const sum = (c: Int32Array) => c.reduce((a, b) => a + b, 0);
    const [mine, theirs] = [sum(counts), sum(reference.spikeCounts[p])];
    expect(Math.abs(mine - theirs), `population ${p} spikes ${mine} vs ${theirs}`).toBeLessThanOrEqual(
      COUNT_FRACTION * theirs + COUNT_SLACK,
    );
  });
  trial.latents!.forEach((y, l) => {
    const { scale } = seriesError(y, reference.latents![l]);
    expect(rmsDifference(y, reference.latents![l]), `latent ${l} RMS difference`).toBeLessThanOrEqual(
      LATENT_RMS_FRACTION * scale,
    );
  });
}

/**
 * Asserts `tier` between a run and its reference, trial by trial; returns a line for the log
 * (how close they came, so a tier that could be tighter shows).
 */
export function expectTier(
  tier: Tier,
  net: CompiledNetwork,
  result: SimulationResult,
  reference: SimulationResult,
): string {
  expect(result.trials).toHaveLength(reference.trials.length);
  const spikes = reference.trials.reduce((n, t) => n + events(t).length, 0);
  let differing = 0;
  let latentError = 0;
  result.trials.forEach((trial, t) => {
    const theirs = reference.trials[t];
    latentError = Math.max(latentError, relativeDifference(trial.latents!, theirs.latents!));
    if (tier === 'bit-equal') expect(recorded(trial)).toEqual(recorded(theirs));
    else if (tier === '±1 spike') differing += expectWithinOneSpike(trial, theirs, net);
    else if (tier === 'close') {
      expect(events(trial)).toEqual(events(theirs));
      expect(latentError).toBeLessThanOrEqual(CLOSE_TOLERANCE);
      expect(relativeDifference(trial.readouts!, theirs.readouts!)).toBeLessThanOrEqual(CLOSE_TOLERANCE);
    } else expectStatistics(trial, theirs);
  });
  return `${tier}: ${spikes} reference spikes, ${differing} in one run only, relative |Δy| ${latentError.toExponential(2)}`;
}
