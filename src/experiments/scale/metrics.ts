// The scaling study's per-size numbers, from what a large run can afford to record: latents every
// few steps and whole-run spike counts; spike trains (hence ISI CV) only for small networks.

import type { SimulationResult } from '../../engine/engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { rmseAgainst } from '../../analysis/latentMetrics.ts';
import { meanIsiCV } from '../../analysis/firing.ts';
import { pearsonCorrelation } from '../../analysis/balance.ts';
import { INIT_CUT_WINDOW, sampleRange, stepRange, type IndexRange } from '../../analysis/window.ts';
import type { ScaleFunction } from './functions.ts';

export interface ScaleMetrics {
  /** RMSE of y^E against the target after the 50 ms init cut. */
  rmseE: number;
  /** Whole-run mean rate of every neuron of the population, from the spike counts (Hz). */
  rateE: number;
  rateI: number;
  /** Mean ISI CV after the init cut; null when spike trains were not recorded. */
  isiCvE: number | null;
  isiCvI: number | null;
  /** E/I input correlation after the init cut (see eiInputCorrelation). */
  eiCorrelation: number;
  spikesPerStep: number;
}

function channel(net: CompiledNetwork, result: SimulationResult, name: string): Float64Array {
  return result.trials[0].latents![net.channels.findIndex((c) => c.name === name)];
}

/** Recorded samples after the init cut (the metric window of every preset). */
export function metricWindow(net: CompiledNetwork, result: SimulationResult): IndexRange {
  return sampleRange(INIT_CUT_WINDOW, net.dt, result.every, result.trials[0].latents![0].length);
}

/** Input dimension 0 at recorded sample k. */
const inputAt = (net: CompiledNetwork, result: SimulationResult, k: number) =>
  net.x[k * result.every * net.J];

/**
 * fig8's balance measure through the latents: an E neuron's excitatory input E_EE·y^E + F·x against
 * its inhibitory input E_EI·|y^I|, Pearson-correlated over the window and averaged over the base E
 * neurons (copies share their parameters). The input ramp drives both, so this is high by design;
 * it drops when |y^I| stops tracking y^E.
 */
export function eiInputCorrelation(
  fn: ScaleFunction,
  net: CompiledNetwork,
  result: SimulationResult,
  range: IndexRange,
): number {
  const yE = channel(net, result, 'yE');
  const yI = channel(net, result, 'yI');
  const at = (v: number | number[], i: number) => (typeof v === 'number' ? v : v[i]);
  const exc = new Float64Array(yE.length);
  let sum = 0;
  for (let i = 0; i < fn.E.size; i++) {
    const a = at(fn.E.Eself, i);
    const f = at(fn.E.F, i);
    for (let k = 0; k < yE.length; k++) exc[k] = a * yE[k] + f * inputAt(net, result, k);
    // E_EI scales |y^I| by a positive constant, which leaves the correlation unchanged.
    sum += pearsonCorrelation(exc, yI, range);
  }
  return sum / fn.E.size;
}

export function scaleMetrics(
  fn: ScaleFunction,
  net: CompiledNetwork,
  result: SimulationResult,
): ScaleMetrics {
  const trial = result.trials[0];
  const range = metricWindow(net, result);
  const yE = channel(net, result, 'yE');
  const seconds = (net.S - 1) * net.dt;
  const rate = (pi: number) =>
    trial.spikeCounts[pi].reduce((a, c) => a + c, 0) / (net.populations[pi].size * seconds);
  const steps = stepRange(INIT_CUT_WINDOW, net.dt, net.S);
  const cv = (pi: number) =>
    trial.spikes ? meanIsiCV(trial.spikes[pi], net.populations[pi].size, steps) : null;
  const total = trial.spikeCounts.reduce((s, counts) => counts.reduce((a, c) => a + c, s), 0);
  return {
    rmseE: rmseAgainst(yE, (k) => fn.target(inputAt(net, result, k)), range),
    rateE: rate(0),
    rateI: rate(1),
    isiCvE: cv(0),
    isiCvI: cv(1),
    eiCorrelation: eiInputCorrelation(fn, net, result, range),
    spikesPerStep: total / (net.S - 1),
  };
}
