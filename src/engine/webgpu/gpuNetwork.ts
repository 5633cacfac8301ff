// CompiledNetwork → the words the kernels read (bindings.wgsl): the constants buffer, the initial
// state of a trial, the uniform params. Values are rounded to f32 the way the CPU engine's f32 mode
// rounds them (src/engine/cpu/spikingTrial.ts), including the per-step command input, which is
// computed here once per (step, population) instead of once per neuron.

import { SYNAPSE_PULSE, type CompiledNetwork } from '../../model/compile.ts';
import type { PopulationParams, ScalarParams } from './layout.ts';

const fr = Math.fround;

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
  scalars: Omit<ScalarParams, 'trial' | 'event_capacity' | 'workgroups'>;
  populations: PopulationParams[];
}

/** Section offsets within the state buffer, in words (bindings.wgsl, group 1 binding 0). */
function stateSections(N: number, pulseWords: number) {
  return {
    st_v: 0,
    st_ghat: N,
    st_gexp: 2 * N,
    st_pulse_open: 3 * N,
    st_next: 4 * N,
    st_spiked: 5 * N,
    st_count: 6 * N,
    st_bits: 7 * N,
    words: 7 * N + N * pulseWords,
  };
}

export function buildGpuNetwork(net: CompiledNetwork): GpuNetwork {
  const { N, J, L, S, populations, channels, readouts } = net;
  const K = L + readouts.length;
  const P = populations.length;
  const off = { bias: 0, ownSyn: N, fastSelf: 2 * N, selfW: 3 * N, pop: 4 * N, f: 5 * N };
  const offEnc = off.f + N * J;
  const offProj = offEnc + N * L;
  const offDrive = offProj + K * N;
  const words = new Uint32Array(offDrive + S * P * (J + 1));
  const f32 = new Float32Array(words.buffer);

  f32.set(net.bias, off.bias);
  f32.set(net.selfWeight, off.selfW);
  f32.set(net.inputWeights, off.f);
  f32.set(net.encoders, offEnc);
  populations.forEach((p, pi) => {
    for (let i = p.start; i < p.start + p.size; i++) {
      words[off.pop + i] = pi;
      const ownSyn = p.selfResetFast ? f32[off.selfW + i] : 0;
      f32[off.ownSyn + i] = ownSyn;
      f32[off.fastSelf + i] = fr(ownSyn - fr(p.mu));
    }
  });
  // Zeros outside a channel's source population: 0·ĝ adds nothing to the projection.
  channels.forEach((c, l) => f32.set(c.decoder, offProj + l * N + c.start));
  readouts.forEach((r, q) => f32.set(r.weights, offProj + (L + q) * N + r.start));

  // drive[t][p] = (c_0 … c_{J−1}, I_ext[t−1]) for t ≥ 1, as the CPU engine's integrate() forms it.
  for (let t = 1; t < S; t++) {
    populations.forEach((p, pi) => {
      const base = offDrive + (t * P + pi) * (J + 1);
      const dtl = fr(p.dtLeak);
      for (let j = 0; j < J; j++) {
        const xPrev = fr(net.x[(t - 1) * J + j]);
        f32[base + j] = fr(fr(fr(fr(net.x[t * J + j]) - xPrev) / dtl) + xPrev);
      }
      f32[base + J] = p.current ? fr(p.current[t - 1]) : 0;
    });
  }

  const maxPulse = Math.max(
    0,
    ...populations.map((p) => (p.synapseKind === SYNAPSE_PULSE ? p.pulseSteps : 0)),
  );
  const history = maxPulse > 0 ? maxPulse + 1 : 0;
  const pulseWords = Math.ceil(history / 32);
  const sections = stateSections(N, pulseWords);

  return {
    N,
    K,
    consts: words,
    stateWords: sections.words,
    history,
    pulseWords,
    samples: Math.floor((S - 1) / net.record.every) + 1,
    y0: initialReadout(net),
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
      readout_decay: net.readoutDecay,
      off_bias: off.bias,
      off_own_syn: off.ownSyn,
      off_fast_self: off.fastSelf,
      off_self_w: off.selfW,
      off_pop: off.pop,
      off_f: off.f,
      off_enc: offEnc,
      off_proj: offProj,
      off_drive: offDrive,
      st_v: sections.st_v,
      st_ghat: sections.st_ghat,
      st_gexp: sections.st_gexp,
      st_pulse_open: sections.st_pulse_open,
      st_next: sections.st_next,
      st_spiked: sections.st_spiked,
      st_count: sections.st_count,
      st_bits: sections.st_bits,
    },
    populations: populations.map((p) => ({
      start: p.start,
      size: p.size,
      pulse_steps: p.pulseSteps,
      wait_steps: Math.max(p.refractorySteps, 1),
      dt_leak: p.dtLeak,
      noise_scale: p.noiseScale,
      inv_pulse: p.pulseSteps > 0 ? fr(1 / p.pulseSteps) : 0,
      decay_dt: p.synapseDecayDt,
      rate: p.synapseRate,
      synapse_kind: p.synapseKind,
      recurrence: p.recurrence ? 1 : 0,
      noisy: p.noiseScale !== 0 ? 1 : 0,
    })),
  };
}

/** A trial's initial state words: V0, ĝ = g = 0, nobody spiked, nextAllowed = 2 (`all` rule quirk). */
export function initialState(net: CompiledNetwork, gpu: GpuNetwork): Uint32Array<ArrayBuffer> {
  const words = new Uint32Array(gpu.stateWords);
  new Float32Array(words.buffer, 0, net.N).set(net.V0);
  words.fill(2, gpu.scalars.st_next, gpu.scalars.st_next + net.N);
  return words;
}

/** y[0] = D·r0 summed in f32 in neuron order, as the CPU engine's f32 mode; zeros without r0. */
function initialReadout(net: CompiledNetwork): Float32Array<ArrayBuffer> {
  const y = new Float32Array(net.L + net.readouts.length);
  const r0 = net.r0;
  if (!r0) return y;
  const sources = [
    ...net.channels.map((c) => ({ start: c.start, size: c.size, w: c.decoder })),
    ...net.readouts.map((r) => ({ start: r.start, size: r.size, w: r.weights })),
  ];
  sources.forEach((src, k) => {
    let s = 0;
    for (let i = 0; i < src.size; i++) s = fr(s + fr(fr(src.w[i]) * r0[src.start + i]));
    y[k] = s;
  });
  return y;
}
