// The `all` spike rule on the CPU (MODEL.md §5: every neuron at or above threshold and not
// refractory spikes), the counterpart of stepAll.wgsl + latents.wgsl: the generated kernels spike,
// update the traces and sum each slice's share of the next projections in the integration pass
// itself (populationKernel.ts); this rule closes the pulses that end before the step and, after it,
// adds the slices' sums in slice order and walks their spikes (ascending neuron index) into the
// record and the pulse history.

import { stateArray, stateInt, type SnapshotValue } from '../snapshot.ts';
import type { SpikeRuleStep, SpikingState } from './spikingState.ts';

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

export class AllRule implements SpikeRuleStep {
  readonly drivesNextStep = true;
  /** A pulse still open at the last step never needs its start again (stepModel.ts's pulseDepth). */
  private readonly history: SpikeHistory | null;
  /** Populations with pulse synapses. */
  private readonly pulsePopulations: number[];

  constructor(private readonly state: SpikingState) {
    const { pulseDepth, populations } = state.features;
    this.history = pulseDepth > 0 ? new SpikeHistory(pulseDepth + 1) : null;
    this.pulsePopulations = populations.flatMap((p, pi) => (p.synapse === 'pulse' ? [pi] : []));
  }

  /** Pulses opened at t − pwsteps close now (they covered samples t−pw … t−1). */
  beforeIntegrate(t: number): void {
    const { history, state } = this;
    history?.clear(t);
    for (const pi of this.pulsePopulations) {
      const pop = state.net.populations[pi];
      if (t - pop.pulseSteps < 1) continue;
      const { list, count } = history!.at(t - pop.pulseSteps);
      const end = pop.start + pop.size;
      for (let s = 0; s < count; s++) {
        const k = list[s];
        if (k >= pop.start && k < end) state.pulseOpen[k]--;
      }
    }
  }

  /**
   * Next step's projections are the slices' sums added in slice order; their spikes, in the same
   * order, are recorded and kept for pulse expiry (the kernels counted them).
   */
  afterIntegrate(t: number): void {
    const { history } = this;
    const { fr, uNext, readoutNext, popOf, recorder, features, net } = this.state;
    const { slices, uPart, rPart, counts, spikes } = this.state.job;
    const L = uNext.length;
    const R = readoutNext.length;
    uNext.fill(0);
    readoutNext.fill(0);
    const walk = recorder.recordsEvents || history !== null;
    for (let q = 0; q < slices.length; q++) {
      const { pop, start } = slices[q];
      const { channels, readouts } = features.populations[pop];
      for (const l of channels) uNext[l] = fr(uNext[l] + uPart[q * L + l]);
      for (const r of readouts) readoutNext[r] = fr(readoutNext[r] + rPart[q * R + r]);
      for (let n = 0; walk && n < counts[q]; n++) {
        const i = spikes[start + n];
        recorder.spike(popOf[i], i - net.populations[popOf[i]].start, t);
        history?.push(t, i);
      }
    }
  }

  /** The pulse history (`prevSpikes` is the delta rules' and stays empty here). */
  save(): { [key: string]: SnapshotValue } {
    const history = this.history?.save();
    return {
      prevSpikes: new Int32Array(0),
      historyCounts: history?.counts ?? null,
      historyEvents: history?.events ?? null,
    };
  }

  restore(saved: { [key: string]: SnapshotValue }): void {
    if (!this.history) return;
    const counts = stateArray(saved.historyCounts, Int32Array, 'historyCounts', this.history.depth);
    const events = stateArray(saved.historyEvents, Int32Array, 'historyEvents');
    let total = 0;
    counts.forEach((c, s) => (total += stateInt(c, `historyCounts[${s}]`, 0, this.state.net.N)));
    stateArray(events, Int32Array, 'historyEvents', total);
    this.history.restore(counts, events);
  }
}
