// One trial of the spiking model on the CPU: the reference every other backend is tested against.
// Phases per step t ≥ 1, in the order of MODEL.md §3 (the WGSL kernels follow the same list):
//   1. command input c = x[t−1] + (x[t] − x[t−1])/(λ·dt), per population
//   2. recurrent drive R_i = Σ_l e_{i,l}·u_l − ownSyn_i·ĝ_i[t−1] + fastSelf_i·s_i[t−1]
//      with u_l = Σ_k d_{l,k}·ĝ_k[t−1] projected at the end of the previous step (never W = E·D)
//   3. V += λ·dt·((−V + F·c + b + I_ext[t−1]) + R/(λ·dt)) + √(2λdt)·σ·ξ   (the reference's rounding)
//   4. spikes by the network's rule (§5), then synaptic traces (§6), then the projection for t+1
//      and the latent readout y_l[t] = e^{−λ_r·dt}·y_l[t−1] + Σ_k d_{l,k}·ĝ_k[t].
// A trial is its state (spikingState.ts: the arrays, phases 1–3 and the projection) and one
// strategy for its rule, as the WebGPU engine pairs its kernels: AllRule (allRule.ts, spikes in the
// integration pass), OnePerStepRule and SequentialRule (deltaRules.ts, selection after it). Cost
// per step is O(N·L): the one-per-step and sequential rules add one O(N) selection pass per spike.

import type { CompiledNetwork } from '../../model/compile.ts';
import { networkFeatures } from '../../model/stepModel.ts';
import type { KernelTeam } from './kernelTeam.ts';
import type { SnapshotValue } from '../snapshot.ts';
import { SpikingState, type Precision, type SpikeRuleStep } from './spikingState.ts';
import { AllRule } from './allRule.ts';
import { OnePerStepRule, SequentialRule } from './deltaRules.ts';

export type { Precision } from './spikingState.ts';

export class SpikingTrial {
  private readonly state: SpikingState;
  private readonly rule: SpikeRuleStep;

  /**
   * With a `team`, the `all` rule's slices are shared out to worker threads: the state then lives
   * on SharedArrayBuffers, read-only parameters included.
   */
  constructor(net: CompiledNetwork, trial: number, precision: Precision, team: KernelTeam | null = null) {
    const features = networkFeatures(net);
    this.state = new SpikingState(net, features, trial, precision, team);
    this.rule =
      features.rule === 'all'
        ? new AllRule(this.state)
        : features.rule === 'sequential'
          ? new SequentialRule(this.state)
          : new OnePerStepRule(this.state);
  }

  /** Advances steps t0 … t1−1 (t0 ≥ 1). */
  run(t0: number, t1: number): void {
    const { state, rule } = this;
    for (let t = t0; t < t1; t++) {
      rule.beforeIntegrate(t);
      state.integrate(t);
      rule.afterIntegrate(t);
      state.project(t, rule.drivesNextStep);
    }
  }

  result() {
    return this.state.recorder.result();
  }

  /** The latents and readouts after the last step simulated. */
  latest(): { latents: Float64Array; readouts: Float64Array } {
    return {
      latents: Float64Array.from(this.state.y),
      readouts: Float64Array.from(this.state.readoutValues),
    };
  }

  /**
   * The trial's whole state between two steps, recordings included (engine snapshots,
   * snapshot.ts). The noise needs none: it is keyed by (seed, trial, step, neuron).
   */
  save(): { [key: string]: SnapshotValue } {
    return { ...this.state.save(), ...this.rule.save() };
  }

  /** Takes back what save() gave, into this trial's arrays (shared with worker threads, if any). */
  restore(saved: { [key: string]: SnapshotValue }): void {
    this.state.restore(saved);
    this.rule.restore(saved);
  }
}
