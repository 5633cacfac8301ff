// Growable spike-event buffers and strided latent traces for one trial. Kept apart from the
// integrator so the hot loop only appends integers.

import type { SpikeTrain, TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { stateArray, type SnapshotValue } from '../snapshot.ts';

class IntList {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
  /** Replaces the contents with `values`. */
  restore(values: Int32Array): void {
    this.data = new Int32Array(Math.max(1024, values.length));
    this.data.set(values);
    this.length = values.length;
  }
}

export class TrialRecorder {
  readonly spikeCounts: Int32Array[];
  private readonly steps: IntList[] | null;
  private readonly neurons: IntList[] | null;
  private readonly latents: Float64Array[] | null;
  private readonly readouts: Float64Array[] | null;
  private readonly every: number;

  /**
   * `counts`: the network's spike counts by global neuron index, when the kernels count spikes
   * themselves (the `all` rule, where that work is shared by every thread); spike() then only
   * records events, and spikeCounts are views of it.
   */
  constructor(
    net: CompiledNetwork,
    private readonly counts: Int32Array | null = null,
  ) {
    const { record, populations } = net;
    this.every = record.every;
    this.spikeCounts = populations.map((p) =>
      counts ? counts.subarray(p.start, p.start + p.size) : new Int32Array(p.size),
    );
    this.steps = record.spikes ? populations.map(() => new IntList()) : null;
    this.neurons = record.spikes ? populations.map(() => new IntList()) : null;
    const samples = Math.floor((net.S - 1) / record.every) + 1;
    this.latents = record.latents ? net.channels.map(() => new Float64Array(samples)) : null;
    this.readouts = record.latents ? net.readouts.map(() => new Float64Array(samples)) : null;
  }

  /** Whether spike events are kept (otherwise only counts). */
  get recordsEvents(): boolean {
    return this.steps !== null;
  }

  spike(pop: number, neuron: number, step: number): void {
    if (!this.counts) this.spikeCounts[pop][neuron]++;
    if (this.steps) {
      this.steps[pop].push(step);
      this.neurons![pop].push(neuron);
    }
  }

  /** Stores y and the report-only readouts when t is on the recording grid. */
  sample(t: number, y: ArrayLike<number>, readouts: ArrayLike<number>): void {
    if (!this.latents || t % this.every !== 0) return;
    const k = t / this.every;
    for (let l = 0; l < this.latents.length; l++) this.latents[l][k] = y[l];
    for (let r = 0; r < this.readouts!.length; r++) this.readouts![r][k] = readouts[r];
  }

  /** Everything recorded so far (engine snapshots, snapshot.ts); restore() takes it back. */
  save(): { [key: string]: SnapshotValue } {
    return {
      spikeCounts: this.counts ? null : this.spikeCounts.map((c) => c.slice()),
      steps: this.steps && this.steps.map((s) => s.toArray()),
      neurons: this.neurons && this.neurons.map((s) => s.toArray()),
      latents: this.latents && this.latents.map((s) => s.slice()),
      readouts: this.readouts && this.readouts.map((s) => s.slice()),
    };
  }

  restore(saved: { [key: string]: SnapshotValue }): void {
    const list = (name: string) => {
      const value = saved[name];
      return Array.isArray(value) ? value : [];
    };
    if (!this.counts) {
      this.spikeCounts.forEach((c, p) =>
        c.set(stateArray(list('spikeCounts')[p], Int32Array, `spikeCounts[${p}]`, c.length)),
      );
    }
    this.steps?.forEach((s, p) => s.restore(stateArray(list('steps')[p], Int32Array, `steps[${p}]`)));
    this.neurons?.forEach((s, p) => {
      s.restore(stateArray(list('neurons')[p], Int32Array, `neurons[${p}]`, this.steps![p].length));
    });
    this.latents?.forEach((s, l) =>
      s.set(stateArray(list('latents')[l], Float64Array, `latents[${l}]`, s.length)),
    );
    this.readouts?.forEach((s, r) =>
      s.set(stateArray(list('readouts')[r], Float64Array, `readouts[${r}]`, s.length)),
    );
  }

  result(): TrialResult {
    const spikes: SpikeTrain[] | null = this.steps
      ? this.steps.map((s, p) => ({ step: s.toArray(), neuron: this.neurons![p].toArray() }))
      : null;
    // Copies: a result outlives the trial, and may be taken mid-run (a paused run's partial result).
    const spikeCounts = this.spikeCounts.map((c) => c.slice());
    return { spikeCounts, spikes, latents: this.latents, readouts: this.readouts };
  }
}
