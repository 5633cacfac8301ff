// CompiledNetwork → the words the kernels read (bindings.wgsl): the constants buffer, the initial
// state and latents of a trial, the uniform params. The network's features (which kernels and
// override constants it needs), its command inputs and D·r0 come from src/model/stepModel.ts, as
// the CPU engine's do, rounded to f32 the way the CPU engine's f32 mode rounds them; the command
// input is computed here once per (step, population) instead of once per neuron.

import type { CompiledNetwork } from '../../model/compile.ts';
import { initialReadout, networkFeatures } from '../../model/stepModel.ts';
import { RULES, type PopulationParams, type ScalarParams } from './layout.ts';
import type { StepAllConstants } from './pipelines.ts';
import { driveRowWords, writeDrive } from './drive.ts';

const fr = Math.fround;

/** Params fields that depend on how a run is dispatched, not on the network (set by the runners). */
export type RunScalar =
  | 'trial'
  | 'event_capacity'
  | 'workgroups'
  | 'steps_per_dispatch'
  | 'step_event_bound'
  | 'record_spikes'
  | 'record_window';

export interface GpuNetwork {
  /** Neurons, channels + readouts. */
  N: number;
  K: number;
  consts: Uint32Array<ArrayBuffer>;
  stateWords: number;
  /** Pulse history depth H (0 without pulse synapses) and words per neuron. */
  history: number;
  pulseWords: number;
  /** Latent-record samples: t = 0, every, 2·every, … */
  samples: number;
  /** y at t = 0 (D·r0 or zeros), channels then readouts. */
  y0: Float32Array<ArrayBuffer>;
  scalars: Omit<ScalarParams, RunScalar>;
  populations: PopulationParams[];
  /** stepAll.wgsl's specialisation for this network (the run adds RECORD_SPIKES). */
  stepAll: Omit<StepAllConstants, 'RECORD_SPIKES'>;
  /**
   * stepAll's workgroups per trial (workgroupRanges over the populations, in order): the rows of its
   * channel table here, and of partials (params.workgroups) in a run, so the two cannot disagree.
   */
  allWorkgroups: number;
}

/**
 * What the sizes of a run's buffers depend on (perStepLoop.ts, smallNetworkLoop.ts, resources.ts): the
 * network's shape and its constants' and state's sizes, no per-neuron value. The engine takes them
 * from its network (runDims); the plan of a network too large to build computes them from the run
 * file's sizes with the same layout functions (plan.ts).
 */
export interface RunDims {
  N: number;
  K: number;
  S: number;
  trials: number;
  model: CompiledNetwork['model'];
  spikeRule: CompiledNetwork['spikeRule'];
  record: CompiledNetwork['record'];
  constsBytes: number;
  stateWords: number;
  /** stepAll's workgroups per trial. */
  allWorkgroups: number;
  /** Latent-record samples per trial. */
  samples: number;
}

export function runDims(net: CompiledNetwork, gpuNet: GpuNetwork): RunDims {
  return {
    N: net.N,
    K: gpuNet.K,
    S: net.S,
    trials: net.trials,
    model: net.model,
    spikeRule: net.spikeRule,
    record: net.record,
    constsBytes: gpuNet.consts.byteLength,
    stateWords: gpuNet.stateWords,
    allWorkgroups: gpuNet.allWorkgroups,
    samples: gpuNet.samples,
  };
}

/** `words` rounded up to a multiple of 4: where the next vec4-aligned section may start. */
const quadAligned = (words: number) => Math.ceil(words / 4) * 4;

/**
 * Section offsets within the state buffer, in words (bindings.wgsl, group 1 binding 0): per-neuron
 * sections of `stride` (N rounded up to 4) words each, so each starts on a vec4. Every network has
 * all seven (V … spike counts), so a trial's state is never under 28 bytes per neuron.
 */
export function stateSections(N: number, stride: number, pulseWords: number) {
  return {
    st_v: 0,
    st_ghat: stride,
    st_gexp: 2 * stride,
    st_pulse_open: 3 * stride,
    st_next: 4 * stride,
    st_spiked: 5 * stride,
    st_count: 6 * stride,
    st_bits: 7 * stride,
    words: quadAligned(7 * stride + N * pulseWords),
  };
}

/**
 * The pulse history of a run of S samples whose longest pulse lasts `maxPulseSteps` steps (0: no
 * pulse synapses): depth H = min(maxPulseSteps, S) + 1 bits per neuron, in ⌈H / 32⌉ words. A pulse
 * that outlasts the run never closes (stepAll reads a start bit only from t ≥ pwsteps + 1), so the
 * run's length bounds the depth as it does the CPU engine's history.
 */
export function pulseHistory(maxPulseSteps: number, S: number): { history: number; pulseWords: number } {
  const depth = Math.min(maxPulseSteps, S);
  const history = depth > 0 ? depth + 1 : 0;
  return { history, pulseWords: Math.ceil(history / 32) };
}

/** Latent-record samples of a run of S samples recorded every `every`: t = 0, every, 2·every, … */
export function sampleCount(S: number, every: number): number {
  return Math.floor((S - 1) / every) + 1;
}

/**
 * The shape of stepAll's workgroups (pipelines.ts's allShape): `lanes` invocations covering `span`
 * consecutive neurons of one population.
 */
export interface AllShape {
  lanes: number;
  span: number;
}

/**
 * The neuron ranges [begin, stop) of stepAll's workgroups over the population [start, start +
 * size) (stepAll.wgsl's workgroup_range): `span` neurons each, counted from the multiple of 4 at
 * or below `start`, so every workgroup but the first begins on a quad and only a population's
 * first and last workgroups hold neurons outside whole quads.
 */
export function workgroupRanges(start: number, size: number, span: number): [number, number][] {
  if (size === 0) return [];
  const base = start - (start % 4);
  const end = start + size;
  return Array.from({ length: Math.ceil((end - base) / span) }, (_, w) => [
    Math.max(start, base + w * span),
    Math.min(end, base + (w + 1) * span),
  ]);
}

/**
 * Encoder runs (stepAll.wgsl's ENCODER_RUNS): maximal blocks of consecutive neurons of one
 * population with the same encoder row in f32. runOf[i] is neuron i's run, first[r] the first neuron
 * of run r. Null when some range of `ranges` (stepAll's workgroups) covers more runs than `lanes`
 * (one lane sums a run), or when every recurrent population is one run (SHARED_ENCODERS, no tables
 * needed).
 */
function encoderRuns(
  net: CompiledNetwork,
  lanes: number,
  ranges: [number, number][],
): { runOf: Uint32Array; first: number[] } | null {
  const { N, L, encoders, populations } = net;
  const sameRow = (i: number, j: number) => {
    for (let l = 0; l < L; l++) {
      if (!Object.is(fr(encoders[i * L + l]), fr(encoders[j * L + l]))) return false;
    }
    return true;
  };
  const runOf = new Uint32Array(N);
  const first: number[] = [];
  let shared = true;
  for (const p of populations) {
    for (let i = p.start; i < p.start + p.size; i++) {
      if (i === p.start || !sameRow(i - 1, i)) first.push(i);
      runOf[i] = first.length - 1;
    }
    shared &&= !p.recurrence || runOf[p.start] === first.length - 1;
  }
  const fits = ranges.every(([a, stop]) => runOf[stop - 1] - runOf[a] + 1 <= lanes);
  return fits && !shared ? { runOf, first } : null;
}

/**
 * The channels (then readouts) with a nonzero decoder on some neuron of each range, in channel
 * order: what a stepAll workgroup over that range must project (the others add +0 there).
 * `proj` holds the f32 decoders, channel k's at proj[k·stride + i].
 */
function channelsOn(proj: Float32Array, stride: number, K: number, ranges: [number, number][]): number[][] {
  const nonzeroOn = ([a, b]: [number, number], k: number) => {
    for (let i = k * stride + a; i < k * stride + b; i++) if (proj[i] !== 0) return true;
    return false;
  };
  return ranges.map((range) => Array.from({ length: K }, (_, k) => k).filter((k) => nonzeroOn(range, k)));
}

/** stepAll's workgroups over the population [start, start + size): workgroupRanges' count. */
export function workgroupCount(start: number, size: number, span: number): number {
  return size === 0 ? 0 : Math.ceil((start + size - (start - (start % 4))) / span);
}

/** What the constants' layout depends on: the network's sizes, not its values. */
export interface ConstsDims {
  N: number;
  J: number;
  L: number;
  /** Channels + readouts. */
  K: number;
  S: number;
  /** Populations. */
  P: number;
  /** stepAll's workgroups per trial (rows of the own-channel table). */
  workgroups: number;
  /** Encoder runs of the run tables (ENCODER_RUNS), or null without them. */
  runs: number | null;
}

/**
 * Word offsets of the constants' sections (bindings.wgsl, group 0 binding 1) and their total: the
 * one layout of consts, used by buildGpuNetwork and by the plan of a network too large to build
 * (plan.ts), so the two cannot disagree about its size.
 */
export function constsLayout(d: ConstsDims) {
  // Per-neuron sections are `stride` words, each starting on a vec4 (bindings.wgsl's N').
  const stride = quadAligned(d.N);
  const offEnc = 3 * stride + d.J * stride;
  const offProj = quadAligned(offEnc + d.N * d.L);
  const offDrive = offProj + d.K * stride;
  const offOwn = offDrive + d.S * d.P * (d.J + 1);
  const offRuns = quadAligned(offOwn + d.workgroups * d.K);
  return {
    stride,
    bias: 0,
    selfW: stride,
    pop: 2 * stride,
    f: 3 * stride,
    enc: offEnc,
    proj: offProj,
    drive: offDrive,
    own: offOwn,
    runs: offRuns,
    words: quadAligned(offRuns + (d.runs === null ? 0 : stride + d.runs)),
  };
}

/**
 * Whether stepAll on `shape` uses encoder-run tables where a network's rows allow: runs replace L
 * loads per neuron by two (its run, the run's sum) plus L per lane, which pays where a lane covers
 * several neurons (software adapters) and L > 2.
 */
export function runsMayApply(shape: AllShape, L: number): boolean {
  return shape.span > shape.lanes && L > 2;
}

/**
 * `shape`: stepAll's workgroups on the engine's adapter, which decide whether encoder runs fit and
 * how the per-workgroup channel table is laid out (the engine always passes it); without it, no
 * run tables and one table row per population, as if each population were one workgroup.
 */
export function buildGpuNetwork(net: CompiledNetwork, shape?: AllShape): GpuNetwork {
  const { N, J, L, S, populations, channels, readouts } = net;
  const K = L + readouts.length;
  const P = populations.length;
  const ranges = populations.flatMap((p) => workgroupRanges(p.start, p.size, shape?.span ?? Infinity));
  const runs = shape && runsMayApply(shape, L) ? encoderRuns(net, shape.lanes, ranges) : null;
  const layout = constsLayout({
    N,
    J,
    L,
    K,
    S,
    P,
    workgroups: ranges.length,
    runs: runs ? runs.first.length : null,
  });
  const { stride } = layout;
  const off = { bias: layout.bias, selfW: layout.selfW, pop: layout.pop, f: layout.f };
  const { enc: offEnc, proj: offProj, drive: offDrive, own: offOwn, runs: offRuns } = layout;
  const words = new Uint32Array(layout.words);
  const f32 = new Float32Array(words.buffer);

  f32.set(net.bias, off.bias);
  f32.set(net.selfWeight, off.selfW);
  // F[j][i]: input j's weights of neurons 4q … 4q + 3 are one vec4 (model.wgsl's feedforward4).
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < J; j++) f32[off.f + j * stride + i] = net.inputWeights[i * J + j];
  }
  f32.set(net.encoders, offEnc);
  if (runs) {
    words.set(runs.runOf, offRuns);
    words.set(runs.first, offRuns + stride);
  }
  populations.forEach((p, pi) => words.fill(pi, off.pop + p.start, off.pop + p.start + p.size));
  // Zeros outside a channel's source population: 0·ĝ adds nothing to the projection.
  channels.forEach((c, l) => f32.set(c.decoder, offProj + l * stride + c.start));
  readouts.forEach((r, q) => f32.set(r.weights, offProj + (L + q) * stride + r.start));

  // drive[t][p] for t ≥ 1 from the network's x (drive.ts).
  writeDrive(f32, offDrive + driveRowWords(net), net, net.x, 1, S);
  // Per stepAll workgroup, the channels with a nonzero decoder on its neurons, then the others,
  // each in channel order (stepAll.wgsl projects only the first OWN_CHANNELS of its row; the
  // others' decoders are zero on its neurons). A population's own channels bound the first list;
  // block-structured decoders (the benchmark grid's modules) shrink it to the workgroup's modules.
  const own = channelsOn(f32.subarray(offProj, offProj + K * stride), stride, K, ranges);
  own.forEach((mine, w) => {
    const listed = new Set(mine);
    const others = Array.from({ length: K }, (_, k) => k).filter((k) => !listed.has(k));
    words.set([...mine, ...others], offOwn + w * K);
  });
  const features = networkFeatures(net);
  const { history, pulseWords } = pulseHistory(features.pulseDepth, S);
  const sections = stateSections(N, stride, pulseWords);
  const samples = sampleCount(S, net.record.every);

  return {
    N,
    K,
    consts: words,
    stateWords: sections.words,
    history,
    pulseWords,
    samples,
    y0: Float32Array.from(initialReadout(net, fr) ?? new Float64Array(K)),
    scalars: {
      n: N,
      j: J,
      l: L,
      k: K,
      p: P,
      seed_lo: net.seed >>> 0,
      seed_hi: Math.floor(net.seed / 2 ** 32) >>> 0,
      every: net.record.every,
      record_latents: net.record.latents ? 1 : 0,
      history,
      pulse_words: pulseWords,
      dt: net.dt,
      // The rate model's readout is D·r itself: a zero decay turns the filter into y = s.
      readout_decay: features.rule === 'rate' ? 0 : net.readoutDecay,
      rule: RULES[features.rule],
      beta: net.beta,
      s: S,
      trial_words: sections.words,
      stride,
      off_bias: off.bias,
      off_self_w: off.selfW,
      off_pop: off.pop,
      off_f: off.f,
      off_enc: offEnc,
      off_proj: offProj,
      off_drive: offDrive,
      off_own: offOwn,
      off_runs: runs ? offRuns : 0,
      st_v: sections.st_v,
      st_ghat: sections.st_ghat,
      st_gexp: sections.st_gexp,
      st_pulse_open: sections.st_pulse_open,
      st_next: sections.st_next,
      st_spiked: sections.st_spiked,
      st_count: sections.st_count,
      st_bits: sections.st_bits,
    },
    populations: populations.map((p, pi) => {
      const pf = features.populations[pi];
      return {
        start: p.start,
        size: p.size,
        pulse_steps: p.pulseSteps,
        wait_steps: pf.waitSteps,
        dt_leak: p.dtLeak,
        noise_scale: p.noiseScale,
        inv_pulse: fr(pf.invPulse),
        decay_dt: p.synapseDecayDt,
        rate: p.synapseRate,
        synapse_kind: p.synapseKind,
        recurrence: Number(pf.recurrence),
        noisy: Number(pf.noisy),
        mu: p.mu,
        class_rank: pf.classRank,
        clamp: Number(pf.clampAtThreshold),
        fast_reset: Number(pf.fastReset),
      };
    }),
    stepAll: {
      PULSE: Number(features.synapses.pulse),
      EXPONENTIAL: Number(features.synapses.exponential || features.synapses.delta),
      NOISE: Number(features.noise),
      SELF_INPUT: Number(features.selfInput),
      SELF_WEIGHTS: Number(features.selfWeights),
      SHARED_ENCODERS: Number(features.populations.every((p) => !p.recurrence || p.uniformEncoders.f32)),
      ENCODER_RUNS: runs ? 1 : 0,
      CHANNELS: K,
      OWN_CHANNELS: own.reduce((most, mine) => Math.max(most, mine.length), 0),
    },
    allWorkgroups: ranges.length,
  };
}

/**
 * A trial's initial state words: V0; ĝ = r0 for the rate model, else 0; nobody spiked;
 * nextAllowed = 2 under the `all` rule (nobody spikes at step 1, the reference's quirk), else 1.
 */
export function initialState(net: CompiledNetwork, gpu: GpuNetwork): Uint32Array<ArrayBuffer> {
  const words = new Uint32Array(gpu.stateWords);
  const f32 = new Float32Array(words.buffer);
  f32.set(net.V0, gpu.scalars.st_v);
  if (net.model === 'rate' && net.r0) f32.set(net.r0, gpu.scalars.st_ghat);
  words.fill(networkFeatures(net).firstSpikeStep, gpu.scalars.st_next, gpu.scalars.st_next + net.N);
  return words;
}

/**
 * A trial's latent words (bindings.wgsl group 1 binding 1): s[K] then y[K]. s holds the drive u of
 * step 1: D·r0 for the rate model (MODEL.md §8), zero for spiking ones (the CPU engine starts
 * u at 0 even from rates); y = y0.
 */
export function initialLatent(net: CompiledNetwork, gpu: GpuNetwork): Float32Array<ArrayBuffer> {
  const latent = new Float32Array(2 * gpu.K);
  if (net.model === 'rate') latent.set(gpu.y0);
  latent.set(gpu.y0, gpu.K);
  return latent;
}
