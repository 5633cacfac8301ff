/// <reference types="@webgpu/types" />
// The small-network path's loop (runPlan.ts), for networks that fit one workgroup
// (smallNetwork.wgsl): a batch of trials runs as one workgroup per trial, each dispatch advancing
// every trial by up to STEPS_PER_DISPATCH steps, so e.g. figS2's 1000 trials of 50 neurons are one
// GPU job instead of 1000 × 7500 × 2 dispatches. Between submits only the trials' (t, event count)
// words, their new events and the latent samples they wrote (from a ring of one submit's rows,
// latentRecord.ts) come back; spike counts are pulled once per batch (trialBatch.ts).
//
// Each trial has its own event slots per submit; a trial whose slots could overflow within the next
// step stops early, and the next submit resumes it from its own step counter, so a burst of spikes
// costs an extra submit, never a lost event.

import type { CompiledNetwork } from '../../model/compile.ts';
import { stateArray, stateInt } from '../snapshot.ts';
import type { GpuDevice } from './device.ts';
import { runDims, type GpuNetwork, type RunDims } from './gpuNetwork.ts';
import { fitsOneWorkgroup, smallLanes, type KernelShape, type Pipelines } from './pipelines.ts';
import { LatentRecord } from './latentRecord.ts';
import { readBuffer, readGroups } from './readback.ts';
import { onePass } from './kernelTimer.ts';
import { BATCH_BYTES, stateCapacity, type RunSizes } from './resources.ts';
import { RunPlan, type BatchLoop } from './runPlan.ts';
import type { TrialBatch } from './trialBatch.ts';

/** Steps one dispatch runs per trial: keeps a single dispatch short on a real GPU's watchdog. */
const STEPS_PER_DISPATCH = 256;
/**
 * Lane-steps (trials × lanes × steps) per submit: how often the host checks in for progress,
 * cancellation and events — a few seconds on a software adapter, milliseconds on a GPU.
 */
const LANE_STEPS_PER_SUBMIT = 1 << 23;
/** Event slots per trial per submit (at least one step's worth). */
const EVENT_SLOTS_PER_TRIAL = 4096;

/**
 * Steps per dispatch: STEPS_PER_DISPATCH, or under RunOptions.chunkSteps its largest divisor up to
 * STEPS_PER_DISPATCH, so that a submit of whole dispatches is exactly one chunk.
 */
function stepsPerDispatch(chunkSteps: number | undefined): number {
  if (chunkSteps === undefined) return STEPS_PER_DISPATCH;
  for (let d = Math.min(STEPS_PER_DISPATCH, chunkSteps); d > 1; d--) if (chunkSteps % d === 0) return d;
  return 1;
}

/**
 * Dispatches per submit for `lanes` lanes (trials × lanes per trial): LANE_STEPS_PER_SUBMIT lane-steps,
 * and no more than RunOptions.chunkSteps steps.
 */
function dispatchesPerSubmit(lanes: number, perDispatch: number, chunkSteps: number | undefined): number {
  return Math.min(
    Math.max(1, Math.floor(LANE_STEPS_PER_SUBMIT / (lanes * perDispatch))),
    Math.max(1, Math.floor((chunkSteps ?? Infinity) / perDispatch)),
  );
}

/** The small-network kernel runs every model and rule but the `all` rule. */
function batchable(net: Pick<CompiledNetwork, 'model' | 'spikeRule'>): boolean {
  return net.model === 'rate' || net.spikeRule !== 'all';
}

/**
 * The small-network kernel's lanes per trial when a network of these dimensions takes the batched
 * path, else null: it must be batchable and fit one workgroup, and `batchSmallNetworks` (default
 * true) not turned off; `batchLanes` (WebGpuEngineOptions) overrides the adapter's choice.
 */
export function smallNetworkLanes(
  shape: KernelShape,
  dims: Pick<RunDims, 'N' | 'model' | 'spikeRule'>,
  options: { batchSmallNetworks?: boolean; batchLanes?: number } = {},
): number | null {
  if (options.batchSmallNetworks === false || !batchable(dims) || !fitsOneWorkgroup(shape, dims.N))
    return null;
  return options.batchLanes ?? smallLanes(shape, dims.N);
}

/**
 * How the small-network path cuts a run of these dimensions, with `workgroupSize` lanes per trial
 * (the buffers it allocates, shared with WebGpuEngine.bindingError and plan.ts); `maxTrials` caps
 * the trials per batch.
 */
export function smallNetworkSizes(
  shape: KernelShape,
  dims: RunDims,
  workgroupSize: number,
  options: { chunkSteps?: number; maxTrials?: number } = {},
) {
  const { chunkSteps, maxTrials } = options;
  const recordSpikes = dims.record.spikes && dims.model === 'spiking';
  const stepEventBound = recordSpikes ? (dims.spikeRule === 'one-per-step' ? 1 : dims.N) : 0;
  const eventCapacity = recordSpikes ? Math.max(stepEventBound, Math.min(EVENT_SLOTS_PER_TRIAL, dims.S)) : 0;
  // Samples are pulled after every submit; one trial alone runs the most steps in a submit.
  const perDispatch = stepsPerDispatch(chunkSteps);
  const recordWindow = LatentRecord.window(
    dims,
    dims,
    dispatchesPerSubmit(workgroupSize, perDispatch, chunkSteps) * perDispatch,
  );
  const stateBytes = dims.stateWords * 4;
  const perTrial = stateBytes + 4 * (2 * dims.K + recordWindow * dims.K) + 8 * eventCapacity;
  const batchSize = Math.max(
    1,
    Math.min(
      dims.trials,
      maxTrials ?? Infinity,
      Math.floor(BATCH_BYTES / perTrial),
      Math.floor(stateCapacity(shape.limits, shape.maxPartBytes) / stateBytes),
    ),
  );
  const sizes: RunSizes = {
    constsBytes: dims.constsBytes,
    stateBytes: batchSize * stateBytes,
    latentBytes: batchSize * 2 * dims.K * 4,
    partialsBytes: 4,
    trials: batchSize,
    eventsBytes: batchSize * eventCapacity * 8,
    latentRecordBytes: batchSize * recordWindow * dims.K * 4,
    // One workgroup per trial, for a full batch and the last one.
    dispatches: [batchSize, dims.trials % batchSize || batchSize],
  };
  // Map-read staging at its largest, one read at a time (readback.ts): a submit's control words,
  // its events and samples, or the batch's spike counts at its end.
  const stagingBytes = batchSize * Math.max(8, eventCapacity * 8 + recordWindow * dims.K * 4, dims.N * 4);
  return {
    sizes,
    stagingBytes,
    batchSize,
    eventCapacity,
    stepEventBound,
    recordWindow,
    stepsPerDispatch: perDispatch,
  };
}

/** How the small-network path cuts a run (smallNetworkSizes). */
type SmallNetworkCut = ReturnType<typeof smallNetworkSizes>;

/** A run of `net` on the small-network path, with `workgroupSize` lanes per trial. */
export function smallNetworkRun(
  gpu: GpuDevice,
  pipelines: Pipelines,
  net: CompiledNetwork,
  gpuNet: GpuNetwork,
  workgroupSize: number,
  options: { chunkSteps?: number; maxTrials?: number; kernelTimes?: boolean } = {},
): Promise<RunPlan> {
  const cut = smallNetworkSizes(pipelines.shape, runDims(net, gpuNet), workgroupSize, options);
  // One submit at a time, its dispatches in one pass: the kernel is alone in it.
  const timing = options.kernelTimes ? { kernels: ['smallNetwork'], slots: 1, passesPerSlot: 1 } : null;
  return RunPlan.create(gpu, pipelines, net, gpuNet, cut, timing, async ({ binding, plan }) => {
    const pipeline = await pipelines.smallNetwork(workgroupSize, binding);
    return new SmallNetworkLoop(plan, pipeline, cut, workgroupSize, options.chunkSteps);
  });
}

class SmallNetworkLoop implements BatchLoop {
  constructor(
    private readonly plan: RunPlan,
    private readonly pipeline: GPUComputePipeline,
    private readonly cut: SmallNetworkCut,
    private readonly workgroupSize: number,
    /** RunOptions.chunkSteps: at most this many steps per submit. */
    private readonly chunkSteps: number | undefined,
  ) {}

  async advance(batch: TrialBatch): Promise<void> {
    const { net, resources: res, timer } = this.plan;
    const { device } = this.plan.gpu;
    const { queue } = device;
    const { trials } = batch;
    const { stepsPerDispatch: perDispatch, stepEventBound } = this.cut;
    // The kernel stops every trial at params.s: the run's end, or where the input given so far ends.
    const writeParams = (s: number) =>
      batch.writeParams({
        s,
        workgroups: trials,
        steps_per_dispatch: perDispatch,
        step_event_bound: stepEventBound,
      });
    let stopWritten = net.S;
    writeParams(stopWritten);
    // (t, events) per trial, as control[b] holds them: every trial at step 1 with no events, or a
    // snapshot's step counters.
    const control = new Uint32Array(2 * trials);
    for (let b = 0; b < trials; b++) control[2 * b] = 1;
    if (batch.resume) {
      const saved = stateArray(batch.resume.control, Uint32Array, 'control', 2 * trials);
      saved.forEach((word, i) => (control[i] = i % 2 === 0 ? stateInt(word, `control[${i}]`, 1, net.S) : 0));
    }
    queue.writeBuffer(res.control, 0, control);
    const stepsDone = () => {
      let done = 0;
      for (let b = 0; b < trials; b++) done += control[2 * b] - 1;
      return done;
    };

    const perSubmit = dispatchesPerSubmit(trials * this.workgroupSize, perDispatch, this.chunkSteps);
    for (;;) {
      // The queue is idle between submits: the batch's state and latents are final there.
      await batch.checkIn(control[0] - 1, stepsDone(), () => ({ control: control.slice() }));
      const stop = batch.drivenTo;
      if (stop !== stopWritten) {
        writeParams(stop);
        stopWritten = stop;
      }
      let behind = 0;
      for (let b = 0; b < trials; b++) behind = Math.max(behind, stop - control[2 * b]);
      const dispatches = Math.min(perSubmit, Math.ceil(behind / perDispatch));
      const encoder = device.createCommandEncoder({ label: 'WebGpuEngine.batch' });
      const passes = timer
        ? timer.begin(encoder, 0, 'WebGpuEngine')
        : onePass(encoder, 'WebGpuEngine.smallNetwork');
      passes.run(
        0,
        (pass) => {
          for (let d = 0; d < dispatches; d++) res.dispatch(pass, this.pipeline, trials);
        },
        dispatches,
      );
      passes.end();
      queue.submit([encoder.finish()]);
      control.set(new Uint32Array(await readBuffer(device, res.control, 0, 8 * trials)));
      this.plan.gpu.throwIfFailed();
      await timer?.collect(0);
      // Every trial's events of the submit (control[2b + 1] of them: 0 when spikes are not
      // recorded, smallNetwork.wgsl counts none) and the latent samples it wrote (up to its step
      // counter control[2b]), in one gather.
      const counts = Array.from({ length: trials }, (_, b) => control[2 * b + 1]);
      const read = batch.pull(res.events, counts, (b) => control[2 * b] - 1);
      read.store(await readGroups(device, read.groups));
      let finished = true;
      for (let b = 0; b < trials; b++) {
        finished &&= control[2 * b] >= net.S;
        control[2 * b + 1] = 0;
      }
      batch.progress(stepsDone());
      batch.stopIfAborted();
      if (finished) break;
      queue.writeBuffer(res.control, 0, control);
    }
  }
}
