// Code generation for the CPU engine's hot loop (Brian2's split: model description → generated
// code → device). One JavaScript function per population shape integrates phases 1–3 of MODEL.md §3
// for every neuron of a population and, under the `all` rule, phase 4 in the same pass: spike test,
// synaptic trace and the neuron's share of next step's projections. Generating it lets the JIT see
// straight-line code: input dimensions and latent channels unrolled, branches on synapse kind,
// noise and recurrence resolved, and in float64 mode no rounding calls at all — `R(e)` wraps every
// arithmetic result in Math.fround only in float32 mode, which mirrors a GPU computing in f32.
// The template below is the single statement of the per-neuron arithmetic; its order of operations
// is the reference simulator's (V += λdt·((−V + F·c + b + I) + R/(λdt)) + noise), which is what
// makes float64 spike counts match the reference exactly.

import { BLOCK_GROUPS, type NoiseFill } from './noiseFill.ts';

export type Real = Float64Array | Float32Array;

export interface KernelShape {
  f32: boolean;
  /** Input dimensions and latent channels (unrolled). */
  J: number;
  L: number;
  /** `all` rule: spike, trace and projection in the same pass. */
  fire: boolean;
  synapse: 'delta' | 'pulse' | 'exponential';
  noisy: boolean;
  recurrence: boolean;
  /** Fast self-reset (MODEL.md §3): the neuron's own kick is taken out of the drive (ownSyn = W_ii). */
  fastReset: boolean;
  /**
   * Every neuron of the population has the same encoder row (the run file gave scalars, as large
   * networks do): Σ_l e_l·u_l is then one number per step, computed once, and the encoders are not
   * streamed — the same expression in the same order, so the same bits.
   */
  uniformEncoders: boolean;
  /** Sequential rule: every recurrent kick is applied within the step, so no drive term. */
  sequential: boolean;
  /** Channels and report-only readouts whose source is this population. */
  channels: number[];
  readouts: number[];
}

/** The arrays and per-step values a population kernel reads and writes. */
export interface KernelState {
  V: Real;
  ghat: Real;
  gExp: Real;
  pulseOpen: Int32Array;
  spikedPrev: Uint8Array;
  nextAllowed: Int32Array;
  selfW: Real;
  bias: Real;
  F: Real;
  enc: Real;
  dec: Real[];
  readoutW: Real[];
  u: Real;
  uNext: Real;
  readoutNext: Real;
  /** Command input c[t] of this population, J values. */
  c: Real;
  /** Voltage noise, filled a block of neurons at a time (noiseFill.ts). */
  noise: NoiseFill;
  seed: number;
  trial: number;
  /**
   * `all` rule: the kernel appends the global index of each neuron that fires to fired[nFired++]
   * and counts it in spikeCount[i] (so the counting is shared out with the slices).
   */
  fired: Int32Array;
  spikeCount: Int32Array;
  nFired: number;
}

/** Per-population, per-step scalars, already rounded for the precision. */
export interface KernelScalars {
  /** The neurons this call integrates (a whole population, or one slice of it under `all`). */
  start: number;
  end: number;
  /** The population's first neuron: decoders and readout weights are indexed from it. */
  origin: number;
  dtl: number;
  current: number;
  noiseScale: number;
  /** Spike cost μ (fastSelf = ownSyn − μ). */
  mu: number;
  wait: number;
  invPw: number;
  decayDt: number;
  rate: number;
  dt: number;
}

export type PopulationKernel = (s: KernelState, k: KernelScalars, t: number) => void;

const cache = new Map<string, PopulationKernel>();

export function populationKernel(shape: KernelShape): PopulationKernel {
  const key = JSON.stringify(shape);
  let kernel = cache.get(key);
  if (!kernel) {
    kernel = new Function('s', 'k', 't', kernelSource(shape)) as PopulationKernel;
    cache.set(key, kernel);
  }
  return kernel;
}

/** Sums `terms` left to right from the first term, rounding each partial result. */
function sum(terms: string[], R: (e: string) => string): string {
  return terms.slice(1).reduce((acc, term) => R(`${acc} + ${term}`), terms[0]);
}

export function kernelSource(shape: KernelShape): string {
  const {
    J,
    L,
    fire,
    synapse,
    noisy,
    recurrence,
    fastReset,
    uniformEncoders,
    sequential,
    channels,
    readouts,
  } = shape;
  const R = shape.f32 ? (e: string) => `Math.fround(${e})` : (e: string) => `(${e})`;
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const encoderDrive = (row: string) =>
    sum(
      range(L).map((l) => R(`enc[${row} * ${L} + ${l}] * u${l}`)),
      R,
    );
  const sharedDrive = recurrence && L > 0 && uniformEncoders && !sequential;
  const lines: string[] = [
    'const { V, ghat, gExp, pulseOpen, spikedPrev, nextAllowed, selfW, bias, F, enc } = s;',
    'const firedList = s.fired;',
    ...(fire ? ['const spikeCount = s.spikeCount;'] : []),
    'const { start, end, origin, dtl, current, noiseScale, mu, wait, invPw, decayDt, rate, dt } = k;',
    'let nFired = s.nFired;',
    ...range(J).map((j) => `const c${j} = s.c[${j}];`),
    ...range(L).map((l) => `const u${l} = s.u[${l}];`),
    ...(sharedDrive ? [`const sharedNet = ${encoderDrive('origin')};`] : []),
    ...channels.map((l) => `const dec${l} = s.dec[${l}];`),
    ...readouts.map((r) => `const ro${r} = s.readoutW[${r}];`),
    ...channels.map((l) => `let acc${l} = s.uNext[${l}];`),
    ...readouts.map((r) => `let racc${r} = s.readoutNext[${r}];`),
    // With noise, the neurons go in blocks whose draws one fill call computes (groups of four
    // neurons, aligned to global indices as the Philox mapping wants); noise[i − base] is neuron i's.
    ...(noisy
      ? [
          'const noise = s.noise.out;',
          'for (let b = start, bEnd = start; b < end; b = bEnd) {',
          `  bEnd = Math.min(end, ((b >> 2) + ${BLOCK_GROUPS}) << 2);`,
          '  s.noise.fill(s.seed, s.trial, t, b >> 2, ((bEnd - 1) >> 2) - (b >> 2) + 1);',
          '  const base = (b >> 2) << 2;',
          'for (let i = b; i < bEnd; i++) {',
        ]
      : ['for (let i = start; i < end; i++) {']),
    `  const ff = ${R(
      `${sum(
        range(J).map((j) => R(`F[i * ${J} + ${j}] * c${j}`)),
        R,
      )} + bias[i]`,
    )};`,
    `  const drive = ${R(`ff + current`)};`,
  ];
  // ĝ of exponential synapses under `all` is dt·g, recomputed here rather than stored: one array
  // less to stream per step. Under the other rules (and other synapses) the step keeps ĝ itself.
  const expFused = fire && synapse === 'exponential';
  const ownSyn = fastReset ? 'selfW[i]' : '0';
  if (sequential) {
    lines.push('  const rec = 0;');
  } else {
    lines.push(`  const g = ${expFused ? R('dt * gExp[i]') : 'ghat[i]'};`);
    const net = recurrence
      ? L > 0
        ? sharedDrive
          ? 'sharedNet'
          : encoderDrive('i')
        : '0'
      : R('selfW[i] * g');
    lines.push(
      `  const rec = ${R(`${R(`${net} - ${R(`${ownSyn} * g`)}`)} + (spikedPrev[i] ? ${R(`${ownSyn} - mu`)} : 0)`)};`,
    );
  }
  lines.push('  const v = V[i];');
  lines.push(`  let next = ${R(`v + ${R(`dtl * ${R(`${R('-v + drive')} + ${R('rec / dtl')}`)}`)}`)};`);
  if (noisy) lines.push(`  next = ${R(`next + ${R('noiseScale * noise[i - base]')}`)};`);
  lines.push('  V[i] = next;');
  if (fire) {
    // `all` rule (MODEL.md §5): at or above 1 and not refractory; nobody at step 1 (nextAllowed ≥ 2).
    lines.push(
      '  const fired = next >= 1 && t >= nextAllowed[i];',
      '  spikedPrev[i] = fired ? 1 : 0;',
      '  if (fired) { nextAllowed[i] = t + wait; firedList[nFired++] = i; spikeCount[i]++; }',
    );
    if (synapse === 'pulse') {
      lines.push('  if (fired) pulseOpen[i]++;', `  const gNew = ${R('pulseOpen[i] * invPw')};`);
    } else {
      lines.push(
        `  const decayed = ${R(`gExp[i] - ${R('decayDt * gExp[i]')}`)};`,
        `  gExp[i] = fired ? ${R('decayed + rate')} : decayed;`,
        `  const gNew = ${R('dt * gExp[i]')};`,
      );
    }
    lines.push(
      ...(expFused ? [] : ['  ghat[i] = gNew;']),
      ...channels.map((l) => `  acc${l} = ${R(`acc${l} + ${R(`dec${l}[i - origin] * gNew`)}`)};`),
      ...readouts.map((r) => `  racc${r} = ${R(`racc${r} + ${R(`ro${r}[i - origin] * gNew`)}`)};`),
    );
  }
  lines.push(
    noisy ? '}}' : '}',
    's.nFired = nFired;',
    ...channels.map((l) => `s.uNext[${l}] = acc${l};`),
    ...readouts.map((r) => `s.readoutNext[${r}] = racc${r};`),
  );
  return lines.join('\n');
}
