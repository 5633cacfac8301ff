/// <reference types="@webgpu/types" />
// A run on either WebGPU path: its plan and the walk over its batches. The plan is what a path's
// sizes() settle (RunCut: the buffers, the map-read staging at its largest, trials per batch, event
// slots and latent ring rows per trial), the binding and buffers made from it (resources.ts) and
// the kernel timer. The walk runs the trials not yet finished, a batch at a time: each is set up,
// gated and read back the same way (trialBatch.ts) and advanced by the path's loop, the one thing
// that differs:
//   perStepLoop.ts       any N, every rule: chunks of two kernels per step, pipelined two deep;
//   smallNetworkLoop.ts  networks that fit one workgroup under the delta rules or the rate model:
//                        a workgroup per trial, many steps per dispatch, each trial stopping and
//                        resuming on its own.

import type { KernelTime, TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import type { RunnerGate } from '../checkpoint.ts';
import { stateRecord, type EngineSnapshot } from '../snapshot.ts';
import type { InputFeed } from '../input.ts';
import type { GpuDevice } from './device.ts';
import type { GpuNetwork } from './gpuNetwork.ts';
import type { KernelSet, Pipelines } from './pipelines.ts';
import { KernelTimer } from './kernelTimer.ts';
import {
  createRunResources,
  planBindings,
  planResources,
  type BindingPlan,
  type RunResources,
  type RunSizes,
} from './resources.ts';
import { TrialBatch, type BatchSetting } from './trialBatch.ts';

/** How a path cuts a run (its sizes()): shared with WebGpuEngine.bindingError and plan.ts. */
export interface RunCut {
  sizes: RunSizes;
  /** Map-read staging at its largest, beside the buffers of `sizes`. */
  stagingBytes: number;
  /** Trials per batch. */
  batchSize: number;
  /** Event slots per trial per chunk or submit (0 when spikes are not recorded). */
  eventCapacity: number;
  /** Rows per trial of the latent record's ring (latentRecord.ts). */
  recordWindow: number;
}

/** The kernels a timed run times (KernelTime.kernel), and its command buffers in flight and passes per one. */
export interface TimerShape {
  kernels: readonly string[];
  slots: number;
  passesPerSlot: number;
}

/** A path's loop: advances a batch from where it starts until every trial has run step S − 1. */
export interface BatchLoop {
  advance(batch: TrialBatch): Promise<void>;
  /** Frees what the loop holds beside the plan's buffers. */
  destroy?(): void;
}

export class RunPlan implements BatchSetting {
  private freed = false;
  private loop: BatchLoop | null = null;

  private constructor(
    readonly gpu: GpuDevice,
    readonly net: CompiledNetwork,
    readonly gpuNet: GpuNetwork,
    readonly resources: RunResources,
    private readonly cut: RunCut,
    /** RunOptions.kernelTimes: the loop's passes are timed through it; null when not timed. */
    readonly timer: KernelTimer | null,
  ) {}

  /**
   * Binds and makes the buffers `cut` sizes, the timer when `timing` is given, and the path's loop
   * (`loopOf`, given the run's binding, its kernel set and this plan).
   */
  static async create(
    gpu: GpuDevice,
    pipelines: Pipelines,
    net: CompiledNetwork,
    gpuNet: GpuNetwork,
    cut: RunCut,
    timing: TimerShape | null,
    loopOf: (run: { binding: BindingPlan; kernels: KernelSet; plan: RunPlan }) => Promise<BatchLoop>,
  ): Promise<RunPlan> {
    const { device } = gpu;
    const { shape } = pipelines;
    const binding = planBindings(shape.limits, cut.sizes, shape.maxPartBytes);
    if (binding instanceof Error) throw binding;
    const kernels = await pipelines.kernels(binding);
    const resources = await createRunResources(
      device,
      kernels.layouts,
      planResources(cut.sizes, binding, shape.dispatch),
      gpuNet.consts,
    );
    const timer = timing && new KernelTimer(device, timing.kernels, timing.slots, timing.passesPerSlot);
    const plan = new RunPlan(gpu, net, gpuNet, resources, cut, timer);
    try {
      plan.loop = await loopOf({ binding, kernels, plan });
    } catch (err) {
      plan.destroy();
      throw err;
    }
    return plan;
  }

  get batchSize(): number {
    return this.cut.batchSize;
  }

  get eventCapacity(): number {
    return this.cut.eventCapacity;
  }

  get recordWindow(): number {
    return this.cut.recordWindow;
  }

  get destroyed(): boolean {
    return this.freed;
  }

  /** GPU time per kernel so far (TimerShape.kernels, in order), or null when not timed. */
  kernelTimes(): KernelTime[] | null {
    return this.timer?.times() ?? null;
  }

  destroy(): void {
    this.freed = true;
    this.resources.destroy();
    this.timer?.destroy();
    this.loop?.destroy?.();
  }

  /**
   * The trials of the run after those already in `finished`, a batch at a time, each batch's
   * results appended to `finished` as soon as they are read back, so that they survive a failure
   * of a later batch (webgpuEngine.ts then runs only the rest); progress and the gate's step counts
   * turned from the batch's into the run's, and its snapshots given the trials finished before it.
   * The batch starting at `resumeFrom`'s trial starts from its state. With closed-loop `input` (one
   * trial per batch), each span's drive rows are written as the feed gives them.
   */
  async run(
    finished: TrialResult[],
    progress: (done: number) => void,
    signal: AbortSignal | undefined,
    gate?: RunnerGate,
    resumeFrom?: EngineSnapshot,
    input?: InputFeed,
  ): Promise<void> {
    const { net, batchSize, loop } = this;
    for (let first = finished.length; first < net.trials; first += batchSize) {
      const trials = Math.min(batchSize, net.trials - first);
      const doneBefore = first * (net.S - 1);
      const batchGate: RunnerGate | undefined =
        gate &&
        ((trial, step, done, partial, snapshot) =>
          gate(trial, step, doneBefore + done, partial, async () => {
            const batch = await snapshot();
            return { ...batch, finished: finished.slice(), done: doneBefore + batch.done };
          }));
      const resume =
        resumeFrom && first === resumeFrom.trial ? stateRecord(resumeFrom.state.batch, 'batch') : null;
      const batch = new TrialBatch(
        this,
        first,
        trials,
        resume,
        (done) => progress(doneBefore + done),
        batchGate,
        input,
        signal,
      );
      await loop!.advance(batch);
      finished.push(...(await batch.results()));
    }
  }
}
