// The spike rules that select after integrating (MODEL.md §5), on delta synapses: `one-per-step`
// (the counterpart of stepDelta.wgsl + selectOne.wgsl) and `sequential` (stepDelta.wgsl +
// spikeSequential.wgsl). The kernels integrate whole populations; the rule then picks the spikes
// by priority class and excess over threshold (one O(N) pass per spike), sets the delta traces
// ĝ = s, and sums this step's projections over the spikes alone (ĝ is nonzero only there).

import { stateArray, type SnapshotValue } from '../snapshot.ts';
import type { Real } from './populationKernel.ts';
import type { SpikeRuleStep, SpikingState } from './spikingState.ts';

abstract class DeltaRule implements SpikeRuleStep {
  abstract readonly drivesNextStep: boolean;
  /** Neurons spiking in the current step, in order, and the previous step's. */
  protected spikes = new Int32Array(16);
  protected nSpikes = 0;
  protected prevSpikes = new Int32Array(16);
  protected nPrevSpikes = 0;

  constructor(protected readonly state: SpikingState) {}

  beforeIntegrate(): void {
    this.nSpikes = 0;
  }

  afterIntegrate(t: number): void {
    this.select(t);
    this.updateTraces();
    const { uNext, readoutNext, dec, readoutW, net } = this.state;
    const { channels, readouts } = net;
    for (let l = 0; l < channels.length; l++)
      uNext[l] = this.spikeSum(dec[l], channels[l].start, channels[l].size);
    for (let r = 0; r < readouts.length; r++) {
      readoutNext[r] = this.spikeSum(readoutW[r], readouts[r].start, readouts[r].size);
    }
  }

  /** Picks this step's spikes (addSpike), applying whatever the rule applies at once. */
  protected abstract select(t: number): void;

  /** Whether ĝ's update also keeps `spikedPrev` (the sequential rule keeps its own use of it). */
  protected abstract readonly tracksSpikedPrev: boolean;

  protected addSpike(i: number, t: number): void {
    if (this.nSpikes === this.spikes.length) {
      const grown = new Int32Array(this.spikes.length * 2);
      grown.set(this.spikes);
      this.spikes = grown;
    }
    this.spikes[this.nSpikes++] = i;
    const { popOf, recorder, net } = this.state;
    const pop = popOf[i];
    recorder.spike(pop, i - net.populations[pop].start, t);
  }

  /** Highest-priority class first; in it, the largest V − 1 at or above threshold, lowest index on ties. */
  protected selectCandidate(t: number, excludeSpiked: boolean): number {
    const { fr, V, nextAllowed, spikedPrev, features, net } = this.state;
    const { populations } = net;
    for (const cls of features.priorityClasses) {
      let best = -1;
      let bestExcess = -Infinity;
      for (const pi of cls) {
        const pop = populations[pi];
        for (let i = pop.start; i < pop.start + pop.size; i++) {
          if (!(V[i] >= 1)) continue;
          if (excludeSpiked && (spikedPrev[i] || t < nextAllowed[i])) continue;
          const excess = fr(V[i] - 1);
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

  /** Delta synapses: ĝ = s, set for this step's spikes and cleared for the previous step's. */
  private updateTraces(): void {
    const { ghat, spikedPrev } = this.state;
    const { prevSpikes, spikes, nSpikes, tracksSpikedPrev } = this;
    for (let s = 0; s < this.nPrevSpikes; s++) {
      ghat[prevSpikes[s]] = 0;
      if (tracksSpikedPrev) spikedPrev[prevSpikes[s]] = 0;
    }
    for (let s = 0; s < nSpikes; s++) {
      ghat[spikes[s]] = 1;
      if (tracksSpikedPrev) spikedPrev[spikes[s]] = 1;
    }
    if (this.prevSpikes.length < nSpikes) this.prevSpikes = new Int32Array(this.spikes.length);
    this.prevSpikes.set(spikes.subarray(0, nSpikes));
    this.nPrevSpikes = nSpikes;
  }

  /** Σ_k w_k·s_k over this step's spikes in one population (ĝ = s for delta synapses). */
  private spikeSum(w: Real, start: number, size: number): number {
    const { spikes, nSpikes } = this;
    const { fr } = this.state;
    let s = 0;
    for (let q = 0; q < nSpikes; q++) {
      const k = spikes[q] - start;
      if (k >= 0 && k < size) s = fr(s + w[k]);
    }
    return s;
  }

  /** The previous step's spikes (the pulse history is the `all` rule's, absent here). */
  save(): { [key: string]: SnapshotValue } {
    return {
      prevSpikes: this.prevSpikes.slice(0, this.nPrevSpikes),
      historyCounts: null,
      historyEvents: null,
    };
  }

  restore(saved: { [key: string]: SnapshotValue }): void {
    const prev = stateArray(saved.prevSpikes, Int32Array, 'prevSpikes');
    this.prevSpikes = new Int32Array(Math.max(16, prev.length));
    this.prevSpikes.set(prev);
    this.nPrevSpikes = prev.length;
  }
}

/** At most one spike per step: the best candidate, clamped to threshold if its population says so. */
export class OnePerStepRule extends DeltaRule {
  readonly drivesNextStep = true;
  protected readonly tracksSpikedPrev = true;

  protected select(t: number): void {
    const k = this.selectCandidate(t, false);
    if (k < 0) return;
    this.addSpike(k, t);
    const { V, popOf, features } = this.state;
    if (features.populations[popOf[k]].clampAtThreshold) V[k] = 1;
  }
}

/**
 * Sequential rule (Calaim et al. 2022): spike the best candidate, apply its whole column W_·k
 * (diagonal and μ included) at once, repeat until nobody unspiked is at or above threshold.
 * `spikedPrev` doubles as "spiked in this step" here; the drive path never reads it. The kicks
 * were applied within the step: they reach the readout but not V at t+1.
 */
export class SequentialRule extends DeltaRule {
  readonly drivesNextStep = false;
  protected readonly tracksSpikedPrev = false;

  protected select(t: number): void {
    const { fr, V, enc, dec, spikedPrev, nextAllowed, popOf, features, net } = this.state;
    const { L, channels, populations } = net;
    for (let s = 0; s < this.nPrevSpikes; s++) spikedPrev[this.prevSpikes[s]] = 0;
    for (;;) {
      const k = this.selectCandidate(t, true);
      if (k < 0) break;
      spikedPrev[k] = 1;
      nextAllowed[k] = t + features.populations[popOf[k]].waitSteps;
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
      V[k] = fr(V[k] - fr(populations[popOf[k]].mu));
    }
  }
}
