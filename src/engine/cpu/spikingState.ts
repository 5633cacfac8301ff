// The state of one spiking trial on the CPU and the parts of a step every spike rule shares: the
// per-neuron arrays the generated kernels read and write (populationKernel.ts), phase 1 (command
// input and external current into the kernels' step data), phases 1–3 by slice (slices.ts, on
// worker threads with a team), and the projection at the end of the step,
//   u_l = s_l (the drive at t+1),  y_l[t] = e^{−λ_r·dt}·y_l[t−1] + s_l,  s_l = Σ_k d_{l,k}·ĝ_k[t],
// from the sums s the rule left in uNext and readoutNext (MODEL.md §6: the readout filters ĝ, so
// pulse synapses spread a spike's jump over the pulse, as in the reference's fig12). What differs
// between the rules (spike selection, traces, how s is summed) is a SpikeRuleStep (allRule.ts,
// deltaRules.ts). `fr` is identity in float64 mode and Math.fround in float32 mode, applied after
// every arithmetic operation so that mode mirrors what a GPU computes in f32.

import type { CompiledNetwork } from '../../model/compile.ts';
import { commandInput, initialReadout, type NetworkFeatures } from '../../model/stepModel.ts';
import { TrialRecorder } from './recorder.ts';
import type { KernelShape, Real } from './populationKernel.ts';
import { SliceRunner, sliceNetwork, stepDataLayout, type SliceJob } from './slices.ts';
import type { KernelTeam } from './kernelTeam.ts';
import { restoreInto, stateRecord, type SnapshotValue } from '../snapshot.ts';

export type Precision = 'f64' | 'f32';

/** What one spike rule (MODEL.md §5) adds to a step: the CPU side of the GPU's kernel pairs. */
export interface SpikeRuleStep {
  /** Whether this step's projection drives V at t+1 (sequential kicks were applied within it). */
  readonly drivesNextStep: boolean;
  /** Before the kernels integrate step t. */
  beforeIntegrate(t: number): void;
  /** After they did: spikes, traces, and this step's sums s in state.uNext and state.readoutNext. */
  afterIntegrate(t: number): void;
  /** The rule's own state between two steps (engine snapshots). */
  save(): { [key: string]: SnapshotValue };
  restore(saved: { [key: string]: SnapshotValue }): void;
}

const identity = (v: number): number => v;

export class SpikingState {
  readonly fr: (v: number) => number;
  readonly V: Real;
  /** ĝ_k[t−1], the synaptic activation as it enters the drive (dt·g for exponential synapses). */
  readonly ghat: Real;
  /** Exponential synapses: g itself (ĝ = dt·g). */
  readonly gExp: Real;
  /** Pulse synapses: number of pulses currently open per neuron. */
  readonly pulseOpen: Int32Array;
  readonly spikedPrev: Uint8Array;
  readonly nextAllowed: Int32Array;
  /** Drive projection u (from ĝ[t−1]). */
  readonly u: Real;
  /** The projections of this step's ĝ, left by the rule: channels, then report-only readouts. */
  readonly uNext: Real;
  readonly readoutNext: Real;
  readonly y: Real;
  readonly readoutValues: Real;
  readonly selfW: Real;
  readonly bias: Real;
  readonly F: Real;
  readonly enc: Real;
  readonly dec: Real[];
  readonly readoutW: Real[];
  /** `all` rule: spikes per neuron, counted by the kernels (TrialRecorder reads them). */
  readonly spikeCount: Int32Array;
  /** Population of each neuron. */
  readonly popOf: Int32Array;
  readonly recorder: TrialRecorder;
  /** Phases 1–3 (and 4 under `all`) of every neuron: the kernels, run by slice (slices.ts). */
  readonly job: SliceJob;
  private readonly integrator: { runStep(): void };
  private readonly stepLayout: ReturnType<typeof stepDataLayout>;

  /**
   * With a `team`, the `all` rule's slices are shared out to worker threads: the state then lives
   * on SharedArrayBuffers, read-only parameters included.
   */
  constructor(
    readonly net: CompiledNetwork,
    readonly features: NetworkFeatures,
    trial: number,
    precision: Precision,
    team: KernelTeam | null,
  ) {
    const { N, L } = net;
    const f32 = precision === 'f32';
    const all = features.rule === 'all';
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
    this.gExp = real(features.synapses.exponential ? N : 0);
    this.pulseOpen = new Int32Array(buffer(4 * (features.synapses.pulse ? N : 0)));
    this.spikedPrev = new Uint8Array(buffer(N));
    this.nextAllowed = new Int32Array(buffer(4 * N)).fill(features.firstSpikeStep);
    this.u = real(L);
    this.uNext = real(L);
    this.readoutNext = real(net.readouts.length);
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
    // Under `all` the kernels count their spikes (the other rules count as they select).
    this.spikeCount = new Int32Array(buffer(4 * (all ? N : 0)));
    this.recorder = new TrialRecorder(net, all ? this.spikeCount : null);
    const fr = this.fr;
    const shapes: KernelShape[] = features.populations.map((p) => ({
      f32,
      J: net.J,
      L: net.L,
      fire: all,
      synapse: p.synapse,
      noisy: p.noisy,
      recurrence: p.recurrence,
      fastReset: p.fastReset,
      uniformEncoders: p.uniformEncoders[precision],
      sequential: features.rule === 'sequential',
      channels: p.channels,
      readouts: p.readouts,
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
      scalars: net.populations.map((p, pi) => ({
        start: p.start,
        end: p.start + p.size,
        origin: p.start,
        dtl: fr(p.dtLeak),
        current: 0,
        noiseScale: fr(p.noiseScale),
        mu: fr(p.mu),
        wait: features.populations[pi].waitSteps,
        invPw: fr(features.populations[pi].invPulse),
        decayDt: fr(p.synapseDecayDt),
        rate: fr(p.synapseRate),
        dt: fr(net.dt),
      })),
      arrays: this.arrays(),
      slices,
      // Under `all` the kernels list their spikes here, slice q from its first neuron on.
      spikes: new Int32Array(buffer(4 * (all ? N : 0))),
      counts: new Int32Array(buffer(4 * slices.length)),
      uPart: real(slices.length * L),
      rPart: real(slices.length * net.readouts.length),
      stepData: new Float64Array(buffer(8 * this.stepLayout.length)),
    };
    this.integrator = shared ? team.begin(this.job) : new SliceRunner(this.job);
    const y0 = initialReadout(net, fr);
    if (y0) {
      this.y.set(y0.subarray(0, L));
      this.readoutValues.set(y0.subarray(L));
    }
    this.recorder.sample(0, this.y, this.readoutValues);
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

  /**
   * Phase 1 for every population into the kernels' step data (t, the command input c and the
   * external current), then phases 1–3 (and 4 under `all`) of every neuron.
   */
  integrate(t: number): void {
    const { fr, job, net } = this;
    const data = job.stepData;
    const layout = this.stepLayout;
    data[0] = t;
    net.populations.forEach((pop, pi) => {
      const dtl = job.scalars[pi].dtl;
      for (let j = 0; j < net.J; j++) data[layout.command(pi) + j] = commandInput(net, t, j, dtl, fr);
      data[layout.current(pi)] = pop.current ? fr(pop.current[t - 1]) : 0;
    });
    this.integrator.runStep();
  }

  /** The projection of this step's sums (header), then the latent record's sample t. */
  project(t: number, drivesNextStep: boolean): void {
    const { fr, u, y, readoutValues, uNext, readoutNext } = this;
    const decay = fr(this.net.readoutDecay);
    for (let l = 0; l < y.length; l++) {
      const s = uNext[l];
      u[l] = drivesNextStep ? s : 0;
      y[l] = fr(fr(decay * y[l]) + s);
    }
    for (let r = 0; r < readoutValues.length; r++) {
      readoutValues[r] = fr(fr(decay * readoutValues[r]) + readoutNext[r]);
    }
    this.recorder.sample(t, y, readoutValues);
  }

  /** The arrays and recordings between two steps (engine snapshots, snapshot.ts). */
  save(): { [key: string]: SnapshotValue } {
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
      recorder: this.recorder.save(),
    };
  }

  /** Takes back what save() gave, into these arrays (shared with worker threads, if any). */
  restore(saved: { [key: string]: SnapshotValue }): void {
    const { V, ghat, gExp, pulseOpen, spikedPrev, nextAllowed, u, y, readoutValues, spikeCount } = this;
    const arrays = { V, ghat, gExp, pulseOpen, spikedPrev, nextAllowed, u, y, readoutValues, spikeCount };
    for (const [name, target] of Object.entries(arrays)) restoreInto(target, saved[name], name);
    this.recorder.restore(stateRecord(saved.recorder, 'recorder'));
  }
}
