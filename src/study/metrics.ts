// The metric columns of a study point (docs/studies.md). Accuracy splits the error of y^E against
// its target into the part every trial shares (bias: the construction's) and the part that differs
// between trials (fluctuation: the network's noise), and measures y^E against the boundary
// intersection the base network's boundaries put it at (rmse_ideal: what infinite redundancy
// would hold). With several trials the split is exact: rmse_target² = bias² + fluctuation². With
// one trial the trial mean is estimated by low-passing y^E over the E population's own time
// constant 1/λ, forward and backward so the estimate does not lag the ramp.

import type { SimulationResult, SpikeTrain } from '../engine/engine.ts';
import type { CompiledNetwork } from '../model/compile.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { boundaryIntersection, type EINetwork } from '../construct/eiBoundary.ts';
import { pearsonCorrelation } from '../analysis/balance.ts';
import { meanIsiCV, spikeCountCV } from '../analysis/firing.ts';
import { INIT_CUT_WINDOW, sampleRange, stepRange, type IndexRange } from '../analysis/window.ts';

/** The metric columns every point has, in table order. */
export const METRIC_COLUMNS = [
  'neurons',
  'steps',
  'trials',
  'rmse_target',
  'rmse_ideal',
  'bias',
  'fluctuation',
  'rate_e',
  'rate_i',
  'isi_cv',
  'count_cv',
  'ei_corr',
  'sync',
  'us_per_step',
  'updates_per_s',
  'peak_rss_mib',
] as const;

/** A population fires "together" in a step where more than this fraction of it spikes. */
export const SYNC_FRACTION = 0.01;

export type Metrics = Record<string, number | null>;

/** A finite number, or null (a metric that does not apply is null, never NaN). */
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The E/I structure the accuracy metrics need: one E and one I population, each sourcing its latent. */
interface EIStructure {
  e: number;
  i: number;
  latentE: number;
  latentI: number;
}

export function eiStructure(spec: NetworkSpec): EIStructure | null {
  const bySign = (sign: string) => spec.populations.flatMap((p, pi) => (p.sign === sign ? [pi] : []));
  const [es, is] = [bySign('excitatory'), bySign('inhibitory')];
  if (es.length !== 1 || is.length !== 1 || spec.input.dims !== 1) return null;
  const latentE = spec.latents.findIndex((l) => l.source === es[0]);
  const latentI = spec.latents.findIndex((l) => l.source === is[0]);
  if (latentE < 0 || latentI < 0) return null;
  return { e: es[0], i: is[0], latentE, latentI };
}

/** The boundary geometry (eiBoundary.ts) of an E/I network; |y^I| is the I latent as simulated. */
export function eiGeometryOf(spec: NetworkSpec, s: EIStructure): EINetwork {
  const neg = (a: Float64Array) => a.map((v) => -v);
  return {
    E_EE: spec.encoders[s.e][s.latentE],
    E_EI: neg(spec.encoders[s.e][s.latentI]),
    F_E: spec.populations[s.e].inputWeights,
    T_E: spec.populations[s.e].threshold,
    E_IE: spec.encoders[s.i][s.latentE],
    E_II: neg(spec.encoders[s.i][s.latentI]),
    F_I: spec.populations[s.i].inputWeights,
    T_I: spec.populations[s.i].threshold,
  };
}

/** Zero-phase exponential smoothing with time constant `tau` (seconds) of samples `h` apart. */
export function smoothZeroPhase(y: ArrayLike<number>, h: number, tau: number): Float64Array {
  const a = Math.exp(-h / tau);
  const out = Float64Array.from(y);
  for (let k = 1; k < out.length; k++) out[k] = a * out[k - 1] + (1 - a) * out[k];
  for (let k = out.length - 2; k >= 0; k--) out[k] = a * out[k + 1] + (1 - a) * out[k];
  return out;
}

export interface PointMetricsInput {
  net: CompiledNetwork;
  /** The base (m = 1) network: boundary geometry and per-neuron parameters shared by copies. */
  base: NetworkSpec;
  result: SimulationResult;
  target: ((x: number) => number) | null;
}

/** Accuracy of y^E: against the target and the boundary intersection, split into bias and fluctuation. */
function accuracy(o: PointMetricsInput, s: EIStructure, range: IndexRange): Metrics {
  const { net, result, target } = o;
  const every = result.every;
  const traces = result.trials.map((t) => t.latents![s.latentE]);
  const x = (k: number) => net.x[k * every * net.J];
  const n = range.end - range.start;
  const T = traces.length;
  const mean =
    T > 1
      ? Float64Array.from(traces[0], (_, k) => traces.reduce((sum, tr) => sum + tr[k], 0) / T)
      : smoothZeroPhase(traces[0], every * net.dt, 1 / net.populations[s.e].leak);
  let fluct = 0;
  for (const tr of traces) for (let k = range.start; k < range.end; k++) fluct += (tr[k] - mean[k]) ** 2;
  const out: Metrics = { fluctuation: finite(Math.sqrt(fluct / (n * T))) };

  const geometry = eiGeometryOf(o.base, s);
  let ideal = 0;
  let idealCount = 0;
  for (let k = range.start; k < range.end; k++) {
    const p = boundaryIntersection(geometry, x(k));
    if (!p) continue;
    for (const tr of traces) ideal += (tr[k] - p.yE) ** 2;
    idealCount += T;
  }
  out.rmse_ideal = idealCount > 0 ? finite(Math.sqrt(ideal / idealCount)) : null;

  if (target) {
    let total = 0;
    let bias = 0;
    for (let k = range.start; k < range.end; k++) {
      const f = target(x(k));
      bias += (mean[k] - f) ** 2;
      for (const tr of traces) total += (tr[k] - f) ** 2;
    }
    out.rmse_target = finite(Math.sqrt(total / (n * T)));
    out.bias = finite(Math.sqrt(bias / n));
  } else {
    out.rmse_target = null;
    out.bias = null;
  }
  return out;
}

/** E-neuron excitatory input (E_EE·y^E + F·x) against |y^I|, averaged over the base E neurons. */
function eiCorrelation(o: PointMetricsInput, s: EIStructure, range: IndexRange): number | null {
  const { net, result, base } = o;
  const latents = result.trials[0].latents!;
  const [yE, yI] = [latents[s.latentE], latents[s.latentI]];
  const eEE = base.encoders[s.e][s.latentE];
  const F = base.populations[s.e].inputWeights;
  const exc = new Float64Array(yE.length);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < eEE.length; i++) {
    for (let k = 0; k < yE.length; k++) exc[k] = eEE[i] * yE[k] + F[i] * net.x[k * result.every * net.J];
    const r = pearsonCorrelation(exc, yI, range);
    if (Number.isFinite(r)) {
      sum += r;
      n++;
    }
  }
  return n > 0 ? sum / n : null;
}

/** Fraction of spikes (after the init cut) emitted in steps where > 1 % of their population fired. */
function synchrony(net: CompiledNetwork, trains: SpikeTrain[], steps: IndexRange): number | null {
  let together = 0;
  let total = 0;
  trains.forEach((train, pi) => {
    const perStep = new Int32Array(net.S);
    for (const s of train.step) perStep[s]++;
    const limit = SYNC_FRACTION * net.populations[pi].size;
    for (let s = steps.start; s < steps.end; s++) {
      total += perStep[s];
      if (perStep[s] > limit) together += perStep[s];
    }
  });
  return total > 0 ? together / total : null;
}

function meanOf(values: number[]): number | null {
  const ok = values.filter(Number.isFinite);
  return ok.length > 0 ? ok.reduce((a, b) => a + b, 0) / ok.length : null;
}

/** Mean whole-run rate (Hz) of the populations of one sign, over trials. */
function rate(net: CompiledNetwork, result: SimulationResult, sign: string): number | null {
  const pops = net.populations.flatMap((p, pi) => (p.sign === sign ? [pi] : []));
  const size = pops.reduce((s, pi) => s + net.populations[pi].size, 0);
  if (size === 0) return null;
  let spikes = 0;
  for (const trial of result.trials)
    for (const pi of pops) for (const c of trial.spikeCounts[pi]) spikes += c;
  return spikes / (size * (net.S - 1) * net.dt * result.trials.length);
}

/** `stepAll` → `step_all`: a kernel's name in a column name. */
const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Where the run timed its kernels (study setting kernelTimes): gpu_us_<kernel> per step of one
 * trial, as us_per_step, and their sum gpu_us_per_step. Absent otherwise (null in the table),
 * including on an adapter without timestamp-query.
 */
export function kernelMetrics(result: SimulationResult, stepsRun: number): Metrics {
  const kernels = result.timing.kernels?.kernels;
  if (!kernels) return {};
  const out: Metrics = {};
  for (const k of kernels) out[`gpu_us_${snakeCase(k.kernel)}`] = finite((k.gpuSeconds / stepsRun) * 1e6);
  out.gpu_us_per_step = finite((kernels.reduce((s, k) => s + k.gpuSeconds, 0) / stepsRun) * 1e6);
  return out;
}

export function pointMetrics(o: PointMetricsInput): Metrics {
  const { net, result } = o;
  const trials = result.trials.length;
  const stepsRun = (net.S - 1) * trials;
  const metrics: Metrics = {
    neurons: net.N,
    steps: net.S,
    trials,
    rmse_target: null,
    rmse_ideal: null,
    bias: null,
    fluctuation: null,
    rate_e: rate(net, result, 'excitatory'),
    rate_i: rate(net, result, 'inhibitory'),
    isi_cv: null,
    count_cv: null,
    ei_corr: null,
    sync: null,
    us_per_step: finite((result.timing.simulateSeconds / stepsRun) * 1e6),
    updates_per_s: finite((net.N * stepsRun) / result.timing.simulateSeconds),
    ...kernelMetrics(result, stepsRun),
  };
  const steps = stepRange(INIT_CUT_WINDOW, net.dt, net.S);
  const first = result.trials[0];
  const s = eiStructure(o.base);
  if (s && first.latents) {
    const range = sampleRange(INIT_CUT_WINDOW, net.dt, result.every, first.latents[0].length);
    if (range.end > range.start) {
      Object.assign(metrics, accuracy(o, s, range));
      metrics.ei_corr = eiCorrelation(o, s, range);
    }
  }
  if (first.spikes) {
    const trains = first.spikes;
    metrics.isi_cv = meanOf(trains.map((t, pi) => meanIsiCV(t, net.populations[pi].size, steps)));
    metrics.sync = synchrony(net, trains, steps);
  }
  if (trials > 1) {
    const cvs: number[] = [];
    net.populations.forEach((p, pi) => {
      for (let i = 0; i < p.size; i++) cvs.push(spikeCountCV(result.trials, pi, i));
    });
    metrics.count_cv = meanOf(cvs);
  }
  return metrics;
}
