/// <reference types="@webgpu/types" />
// The batched path for networks that fit one workgroup (smallNetwork.wgsl): a batch of trials runs
// as one workgroup per trial, each dispatch advancing every trial by up to STEPS_PER_DISPATCH
// steps, so e.g. figS2's 1000 trials of 50 neurons are one GPU job instead of 1000 × 7500 × 2
// dispatches. Between submits only the trials' (t, event count) words, their new events and the
// latent samples they wrote (from a ring of one submit's rows, latentRecord.ts) come back; spike
// counts and final state are pulled once per batch.
//
// Each trial has its own event slots per submit; a trial whose slots could overflow within the next
// step stops early, and the next submit resumes it from its own step counter, so a burst of spikes
// costs an extra submit, never a lost event.

import type { KernelTime, TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { abortError, cutToStep, type RunnerGate } from '../checkpoint.ts';
import type { GpuDevice } from './device.ts';
import { initialLatent, initialState, runDims, type GpuNetwork, type RunDims } from './gpuNetwork.ts';
import { packParams } from './layout.ts';
import { fitsOneWorkgroup, smallLanes, type KernelShape, type Pipelines } from './pipelines.ts';
import { LatentRecord } from './latentRecord.ts';
import { readBuffer, readGroups, readRanges } from './readback.ts';
import { KernelTimer, onePass } from './kernelTimer.ts';
import {
  BATCH_BYTES,
  createRunResources,
  planBindings,
  planResources,
  stateCapacity,
  type RunResources,
  type RunSizes,
} from './resources.ts';
import {
  eventTrains,
  joinEvents,
  joinedEvents,
  readCounts,
  runBatches,
  spikeCounts,
  type BatchState,
} from './results.ts';
import { stateArray, stateInt, stateRecord, type EngineSnapshot } from '../snapshot.ts';
import type { RunnerSnapshot } from '../checkpoint.ts';
import type { InputFeed } from '../input.ts';
import { beginFeed, feedDrive } from './drive.ts';

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
export function batchable(net: Pick<CompiledNetwork, 'model' | 'spikeRule'>): boolean {
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

export class BatchRunner {
  private constructor(
    private readonly gpu: GpuDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly net: CompiledNetwork,
    private readonly gpuNet: GpuNetwork,
    private readonly resources: RunResources,
    private readonly workgroupSize: number,
    /** Trials per batch. */
    readonly batchSize: number,
    /** Event slots per trial per submit. */
    private readonly eventCapacity: number,
    private readonly stepEventBound: number,
    /** Rows per trial of the latent record's ring (latentRecord.ts). */
    private readonly recordWindow: number,
    /** Steps per dispatch (stepsPerDispatch). */
    private readonly stepsPerDispatch: number,
    /** RunOptions.chunkSteps: at most this many steps per submit. */
    private readonly chunkSteps: number | undefined,
    /** RunOptions.kernelTimes: times each submit's pass; null when not timed. */
    private readonly timer: KernelTimer | null,
  ) {}

  /**
   * The buffers a run of these dimensions allocates on this path, with `workgroupSize` lanes per
   * trial (shared with WebGpuEngine.bindingError and plan.ts); `maxTrials` caps the trials per batch.
   */
  static sizes(
    shape: KernelShape,
    dims: RunDims,
    workgroupSize: number,
    options: { chunkSteps?: number; maxTrials?: number } = {},
  ) {
    const { chunkSteps, maxTrials } = options;
    const recordSpikes = dims.record.spikes && dims.model === 'spiking';
    const stepEventBound = recordSpikes ? (dims.spikeRule === 'one-per-step' ? 1 : dims.N) : 0;
    const eventCapacity = recordSpikes
      ? Math.max(stepEventBound, Math.min(EVENT_SLOTS_PER_TRIAL, dims.S))
      : 0;
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
    // its events and samples, or the batch's whole state at its end.
    const stagingBytes = batchSize * Math.max(8, eventCapacity * 8 + recordWindow * dims.K * 4, stateBytes);
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

  static async create(
    gpu: GpuDevice,
    pipelines: Pipelines,
    net: CompiledNetwork,
    gpuNet: GpuNetwork,
    workgroupSize: number,
    options: { chunkSteps?: number; maxTrials?: number; kernelTimes?: boolean } = {},
  ): Promise<BatchRunner> {
    const { device } = gpu;
    const { shape } = pipelines;
    const { sizes, batchSize, eventCapacity, stepEventBound, recordWindow } = BatchRunner.sizes(
      shape,
      runDims(net, gpuNet),
      workgroupSize,
      options,
    );
    const binding = planBindings(shape.limits, sizes, shape.maxPartBytes);
    if (binding instanceof Error) throw binding;
    const [pipeline, kernels] = await Promise.all([
      pipelines.smallNetwork(workgroupSize, binding),
      pipelines.kernels(binding),
    ]);
    const resources = await createRunResources(
      device,
      kernels.layouts,
      planResources(sizes, binding, shape.dispatch),
      gpuNet.consts,
    );
    return new BatchRunner(
      gpu,
      pipeline,
      net,
      gpuNet,
      resources,
      workgroupSize,
      batchSize,
      eventCapacity,
      stepEventBound,
      recordWindow,
      stepsPerDispatch(options.chunkSteps),
      options.chunkSteps,
      // One submit at a time, its dispatches in one pass: the kernel is alone in it.
      options.kernelTimes ? new KernelTimer(device, ['smallNetwork'], 1, 1) : null,
    );
  }

  /** GPU time of the small-network kernel so far, or null when not timed. */
  kernelTimes(): KernelTime[] | null {
    return this.timer?.times() ?? null;
  }

  /** Set by destroy(): a late partial() (RunOptions.gate) then rejects instead of reading freed buffers. */
  private destroyed = false;

  destroy(): void {
    this.destroyed = true;
    this.resources.destroy();
    this.timer?.destroy();
  }

  /**
   * The trials of the run after those in `finished`, batch after batch, each batch appended to
   * `finished` once read back (runBatches); a batch starts at its first step, or at `resumeFrom`'s
   * state when it is that snapshot's batch. With closed-loop `input` (one trial per batch), each
   * span's drive rows are written as the feed gives them, and no submit runs past them.
   */
  run(
    finished: TrialResult[],
    progress: (done: number) => void,
    signal: AbortSignal | undefined,
    gate?: RunnerGate,
    resumeFrom?: EngineSnapshot,
    input?: InputFeed,
  ): Promise<void> {
    return runBatches(
      this.net,
      this.batchSize,
      finished,
      progress,
      gate,
      (first, trials, batchProgress, batchGate, resume) =>
        this.runBatch(first, trials, batchProgress, signal, batchGate, resume, input),
      resumeFrom,
    );
  }

  private async runBatch(
    firstTrial: number,
    trials: number,
    progress: (done: number) => void,
    signal: AbortSignal | undefined,
    gate: RunnerGate | undefined,
    resume: BatchState | null,
    input: InputFeed | undefined,
  ): Promise<TrialResult[]> {
    const { net, gpuNet, resources: res } = this;
    const perDispatch = this.stepsPerDispatch;
    const { device } = this.gpu;
    const { queue } = device;
    const { K } = gpuNet;
    const trialWords = gpuNet.stateWords;
    if (input && trials !== 1) throw new Error('WebGpuEngine: closed-loop input runs one trial per batch');
    // The kernel stops every trial at params.s: the run's end, or where the input given so far ends.
    const writeParams = (stop: number) =>
      queue.writeBuffer(
        res.params,
        0,
        packParams(
          {
            ...gpuNet.scalars,
            s: stop,
            trial: firstTrial,
            event_capacity: this.eventCapacity,
            workgroups: trials,
            steps_per_dispatch: perDispatch,
            step_event_bound: this.stepEventBound,
            record_spikes: this.stepEventBound > 0 ? 1 : 0,
            record_window: this.recordWindow,
          },
          gpuNet.populations,
        ),
      );
    let stopWritten = net.S;
    writeParams(stopWritten);
    const state = initialState(net, gpuNet);
    const latent = initialLatent(net, gpuNet);
    // Every trial at step 1 with no events: (t, events) per trial, as control[b] holds them.
    const control = new Uint32Array(2 * trials);
    for (let b = 0; b < trials; b++) {
      res.state.write(b * trialWords * 4, state);
      queue.writeBuffer(res.latent, b * 2 * K * 4, latent);
      control[2 * b] = 1;
    }
    const record = new LatentRecord(net, gpuNet, trials, this.recordWindow);
    let chunks = Array.from({ length: trials }, () => [] as { events: Uint32Array; count: number }[]);
    if (resume) {
      // A snapshot's batch (batchState below): each trial's step counter, state, latent words and
      // recordings.
      const saved = stateArray(resume.control, Uint32Array, 'control', 2 * trials);
      saved.forEach((word, i) => (control[i] = i % 2 === 0 ? stateInt(word, `control[${i}]`, 1, net.S) : 0));
      res.state.write(0, stateArray(resume.state, Uint32Array, 'state', trials * trialWords));
      queue.writeBuffer(res.latent, 0, stateArray(resume.latent, Float32Array, 'latent', trials * 2 * K));
      chunks = joinedEvents(resume.events, trials);
      record.restore(stateRecord(resume.record, 'record'));
    }
    queue.writeBuffer(res.control, 0, control);
    if (input) beginFeed(input, firstTrial, res, net, gpuNet);
    // The batch between submits (the queue is idle there): every trial's step counter, state and
    // latent words, and the events and samples pulled so far (the ring holds none then).
    const batchState = async (): Promise<RunnerSnapshot> => {
      if (this.destroyed) throw abortError();
      const [stateBytes, latentBytes] = await readGroups(device, [
        res.state.ranges(0, trials * trialWords * 4),
        [{ source: res.latent, offset: 0, size: trials * 2 * K * 4 }],
      ]);
      this.gpu.throwIfFailed();
      let done = 0;
      for (let b = 0; b < trials; b++) done += control[2 * b] - 1;
      const batch = {
        control: control.slice(),
        state: new Uint32Array(stateBytes),
        latent: new Float32Array(latentBytes),
        events: chunks.map(joinEvents),
        record: record.save(),
      };
      return { finished: [], trial: firstTrial, done, state: { batch } };
    };

    const perSubmit = dispatchesPerSubmit(trials * this.workgroupSize, perDispatch, this.chunkSteps);
    // The batch's first trial's recordings up to its step, read while the queue is idle.
    const partial = async (step: number): Promise<TrialResult> => {
      if (this.destroyed) throw abortError();
      const trialSoFar: TrialResult = {
        spikeCounts: await readCounts(device, net, gpuNet, res.state),
        spikes: net.record.spikes ? eventTrains(net, chunks[0], false) : null,
        ...record.series(0),
      };
      return cutToStep(trialSoFar, step, net.record.every);
    };
    for (;;) {
      if (gate) {
        let done = 0;
        for (let b = 0; b < trials; b++) done += control[2 * b] - 1;
        const step = control[0] - 1;
        await gate(firstTrial, step, done, () => partial(step), batchState);
        if (signal?.aborted) throw abortError();
      }
      if (input && control[0] >= input.provided) {
        // The queue is idle between submits: the latents after step control[0] − 1 are final.
        await feedDrive(input, control[0], this.gpu, res, net, gpuNet, signal);
        if (signal?.aborted) throw abortError();
      }
      const stop = input?.provided ?? net.S;
      if (stop !== stopWritten) {
        writeParams(stop);
        stopWritten = stop;
      }
      let behind = 0;
      for (let b = 0; b < trials; b++) behind = Math.max(behind, stop - control[2 * b]);
      const dispatches = Math.min(perSubmit, Math.ceil(behind / perDispatch));
      const encoder = device.createCommandEncoder({ label: 'WebGpuEngine.batch' });
      const passes = this.timer
        ? this.timer.begin(encoder, 0, 'WebGpuEngine')
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
      this.gpu.throwIfFailed();
      await this.timer?.collect(0);
      await this.collect(control, chunks, record);
      let done = 0;
      let finished = true;
      for (let b = 0; b < trials; b++) {
        done += control[2 * b] - 1;
        finished &&= control[2 * b] >= net.S;
        control[2 * b + 1] = 0;
      }
      progress(done);
      if (signal?.aborted) throw abortError();
      if (finished) break;
      queue.writeBuffer(res.control, 0, control);
    }

    const words = new Uint32Array(await readRanges(device, res.state.ranges(0, trials * trialWords * 4)));
    this.gpu.throwIfFailed();
    const countsAt = gpuNet.scalars.st_count;
    return Array.from({ length: trials }, (_, b) => ({
      spikeCounts: spikeCounts(
        net,
        words.subarray(b * trialWords + countsAt, b * trialWords + countsAt + net.N),
      ),
      spikes: net.record.spikes ? eventTrains(net, chunks[b], false) : null,
      ...record.series(b),
    }));
  }

  /**
   * Pulls every trial's events of the last submit (control[2b + 1] of them: 0 when spikes are not
   * recorded, smallNetwork.wgsl counts none) and the latent samples it wrote (up to its step
   * counter control[2b]) in one gather.
   */
  private async collect(
    control: Uint32Array,
    chunks: { events: Uint32Array; count: number }[][],
    record: LatentRecord,
  ): Promise<void> {
    const trials = chunks.length;
    const eventRanges = Array.from({ length: trials }, (_, b) => ({
      source: this.resources.events,
      offset: b * this.eventCapacity * 8,
      size: control[2 * b + 1] * 8,
    }));
    const samples = record.pull(this.resources.latentRecord, (b) => control[2 * b] - 1);
    const [eventBytes, sampleBytes] = await readGroups(this.gpu.device, [eventRanges, samples.ranges]);
    samples.store(new Float32Array(sampleBytes));
    const gathered = new Uint32Array(eventBytes);
    let at = 0;
    for (let b = 0; b < trials; b++) {
      const count = control[2 * b + 1];
      if (count > 0) chunks[b].push({ events: gathered.subarray(at, at + 2 * count), count });
      at += 2 * count;
    }
  }
}
