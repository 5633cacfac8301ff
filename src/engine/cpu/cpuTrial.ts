// One trial of a compiled network on the CPU, whichever the model: the one place that picks the
// spiking or the rate integrator, for the engine's own loop and for its trial workers alike.

import type { TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { SpikingTrial, type Precision } from './spikingTrial.ts';
import { RateTrial } from './rateTrial.ts';
import type { KernelTeam } from './kernelTeam.ts';
import type { SnapshotValue } from '../snapshot.ts';

export interface CpuTrial {
  /** Advances steps t0 … t1−1 (t0 ≥ 1). */
  run(t0: number, t1: number): void;
  /** The recordings so far (copies of the counts: the trial may go on). */
  result(): TrialResult;
  /** The latents and readouts after the last step simulated (RunOptions.input's latentsSoFar). */
  latest(): { latents: Float64Array; readouts: Float64Array };
  /** The whole state between steps (a checkpoint: snapshot.ts). */
  save(): { [key: string]: SnapshotValue };
  /** Puts back what save() gave, on a trial of the same network. */
  restore(saved: { [key: string]: SnapshotValue }): void;
}

/**
 * Trial `trial` of `net`, at step 0. Its noise is keyed by (seed, trial, neuron, step) alone
 * (MODEL.md §10), so a trial gives the same bits on whichever thread and in whatever order it runs.
 */
export function startTrial(
  net: CompiledNetwork,
  trial: number,
  precision: Precision,
  team: KernelTeam | null = null,
): CpuTrial {
  return net.model === 'spiking'
    ? new SpikingTrial(net, trial, precision, team)
    : new RateTrial(net, precision);
}

/** Steps per chunk of a trial: ~10⁶ neuron-updates, cheap to check between, short enough to react. */
export function ownChunkSteps(net: CompiledNetwork): number {
  return Math.max(1, Math.floor(1e6 / Math.max(1, net.N)));
}
