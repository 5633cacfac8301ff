// One trial of the spiking model on the CPU: the reference every other backend is tested against.
// Phases per step t ≥ 1, in the order of MODEL.md §3 (the WGSL kernels follow the same list):
//   1. command input c = x[t−1] + (x[t] − x[t−1])/(λ·dt), per population
//   2. recurrent drive R_i = Σ_l e_{i,l}·u_l − ownSyn_i·ĝ_i[t−1] + fastSelf_i·s_i[t−1]
//      with u_l = Σ_k d_{l,k}·ĝ_k[t−1] projected at the end of the previous step (never W = E·D)
//   3. V += λ·dt·((−V + F·c + b + I_ext[t−1]) + R/(λ·dt)) + √(2λdt)·σ·ξ   (the reference's rounding)
//   4. spikes by the network's rule (§5), then synaptic traces (§6), then the projection for t+1
//      and the latent readout y_l[t] = e^{−λ_r·dt}·y_l[t−1] + Σ_k d_{l,k}·ĝ_k[t].
// Cost per step is O(N·L): the one-per-step and sequential rules add one O(N) selection pass per
// spike. `fr` is identity in float64 mode and Math.fround in float32 mode, applied after every
// arithmetic operation so that mode mirrors what a GPU computes in f32.

import {
  SYNAPSE_DELTA,
  SYNAPSE_EXPONENTIAL,
  SYNAPSE_PULSE,
  uniformRows,
  type CompiledNetwork,
  type CompiledPopulation,
} from '../../model/compile.ts';
import { TrialRecorder } from './recorder.ts';
import type { KernelShape, Real } from './populationKernel.ts';
import { SliceRunner, sliceNetwork, stepDataLayout, type SliceJob } from './slices.ts';
import type { KernelTeam } from './kernelTeam.ts';
import { restoreInto, stateArray, stateInt, stateRecord, type SnapshotValue } from '../snapshot.ts';

export type Precision = 'f64' | 'f32';

const identity = (v: number): number => v;

/** Spike events of the last few steps, for expiring pulse synapses (MODEL.md §6). */
class SpikeHistory {
  private readonly slots: Int32Array[];
  private readonly counts: Int32Array;
  constructor(readonly depth: number) {
    this.slots = Array.from({ length: depth }, () => new Int32Array(64));
    this.counts = new Int32Array(depth);
  }
  clear(t: number): void {
    this.counts[t % this.depth] = 0;
  }
  push(t: number, neuron: number): void {
    const s = t % this.depth;
    let slot = this.slots[s];
    if (this.counts[s] === slot.length) {
      const grown = new Int32Array(slot.length * 2);
      grown.set(slot);
      this.slots[s] = slot = grown;
    }
    slot[this.counts[s]++] = neuron;
  }
  /** The events of every slot, slot after slot, and each slot's count (engine snapshots). */
  save(): { counts: Int32Array; events: Int32Array } {
    const events = new Int32Array(this.counts.reduce((n, c) => n + c, 0));
    let at = 0;
    this.slots.forEach((slot, s) => {
      events.set(slot.subarray(0, this.counts[s]), at);
      at += this.counts[s];
    });
    return { counts: this.counts.slice(), events };
  }
  restore(counts: Int32Array, events: Int32Array): void {
    let at = 0;
    for (let s = 0; s < this.depth; s++) {
      this.counts[s] = 0;
      for (let e = 0; e < counts[s]; e++) this.push(s, events[at++]);
    }
  }
  /** Neurons that spiked at step t (t within the last `depth` steps). */
  at(t: number): { list: Int32Array; count: number } {
    const s = t % this.depth;
    return { list: this.slots[s], count: this.counts[s] };
  }
}

export class SpikingTrial {
  private readonly fr: (v: number) => number;
  private readonly V: Real;
  /** ĝ_k[t−1], the synaptic activation as it enters the drive (dt·g for exponential synapses). */
  private readonly ghat: Real;
  /** Exponential synapses: g itself (ĝ = dt·g). */
  private readonly gExp: Real;
  /** Pulse synapses: number of pulses currently open per neuron. */
  private readonly pulseOpen: Int32Array;
  private readonly spikedPrev: Uint8Array;
  private readonly nextAllowed: Int32Array;
  /** Drive projection u (from ĝ[t−1]) and the readout projection of this step. */
  private readonly u: Real;
  /** `all` rule: the projections of this step's ĝ, the slices' sums added in slice order. */
  private readonly uNext: Real;
  private readonly readoutNext: Real;
  /** Channel and readout indices sourced by each population. */
  private readonly channelsOf: number[][];
  private readonly readoutsOf: number[][];
  private readonly y: Real;
  private readonly readoutValues: Real;
  private readonly selfW: Real;
  private readonly bias: Real;
  private readonly F: Real;
  private readonly enc: Real;
  private readonly dec: Real[];
  private readonly readoutW: Real[];
  /** Neurons spiking in the current step, in order, and the previous step's (delta rules). */
  private spikes: Int32Array;
  private nSpikes = 0;
  private prevSpikes: Int32Array;
  private nPrevSpikes = 0;
  /** `all` rule: spikes per neuron, counted by the kernels (TrialRecorder reads them). */
  private readonly spikeCount: Int32Array;
  private readonly history: SpikeHistory | null;
  private readonly popOf: Int32Array;
  private readonly priorityClasses: CompiledPopulation[][];
  private readonly recorder: TrialRecorder;
  /** Phases 1–3 (and 4 under `all`) of every neuron: the kernels, run by slice (slices.ts). */
  private readonly job: SliceJob;
  private readonly integrator: { runStep(): void };
  private readonly stepLayout: ReturnType<typeof stepDataLayout>;

  /**
   * With a `team`, the `all` rule's slices are shared out to worker threads: the state then lives
   * on SharedArrayBuffers, read-only parameters included.
   */
  constructor(
    private readonly net: CompiledNetwork,
    trial: number,
    precision: Precision,
    team: KernelTeam | null = null,
  ) {
    const { N, L } = net;
    const f32 = precision === 'f32';
    const all = net.spikeRule === 'all';
    const shared = team !== null && all;
    this.fr = f32 ? Math.fround : identity;
    const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    const real = (n: number): Real =>
      f32 ? new Float32Array(buffer(4 * n)) : new Float64Array(buffer(8 * n));
    const copy = (a: ArrayLike<number>): Real => {
      const r = real(a.length);
      r.set(a);
      return r;
    };
    // Read-only parameters are shared with the compiled network in float64 (at 10⁷ neurons a copy
    // is half a gigabyte); float32 mode and worker threads need their own copies.
    const constant = (a: Float64Array): Real => (f32 || shared ? copy(a) : a);
    this.V = copy(net.V0);
    this.ghat = real(N);
    // Trace arrays only where some population has that synapse kind.
    const uses = (kind: number) => net.populations.some((p) => p.synapseKind === kind);
    this.gExp = real(uses(SYNAPSE_EXPONENTIAL) ? N : 0);
    this.pulseOpen = new Int32Array(buffer(4 * (uses(SYNAPSE_PULSE) ? N : 0)));
    this.spikedPrev = new Uint8Array(buffer(N));
    this.nextAllowed = new Int32Array(buffer(4 * N)).fill(all ? 2 : 1);
    this.u = real(L);
    this.uNext = real(L);
    this.readoutNext = real(net.readouts.length);
    this.channelsOf = net.populations.map((_, pi) =>
      net.channels.flatMap((ch, l) => (ch.source === pi ? [l] : [])),
    );
    this.readoutsOf = net.populations.map((_, pi) =>
      net.readouts.flatMap((ro, r) => (ro.source === pi ? [r] : [])),
    );
    this.y = real(L);
    this.readoutValues = real(net.readouts.length);
    this.selfW = constant(net.selfWeight);
    this.popOf = new Int32Array(N);
    net.populations.forEach((p, pi) => this.popOf.fill(pi, p.start, p.start + p.size));
    this.bias = constant(net.bias);
    this.F = constant(net.inputWeights);
    this.enc = constant(net.encoders);
    this.dec = net.channels.map((ch) => constant(ch.decoder));
    this.readoutW = net.readouts.map((r) => constant(r.weights));
    // Under `all` the kernels list their spikes in it directly, slice q from its first neuron on.
    this.spikes = new Int32Array(buffer(4 * (all ? N : 16)));
    // … and count them (the other rules count as they select).
    this.spikeCount = new Int32Array(buffer(4 * (all ? N : 0)));
    this.prevSpikes = new Int32Array(16);
    // A pulse still open at the last step never needs its start again: the history is as deep as
    // the longest pulse or the run, whichever is shorter (a pulse may outlast the run).
    const maxPulse = Math.min(net.S, Math.max(0, ...net.populations.map((p) => p.pulseSteps)));
    this.history = maxPulse > 0 ? new SpikeHistory(maxPulse + 1) : null;
    const priorities = [...new Set(net.populations.map((p) => p.priority))].sort((a, b) => a - b);
    this.priorityClasses = priorities.map((pr) => net.populations.filter((p) => p.priority === pr));
    this.recorder = new TrialRecorder(net, all ? this.spikeCount : null);
    const fr = this.fr;
    const shapes: KernelShape[] = net.populations.map((p, pi) => ({
      f32,
      J: net.J,
      L: net.L,
      fire: all,
      synapse:
        p.synapseKind === SYNAPSE_PULSE ? 'pulse' : p.synapseKind === SYNAPSE_DELTA ? 'delta' : 'exponential',
      noisy: p.noiseScale !== 0,
      recurrence: p.recurrence,
      fastReset: p.selfResetFast,
      uniformEncoders: uniformRows(this.enc, L, p.start, p.start + p.size),
      sequential: net.spikeRule === 'sequential',
      channels: this.channelsOf[pi],
      readouts: this.readoutsOf[pi],
    }));
    // The other rules select spikes after integrating, so their kernels see whole populations.
    const slices = all
      ? sliceNetwork(net.populations)
      : net.populations.map((p, pop) => ({ pop, start: p.start, end: p.start + p.size }));
    this.stepLayout = stepDataLayout(net.populations.length, net.J);
    this.job = {
      f32,
      seed: net.seed,
      trial,
      shapes,
      scalars: net.populations.map((p) => ({
        start: p.start,
        end: p.start + p.size,
        origin: p.start,
        dtl: fr(p.dtLeak),
        current: 0,
        noiseScale: fr(p.noiseScale),
        mu: fr(p.mu),
        wait: Math.max(p.refractorySteps, 1),
        invPw: p.pulseSteps > 0 ? fr(1 / p.pulseSteps) : 0,
        decayDt: fr(p.synapseDecayDt),
        rate: fr(p.synapseRate),
        dt: fr(net.dt),
      })),
      arrays: this.arrays(),
      slices,
      spikes: this.spikes,
      counts: new Int32Array(buffer(4 * slices.length)),
      uPart: real(slices.length * L),
      rPart: real(slices.length * net.readouts.length),
      stepData: new Float64Array(buffer(8 * this.stepLayout.length)),
    };
    this.integrator = shared ? team.begin(this.job) : new SliceRunner(this.job);
    this.initialReadout();
  }

  private arrays() {
    const { V, ghat, gExp, pulseOpen, spikedPrev, nextAllowed, selfW, bias, F, enc } = this;
    const { dec, readoutW, u, spikeCount } = this;
    return {
      spikeCount,
      V,
      ghat,
      gExp,
      pulseOpen,
      spikedPrev,
      nextAllowed,
      selfW,
      bias,
      F,
      enc,
      dec,
      readoutW,
      u,
    };
  }

  /** y[0] = D·r0 when the run starts from rates (MODEL.md §6, §7); zero otherwise. */
  private initialReadout(): void {
    const r0 = this.net.r0;
    if (r0) {
      this.net.channels.forEach((ch, l) => {
        let s = 0;
        for (let k = 0; k < ch.size; k++) s = this.fr(s + this.fr(this.dec[l][k] * r0[ch.start + k]));
        this.y[l] = s;
      });
      this.net.readouts.forEach((ro, r) => {
        let s = 0;
        for (let k = 0; k < ro.size; k++) s = this.fr(s + this.fr(this.readoutW[r][k] * r0[ro.start + k]));
        this.readoutValues[r] = s;
      });
    }
    this.recorder.sample(0, this.y, this.readoutValues);
  }

  /** Advances steps t0 … t1−1 (t0 ≥ 1). */
  run(t0: number, t1: number): void {
    for (let t = t0; t < t1; t++) this.step(t);
  }

  result() {
    return this.recorder.result();
  }

  /** The latents and readouts after the last step simulated. */
  latest(): { latents: Float64Array; readouts: Float64Array } {
    return { latents: Float64Array.from(this.y), readouts: Float64Array.from(this.readoutValues) };
  }

  /**
   * The trial's whole state between two steps, recordings included (engine snapshots,
   * snapshot.ts). The noise needs none: it is keyed by (seed, trial, step, neuron).
   */
  save(): { [key: string]: SnapshotValue } {
    const history = this.history?.save();
    return {
      V: this.V.slice(),
      ghat: this.ghat.slice(),
      gExp: this.gExp.slice(),
      pulseOpen: this.pulseOpen.slice(),
      spikedPrev: this.spikedPrev.slice(),
      nextAllowed: this.nextAllowed.slice(),
      u: this.u.slice(),
      y: this.y.slice(),
      readoutValues: this.readoutValues.slice(),
      spikeCount: this.spikeCount.slice(),
      prevSpikes: this.prevSpikes.slice(0, this.nPrevSpikes),
      historyCounts: history?.counts ?? null,
      historyEvents: history?.events ?? null,
      recorder: this.recorder.save(),
    };
  }

  /** Takes back what save() gave, into this trial's arrays (shared with worker threads, if any). */
  restore(saved: { [key: string]: SnapshotValue }): void {
    const { V, ghat, gExp, pulseOpen, spikedPrev, nextAllowed, u, y, readoutValues, spikeCount } = this;
    const arrays = { V, ghat, gExp, pulseOpen, spikedPrev, nextAllowed, u, y, readoutValues, spikeCount };
    for (const [name, target] of Object.entries(arrays)) restoreInto(target, saved[name], name);
    const prev = stateArray(saved.prevSpikes, Int32Array, 'prevSpikes');
    this.prevSpikes = new Int32Array(Math.max(16, prev.length));
    this.prevSpikes.set(prev);
    this.nPrevSpikes = prev.length;
    if (this.history) {
      const counts = stateArray(saved.historyCounts, Int32Array, 'historyCounts', this.history.depth);
      const events = stateArray(saved.historyEvents, Int32Array, 'historyEvents');
      let total = 0;
      counts.forEach((c, s) => (total += stateInt(c, `historyCounts[${s}]`, 0, this.net.N)));
      stateArray(events, Int32Array, 'historyEvents', total);
      this.history.restore(counts, events);
    }
    this.recorder.restore(stateRecord(saved.recorder, 'recorder'));
  }

  private step(t: number): void {
    const rule = this.net.spikeRule;
    this.nSpikes = 0;
    if (rule === 'all') this.history?.clear(t);
    this.prepareStep(t);
    this.integrator.runStep();
    if (rule === 'all') {
      this.gatherSlices(t);
    } else {
      if (rule === 'one-per-step') this.spikeOnePerStep(t);
      else this.spikeSequential(t);
      this.updateDeltaTraces();
    }
    this.project();
    this.recorder.sample(t, this.y, this.readoutValues);
  }

  /**
   * Phase 1 for every population into the kernels' step data: t, the command input c and the
   * external current; under `all`, pulses that end now are closed first.
   */
  private prepareStep(t: number): void {
    const { fr, job } = this;
    const { J, x, populations, spikeRule } = this.net;
    const data = job.stepData;
    const layout = this.stepLayout;
    data[0] = t;
    populations.forEach((pop, pi) => {
      const dtl = job.scalars[pi].dtl;
      for (let j = 0; j < J; j++) {
        const xPrev = fr(x[(t - 1) * J + j]);
        data[layout.command(pi) + j] = fr(fr(fr(fr(x[t * J + j]) - xPrev) / dtl) + xPrev);
      }
      data[layout.current(pi)] = pop.current ? fr(pop.current[t - 1]) : 0;
      if (spikeRule === 'all' && pop.synapseKind === SYNAPSE_PULSE) this.closePulses(pop, t);
    });
  }

  /**
   * `all` rule: next step's projections are the slices' sums added in slice order; their spikes,
   * in the same order (ascending neuron index), are counted, recorded and kept for pulse expiry.
   */
  private gatherSlices(t: number): void {
    const { fr, uNext, readoutNext, channelsOf, readoutsOf, spikes, popOf, history, recorder } = this;
    const { slices, uPart, rPart, counts } = this.job;
    const { populations, L, readouts } = this.net;
    const R = readouts.length;
    uNext.fill(0);
    readoutNext.fill(0);
    // The kernels counted the spikes: the list is walked only to keep events or expire pulses.
    const walk = recorder.recordsEvents || history !== null;
    for (let q = 0; q < slices.length; q++) {
      const { pop, start } = slices[q];
      for (const l of channelsOf[pop]) uNext[l] = fr(uNext[l] + uPart[q * L + l]);
      for (const r of readoutsOf[pop]) readoutNext[r] = fr(readoutNext[r] + rPart[q * R + r]);
      for (let n = 0; walk && n < counts[q]; n++) {
        const i = spikes[start + n];
        recorder.spike(popOf[i], i - populations[popOf[i]].start, t);
        history?.push(t, i);
      }
      this.nSpikes += counts[q];
    }
  }

  /** Pulses opened at t − pwsteps close now (they covered samples t−pw … t−1). */
  private closePulses(pop: CompiledPopulation, t: number): void {
    if (t - pop.pulseSteps < 1) return;
    const { list, count } = this.history!.at(t - pop.pulseSteps);
    const end = pop.start + pop.size;
    for (let s = 0; s < count; s++) {
      const k = list[s];
      if (k >= pop.start && k < end) this.pulseOpen[k]--;
    }
  }

  private addSpike(i: number, t: number): void {
    if (this.nSpikes === this.spikes.length) {
      const grown = new Int32Array(this.spikes.length * 2);
      grown.set(this.spikes);
      this.spikes = grown;
    }
    this.spikes[this.nSpikes++] = i;
    const pop = this.popOf[i];
    this.recorder.spike(pop, i - this.net.populations[pop].start, t);
  }

  /** Highest-priority class first; in it, the largest V − 1 at or above threshold, lowest index on ties. */
  private selectCandidate(t: number, excludeSpiked: boolean): number {
    const { V, nextAllowed, spikedPrev } = this;
    for (const cls of this.priorityClasses) {
      let best = -1;
      let bestExcess = -Infinity;
      for (const pop of cls) {
        for (let i = pop.start; i < pop.start + pop.size; i++) {
          if (!(V[i] >= 1)) continue;
          if (excludeSpiked && (spikedPrev[i] || t < nextAllowed[i])) continue;
          const excess = this.fr(V[i] - 1);
          if (excess > bestExcess) {
            bestExcess = excess;
            best = i;
          }
        }
      }
      if (best >= 0) return best;
    }
    return -1;
  }

  private spikeOnePerStep(t: number): void {
    const k = this.selectCandidate(t, false);
    if (k < 0) return;
    this.addSpike(k, t);
    if (this.net.populations[this.popOf[k]].clampAtThreshold) this.V[k] = 1;
  }

  /**
   * Sequential rule (Calaim et al. 2022): spike the best candidate, apply its whole column W_·k
   * (diagonal and μ included) at once, repeat until nobody unspiked is at or above threshold.
   * `spikedPrev` doubles as "spiked in this step" here; the drive path never reads it.
   */
  private spikeSequential(t: number): void {
    const { fr, V, enc, dec, spikedPrev } = this;
    const { L, channels, populations } = this.net;
    for (let s = 0; s < this.nPrevSpikes; s++) spikedPrev[this.prevSpikes[s]] = 0;
    for (;;) {
      const k = this.selectCandidate(t, true);
      if (k < 0) break;
      spikedPrev[k] = 1;
      this.nextAllowed[k] = t + Math.max(populations[this.popOf[k]].refractorySteps, 1);
      this.addSpike(k, t);
      for (const pop of populations) {
        for (let i = pop.start; i < pop.start + pop.size; i++) {
          if (!pop.recurrence && i !== k) continue;
          let w = 0;
          for (let l = 0; l < L; l++) {
            const ch = channels[l];
            if (k >= ch.start && k < ch.start + ch.size)
              w = fr(w + fr(enc[i * L + l] * dec[l][k - ch.start]));
          }
          V[i] = fr(V[i] + w);
        }
      }
      V[k] = fr(V[k] - fr(populations[this.popOf[k]].mu));
    }
  }

  /** Delta synapses: ĝ = s, set for this step's spikes and cleared for the previous step's. */
  private updateDeltaTraces(): void {
    const { ghat, spikedPrev, prevSpikes, spikes, nSpikes } = this;
    const sequential = this.net.spikeRule === 'sequential';
    for (let s = 0; s < this.nPrevSpikes; s++) {
      ghat[prevSpikes[s]] = 0;
      if (!sequential) spikedPrev[prevSpikes[s]] = 0;
    }
    for (let s = 0; s < nSpikes; s++) {
      ghat[spikes[s]] = 1;
      if (!sequential) spikedPrev[spikes[s]] = 1;
    }
    if (this.prevSpikes.length < nSpikes) this.prevSpikes = new Int32Array(this.spikes.length);
    this.prevSpikes.set(spikes.subarray(0, nSpikes));
    this.nPrevSpikes = nSpikes;
  }

  /**
   * u_l = Σ_k d_{l,k}·ĝ_k[t]: the drive at t+1 and the increment of the readout filter,
   * y_l[t] = e^{−λ_r·dt}·y_l[t−1] + u_l (MODEL.md §6: the readout filters ĝ, so pulse synapses
   * spread a spike's jump over the pulse, as in the reference's fig12). With delta synapses ĝ is
   * nonzero only at this step's spikes, so the sum runs over them; under `all` it was accumulated
   * neuron by neuron in `integrate`.
   * Sequential kicks were applied within the step: they reach the readout but not V at t+1.
   */
  private project(): void {
    const { fr, u, y, dec, readoutValues, readoutW, uNext, readoutNext } = this;
    const { channels, readouts, readoutDecay, spikeRule } = this.net;
    const all = spikeRule === 'all';
    const decay = fr(readoutDecay);
    for (let l = 0; l < channels.length; l++) {
      const s = all ? uNext[l] : this.spikeSum(dec[l], channels[l].start, channels[l].size);
      u[l] = spikeRule === 'sequential' ? 0 : s;
      y[l] = fr(fr(decay * y[l]) + s);
    }
    for (let r = 0; r < readouts.length; r++) {
      const s = all ? readoutNext[r] : this.spikeSum(readoutW[r], readouts[r].start, readouts[r].size);
      readoutValues[r] = fr(fr(decay * readoutValues[r]) + s);
    }
  }

  /** Σ_k w_k·s_k over this step's spikes in one population (ĝ = s for delta synapses). */
  private spikeSum(w: Real, start: number, size: number): number {
    const { fr, spikes, nSpikes } = this;
    let s = 0;
    for (let q = 0; q < nSpikes; q++) {
      const k = spikes[q] - start;
      if (k >= 0 && k < size) s = fr(s + w[k]);
    }
    return s;
  }
}
