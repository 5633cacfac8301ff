/// <reference types="@webgpu/types" />
// One batch of trials on either path (runPlan.ts): everything the per-step and the small-network
// loops do the same way around their dispatches. Setting up: every trial's initial state and
// latent words (or a snapshot's), its latent record and the closed-loop feed, and the kernels'
// params. Between chunks or submits: the gate and the closed-loop input (checkIn), and the pulls
// of each trial's new spike events and latent samples (pull). Reading back: the first trial's
// recordings so far (a paused run's partial result), the batch's state (a snapshot) and, at the
// end, its trials' results.

import type { SpikeTrain, TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { abortError, cutToStep, type RunnerGate, type RunnerSnapshot } from '../checkpoint.ts';
import { stateArray, stateRecord, type SnapshotValue } from '../snapshot.ts';
import type { InputFeed } from '../input.ts';
import type { GpuDevice } from './device.ts';
import { initialLatent, initialState, type GpuNetwork, type RunScalar } from './gpuNetwork.ts';
import { packParams, type ScalarParams } from './layout.ts';
import { LatentRecord } from './latentRecord.ts';
import { readGroups, type BufferRange } from './readback.ts';
import type { RunResources } from './resources.ts';
import { eventTrains, joinEvents, joinedEvents, readCounts, spikeCounts } from './results.ts';
import { beginFeed, feedDrive } from './drive.ts';

/** A batch's state (a runner's snapshot), as a batch takes it back to resume. */
export type BatchState = { [key: string]: SnapshotValue };

/** One trial's spike events of one chunk or submit: (step, neuron) pairs. */
type EventChunk = { events: Uint32Array; count: number };

/** What a batch runs on: the run plan's network, device, buffers and how a batch records. */
export interface BatchSetting {
  readonly gpu: GpuDevice;
  readonly net: CompiledNetwork;
  readonly gpuNet: GpuNetwork;
  readonly resources: RunResources;
  /** Event slots per trial per chunk (per-step path) or submit (small-network path). */
  readonly eventCapacity: number;
  /** Rows per trial of the latent record's ring (latentRecord.ts). */
  readonly recordWindow: number;
  /** True once the run's buffers are freed: a late partial() or snapshot then rejects. */
  readonly destroyed: boolean;
}

/** The params a loop sets itself: how it dispatches, and `s`, where its kernel stops (default S). */
export type LoopParams = Pick<ScalarParams, 'workgroups' | 'steps_per_dispatch' | 'step_event_bound'> & {
  s?: number;
};

/** Reads nothing: the queue is already idle (the small-network path between submits). */
const idle = async () => {};

export class TrialBatch {
  /** Per trial: its spike events pulled so far, in order. */
  private readonly events: EventChunk[][];
  private readonly record: LatentRecord;

  /**
   * Writes the initial state and latent words of trials `first` … `first + trials − 1`, or, with
   * `resume` (a snapshot of this batch), its state, latent words and recordings; the loop reads its
   * own words of `resume` (its step counters). With closed-loop `input` the batch holds one trial.
   */
  constructor(
    private readonly setting: BatchSetting,
    readonly first: number,
    readonly trials: number,
    readonly resume: BatchState | null,
    /** Reports the batch's steps done (every trial's steps, summed). */
    readonly progress: (done: number) => void,
    private readonly gate: RunnerGate | undefined,
    private readonly input: InputFeed | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {
    const { net, gpuNet, resources: res } = setting;
    const { queue } = setting.gpu.device;
    const { K } = gpuNet;
    if (input && trials !== 1) throw new Error('WebGpuEngine: closed-loop input runs one trial per batch');
    this.record = new LatentRecord(net, gpuNet, trials, setting.recordWindow);
    if (resume) {
      res.state.write(0, stateArray(resume.state, Uint32Array, 'state', trials * gpuNet.stateWords));
      queue.writeBuffer(res.latent, 0, stateArray(resume.latent, Float32Array, 'latent', trials * 2 * K));
      this.events = joinedEvents(resume.events, trials);
      this.record.restore(stateRecord(resume.record, 'record'));
    } else {
      const state = initialState(net, gpuNet);
      const latent = initialLatent(net, gpuNet);
      for (let b = 0; b < trials; b++) {
        res.state.write(b * gpuNet.stateWords * 4, state);
        queue.writeBuffer(res.latent, b * 2 * K * 4, latent);
      }
      this.events = Array.from({ length: trials }, () => []);
    }
    if (input) beginFeed(input, first, res, net, gpuNet);
  }

  /** Writes the kernels' params: the network's, the batch's first trial and recording, the loop's. */
  writeParams(own: LoopParams): void {
    const { gpuNet, eventCapacity, recordWindow } = this.setting;
    const batch: Pick<ScalarParams, Exclude<RunScalar, keyof LoopParams>> = {
      trial: this.first,
      event_capacity: eventCapacity,
      record_spikes: eventCapacity > 0 ? 1 : 0,
      record_window: recordWindow,
    };
    this.setting.gpu.device.queue.writeBuffer(
      this.setting.resources.params,
      0,
      packParams({ ...gpuNet.scalars, ...own, ...batch }, gpuNet.populations),
    );
  }

  /** The step the drive rows reach: the closed-loop input given so far, else S (the whole run). */
  get drivenTo(): number {
    return this.input?.provided ?? this.setting.net.S;
  }

  /** Throws an AbortError once the run's signal is aborted. */
  stopIfAborted(): void {
    if (this.signal?.aborted) throw abortError();
  }

  /**
   * Before the batch runs on from step `step` (its first trial's last step run): the gate, then,
   * when step + 1 has no closed-loop input yet, the next span of it. `done` is the batch's steps
   * done, `own` the loop's words of the batch's state (its step counters), and `settle` waits until
   * the queue is idle (the per-step path's chunks in flight), which a read of state needs first.
   */
  async checkIn(
    step: number,
    done: number,
    own: () => BatchState,
    settle: () => Promise<void> = idle,
  ): Promise<void> {
    if (this.gate) {
      await this.gate(
        this.first,
        step,
        done,
        () => this.partial(step, settle),
        () => this.snapshot(done, own, settle),
      );
      this.stopIfAborted();
    }
    if (this.input && step + 1 >= this.input.provided) {
      // The next span's input follows the latents after `step`: every step up to it finished.
      await settle();
      const { gpu, resources, net, gpuNet } = this.setting;
      await feedDrive(this.input, step + 1, gpu, resources, net, gpuNet, this.signal);
      this.stopIfAborted();
    }
  }

  /**
   * The ranges of every trial's `counts[b]` new spike events in `source` (its event slots from
   * b·eventCapacity) and of the latent samples it wrote through step lastStep(b), and `store`,
   * which takes their bytes as read (readGroups' order). Pulls are stored in the order made.
   */
  pull(
    source: GPUBuffer,
    counts: readonly number[],
    lastStep: (trial: number) => number,
  ): { groups: BufferRange[][]; store(bytes: ArrayBuffer[]): void } {
    const capacity = this.setting.eventCapacity;
    const eventRanges = counts.map((count, b) => ({ source, offset: b * capacity * 8, size: count * 8 }));
    const samples = this.record.pull(this.setting.resources.latentRecord, lastStep);
    const store = ([eventBytes, sampleBytes]: ArrayBuffer[]) => {
      const gathered = new Uint32Array(eventBytes);
      let at = 0;
      counts.forEach((count, b) => {
        if (count > 0) this.events[b].push({ events: gathered.subarray(at, at + 2 * count), count });
        at += 2 * count;
      });
      samples.store(new Float32Array(sampleBytes));
    };
    return { groups: [eventRanges, samples.ranges], store };
  }

  /** Trial b's spike trains so far (under `all` a step's events arrive in atomic order: sorted). */
  private trains(b: number): SpikeTrain[] | null {
    const { net } = this.setting;
    return net.record.spikes ? eventTrains(net, this.events[b], net.spikeRule === 'all') : null;
  }

  /** The first trial's recordings up to `step`, read once the queue is idle (a paused run). */
  private async partial(step: number, settle: () => Promise<void>): Promise<TrialResult> {
    if (this.setting.destroyed) throw abortError();
    await settle();
    const { gpu, net, gpuNet, resources } = this.setting;
    const trialSoFar: TrialResult = {
      spikeCounts: await readCounts(gpu.device, net, gpuNet, resources.state),
      spikes: this.trains(0),
      ...this.record.series(0),
    };
    return cutToStep(trialSoFar, step, net.record.every);
  }

  /**
   * The batch once the queue is idle: the loop's step counters (`own`), every trial's state and
   * latent words, and the events and samples pulled so far (the ring holds none then). Partials
   * are rewritten within every step before they are read: they are no state between steps.
   */
  private async snapshot(
    done: number,
    own: () => BatchState,
    settle: () => Promise<void>,
  ): Promise<RunnerSnapshot> {
    if (this.setting.destroyed) throw abortError();
    await settle();
    const { gpu, gpuNet, resources: res } = this.setting;
    const [stateBytes, latentBytes] = await readGroups(gpu.device, [
      res.state.ranges(0, this.trials * gpuNet.stateWords * 4),
      [{ source: res.latent, offset: 0, size: this.trials * 2 * gpuNet.K * 4 }],
    ]);
    gpu.throwIfFailed();
    const batch = {
      ...own(),
      state: new Uint32Array(stateBytes),
      latent: new Float32Array(latentBytes),
      events: this.events.map(joinEvents),
      record: this.record.save(),
    };
    return { finished: [], trial: this.first, done, state: { batch } };
  }

  /** Every trial's result, once the loop has run it to its last step and the queue is idle. */
  async results(): Promise<TrialResult[]> {
    const { gpu, net, gpuNet, resources: res } = this.setting;
    const trialBytes = gpuNet.stateWords * 4;
    const counts = await readGroups(
      gpu.device,
      Array.from({ length: this.trials }, (_, b) =>
        res.state.ranges(b * trialBytes + gpuNet.scalars.st_count * 4, net.N * 4),
      ),
    );
    gpu.throwIfFailed();
    return Array.from({ length: this.trials }, (_, b) => ({
      spikeCounts: spikeCounts(net, new Uint32Array(counts[b])),
      spikes: this.trains(b),
      ...this.record.series(b),
    }));
  }
}
