/// <reference types="@webgpu/types" />
// The per-step path: any N, every rule. A chunk of steps is one command buffer with two kernels
// per step (each sliced or folded as the adapter profile says, resources.ts), the second of which
// advances the GPU-side step counters:
//   `all`           stepAll.wgsl, latents.wgsl
//   `one-per-step`  stepDelta.wgsl, selectOne.wgsl
//   `sequential`    stepDelta.wgsl, spikeSequential.wgsl
//   rate model      stepRate.wgsl, latents.wgsl
// A chunk's dispatches share one compute pass, or under RunOptions.kernelTimes each has a timed
// pass of its own (kernelTimer.ts). Between chunks the chunk's spike events and latent samples
// come back (the samples from a ring of two chunks' rows, latentRecord.ts); spike counts are
// pulled once per batch.
//
// Trials: under the `all` rule and the rate model the trials run in batches, every trial of a
// batch in the same dispatches (stepAll/stepRate run trials × workgroups workgroups, latents.wgsl
// one per trial), each with its own state, latents, partials rows, step counter and event region,
// so a batch gives each trial exactly the bits it gives alone (its noise is keyed by its own trial
// index). A batch holds as many trials as BATCH_BYTES of per-trial buffers allow (and
// WebGpuEngineOptions.maxTrialsPerBatch). The delta rules' spike phase is one workgroup walking the
// whole network (selectOne, spikeSequential), so they run one trial at a time.
//
// Chunks are pipelined (CHUNKS_IN_FLIGHT = 2): chunk k+1 is submitted before the host waits for
// chunk k, and chunk k+2 as soon as chunk k's control words (step counters, event counts) are read,
// so the GPU always has the next chunk queued. Chunks alternate between two event buffers; chunk
// k's events (each trial's count·8 bytes, known once its control words are read) and latent
// samples are copied into a staging buffer of a small pool (one per slot, grown on demand, reused)
// by a copy submitted before chunk k+2, which reuses the event buffer and the samples' ring rows,
// and mapped while chunk k+1 runs.

import type { KernelTime, SpikeTrain, TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { abortError, chunkLength, cutToStep, type RunnerGate } from '../checkpoint.ts';
import type { GpuDevice } from './device.ts';
import { initialLatent, initialState, runDims, type GpuNetwork, type RunDims } from './gpuNetwork.ts';
import { packParams } from './layout.ts';
import { stepWorkgroups, type KernelShape, type Pipelines, type StepKernel } from './pipelines.ts';
import { LatentRecord } from './latentRecord.ts';
import { readGroups, StagingPool, stagingSize } from './readback.ts';
import { KernelTimer, MAX_QUERIES, onePass } from './kernelTimer.ts';
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

/**
 * Steps per command buffer at most, whatever the tuned neuron-updates per submit (pipelines.ts) allow:
 * keeps a timed chunk's passes (two per step, two timestamps each) within one query set.
 */
const MAX_STEPS_PER_CHUNK = MAX_QUERIES / 4;
/** Chunks submitted ahead of the host: one running, one queued behind it. */
const CHUNKS_IN_FLIGHT = 2;

/** A submitted chunk: its first step, length, pipeline slot and the map of its control words. */
interface InFlight {
  t0: number;
  steps: number;
  slot: number;
  control: GPUBuffer;
  mapped: Promise<void>;
}

/** One trial's spike events of one chunk: (step, neuron) pairs. */
type EventChunk = { events: Uint32Array; count: number };

/** Marks a promise as handled (it may reject after an abort destroys its buffer) and returns it. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** The two kernels of a step of `net` on the per-step path (the header's table). */
function kernelsOf(net: Pick<CompiledNetwork, 'model' | 'spikeRule'>): [StepKernel | 'stepAll', StepKernel] {
  if (net.model === 'rate') return ['stepRate', 'latents'];
  if (net.spikeRule === 'one-per-step') return ['stepDelta', 'selectOne'];
  if (net.spikeRule === 'sequential') return ['stepDelta', 'spikeSequential'];
  return ['stepAll', 'latents'];
}

export class TrialRunner {
  private constructor(
    private readonly gpu: GpuDevice,
    private readonly net: CompiledNetwork,
    private readonly gpuNet: GpuNetwork,
    private readonly resources: RunResources,
    /** The step's two pipelines (kernelsOf). */
    private readonly kernels: [GPUComputePipeline, GPUComputePipeline],
    private readonly workgroups: number,
    /** Trials per batch (1 under the delta rules). */
    readonly batchSize: number,
    private readonly stepsPerChunk: number,
    /** Event slots per trial per chunk. */
    private readonly eventCapacity: number,
    /** Rows per trial of the latent record's ring (latentRecord.ts). */
    private readonly recordWindow: number,
    private readonly controlStaging: GPUBuffer[],
    /** Per pipeline slot: a retired chunk's events and latent samples leave through it. */
    private readonly chunkStaging: StagingPool,
    /** RunOptions.kernelTimes: times each kernel's passes; null runs a chunk in one pass. */
    private readonly timer: KernelTimer | null,
  ) {}

  /**
   * The buffers a run of these dimensions allocates on this path and how it is cut (shared with
   * WebGpuEngine.bindingError and plan.ts); `maxTrials` caps the trials per batch.
   */
  static sizes(shape: KernelShape, dims: RunDims, options: { chunkSteps?: number; maxTrials?: number } = {}) {
    const [first, second] = kernelsOf(dims);
    // Workgroups of the step's first kernel per trial: the rows of partials it writes (params.workgroups).
    const workgroups = first === 'stepAll' ? dims.allWorkgroups : stepWorkgroups(shape, first, dims.N);
    const K = dims.K;
    const trialStateBytes = dims.stateWords * 4;
    const rowBytes = Math.max(K, 3) * 4;
    // The latent record's ring (at most two chunks' samples) is left out: a few KiB per trial.
    const perTrial = trialStateBytes + 2 * K * 4 + workgroups * rowBytes;
    const batchSize =
      second === 'latents'
        ? Math.max(
            1,
            Math.min(
              dims.trials,
              options.maxTrials ?? Infinity,
              Math.floor(BATCH_BYTES / perTrial),
              Math.floor(stateCapacity(shape.limits, shape.maxPartBytes) / trialStateBytes),
            ),
          )
        : 1;
    const stepsPerChunk = chunkLength(
      Math.max(
        1,
        Math.min(MAX_STEPS_PER_CHUNK, Math.floor(shape.neuronStepsPerSubmit / (dims.N * batchSize))),
      ),
      options.chunkSteps,
    );
    // A neuron spikes at most once per step under every rule, so this capacity cannot overflow;
    // the kernels still count past it and the host checks.
    const eventCapacity = dims.record.spikes && dims.model === 'spiking' ? dims.N * stepsPerChunk : 0;
    // Samples are pulled when a chunk retires, while the next one runs: two chunks' worth at most.
    const recordWindow = LatentRecord.window(dims, dims, CHUNKS_IN_FLIGHT * stepsPerChunk);
    // The last batch may hold fewer trials: its dispatches are planned too.
    const lastBatch = dims.trials % batchSize || batchSize;
    // latents.wgsl runs a workgroup per trial; the delta rules' spike kernels one in all.
    const secondWorkgroups = (trials: number) => (second === 'latents' ? trials : 1);
    const sizes: RunSizes = {
      constsBytes: dims.constsBytes,
      stateBytes: batchSize * trialStateBytes,
      latentBytes: batchSize * 2 * K * 4,
      partialsBytes: batchSize * workgroups * rowBytes,
      trials: batchSize,
      eventsBytes: batchSize * eventCapacity * 8,
      eventSets: eventCapacity > 0 ? CHUNKS_IN_FLIGHT : 1,
      latentRecordBytes: batchSize * recordWindow * K * 4,
      neurons: dims.N,
      dispatches: [
        batchSize * workgroups,
        lastBatch * workgroups,
        secondWorkgroups(batchSize),
        secondWorkgroups(lastBatch),
      ],
      controlStaging: CHUNKS_IN_FLIGHT,
    };
    // Map-read staging at its largest: each chunk slot's pool buffer (readback.ts) takes a chunk's
    // events and samples, and a batch's spike counts leave through one more at its end.
    const chunkRead = batchSize * (eventCapacity * 8 + recordWindow * K * 4);
    const stagingBytes =
      (chunkRead > 0 ? CHUNKS_IN_FLIGHT * stagingSize(chunkRead) : 0) + batchSize * dims.N * 4;
    return {
      sizes,
      stagingBytes,
      kernels: [first, second] as const,
      workgroups,
      secondWorkgroups: secondWorkgroups(batchSize),
      batchSize,
      stepsPerChunk,
      eventCapacity,
      recordWindow,
    };
  }

  static async create(
    gpu: GpuDevice,
    pipelines: Pipelines,
    net: CompiledNetwork,
    gpuNet: GpuNetwork,
    options: { chunkSteps?: number; maxTrials?: number; kernelTimes?: boolean } = {},
  ): Promise<TrialRunner> {
    const { device } = gpu;
    const { shape } = pipelines;
    const { sizes, workgroups, batchSize, stepsPerChunk, eventCapacity, recordWindow } = TrialRunner.sizes(
      shape,
      runDims(net, gpuNet),
      options,
    );
    const binding = planBindings(shape.limits, sizes, shape.maxPartBytes);
    if (binding instanceof Error) throw binding;
    const kernels = await pipelines.kernels(binding);
    const [firstKernel, secondKernel] = kernelsOf(net);
    const first =
      firstKernel === 'stepAll'
        ? await pipelines.stepAll(kernels, { ...gpuNet.stepAll, RECORD_SPIKES: eventCapacity > 0 ? 1 : 0 })
        : kernels.step[firstKernel];
    const resources = await createRunResources(
      device,
      kernels.layouts,
      planResources(sizes, binding, shape.dispatch),
      gpuNet.consts,
    );
    return new TrialRunner(
      gpu,
      net,
      gpuNet,
      resources,
      [first, kernels.step[secondKernel]],
      workgroups,
      batchSize,
      stepsPerChunk,
      eventCapacity,
      recordWindow,
      resources.controlStaging,
      new StagingPool(device, 'WebGpuEngine.chunkStaging', CHUNKS_IN_FLIGHT),
      options.kernelTimes
        ? new KernelTimer(device, kernelsOf(net), CHUNKS_IN_FLIGHT, 2 * stepsPerChunk)
        : null,
    );
  }

  /** GPU time per kernel so far (the step's two, in order), or null when not timed. */
  kernelTimes(): KernelTime[] | null {
    return this.timer?.times() ?? null;
  }

  /** Set by destroy(): a late partial() (RunOptions.gate) then rejects instead of reading freed buffers. */
  private destroyed = false;

  destroy(): void {
    this.destroyed = true;
    this.resources.destroy();
    this.chunkStaging.destroy();
    this.timer?.destroy();
  }

  /**
   * The trials of the run after those in `finished`, batch after batch, each batch appended to
   * `finished` once read back (runBatches); a batch starts at its first step, or at `resumeFrom`'s
   * state when it is that snapshot's batch. With closed-loop `input` (one trial per batch), each
   * span's drive rows are written as the feed gives them.
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
    const { device } = this.gpu;
    const { queue } = device;
    const { K } = gpuNet;
    const trialStateBytes = gpuNet.stateWords * 4;
    if (input && trials !== 1) throw new Error('WebGpuEngine: closed-loop input runs one trial per batch');
    queue.writeBuffer(
      res.params,
      0,
      packParams(
        {
          ...gpuNet.scalars,
          trial: firstTrial,
          event_capacity: this.eventCapacity,
          workgroups: this.workgroups,
          steps_per_dispatch: 0,
          step_event_bound: 0,
          record_spikes: this.eventCapacity > 0 ? 1 : 0,
          record_window: this.recordWindow,
        },
        gpuNet.populations,
      ),
    );
    const state = initialState(net, gpuNet);
    const latent = initialLatent(net, gpuNet);
    for (let b = 0; b < trials; b++) {
      res.state.write(b * trialStateBytes, state);
      queue.writeBuffer(res.latent, b * 2 * K * 4, latent);
    }
    const record = new LatentRecord(net, gpuNet, trials, this.recordWindow);

    const [first, second] = this.kernels;
    // latents.wgsl finishes every trial of the batch (a workgroup each); the delta rules' spike
    // kernels are one workgroup over the one trial.
    const secondWorkgroups = kernelsOf(net)[1] === 'latents' ? trials : 1;
    let raw: EventChunk[][] = Array.from({ length: trials }, () => []);
    const inFlight: InFlight[] = [];
    // Reads submitted but not yet collected, in chunk order: every trial's events of a chunk, and
    // the latent samples it wrote (stored into `record` when collected, in that order).
    const chunkReads: Promise<{ events: EventChunk[]; storeSamples: () => void }>[] = [];
    let submitted = 0;
    let nextT0 = 1;
    if (resume) {
      // A snapshot's batch (batchState below): its step, state, latent words and recordings.
      nextT0 = stateInt(resume.step, 'step', 0, net.S - 1) + 1;
      res.state.write(0, stateArray(resume.state, Uint32Array, 'state', trials * gpuNet.stateWords));
      queue.writeBuffer(res.latent, 0, stateArray(resume.latent, Float32Array, 'latent', trials * 2 * K));
      raw = joinedEvents(resume.events, trials);
      record.restore(stateRecord(resume.record, 'record'));
    }

    if (input) beginFeed(input, firstTrial, res, net, gpuNet);

    const submitChunk = () => {
      const t0 = nextT0;
      // Closed-loop input: no chunk runs past the input given so far.
      const steps = Math.min(this.stepsPerChunk, (input?.provided ?? net.S) - t0);
      const slot = submitted++ % CHUNKS_IN_FLIGHT;
      const eventSet = this.eventCapacity > 0 ? slot : 0;
      const control = this.controlStaging[slot];
      // Queue order: this write runs after the chunks already submitted, when every trial is at
      // t0: it only clears the event counts (and sets the counters at the batch's start).
      const words = new Uint32Array(2 * trials);
      for (let b = 0; b < trials; b++) words[2 * b] = t0;
      queue.writeBuffer(res.control, 0, words);
      const encoder = device.createCommandEncoder({ label: 'WebGpuEngine.chunk' });
      const passes = this.timer
        ? this.timer.begin(encoder, slot, 'WebGpuEngine.steps')
        : onePass(encoder, 'WebGpuEngine.steps');
      for (let s = 0; s < steps; s++) {
        passes.run(0, (pass) => res.dispatch(pass, first, trials * this.workgroups, eventSet));
        passes.run(1, (pass) => res.dispatch(pass, second, secondWorkgroups, eventSet));
      }
      passes.end();
      encoder.copyBufferToBuffer(res.control, 0, control, 0, 8 * trials);
      queue.submit([encoder.finish()]);
      inFlight.push({
        t0,
        steps,
        slot,
        control,
        mapped: quiet(control.mapAsync(GPUMapMode.READ, 0, 8 * trials)),
      });
      nextT0 += steps;
    };

    // The oldest chunk's control words; the copy of its events and latent samples is submitted
    // (before any later chunk can reuse its event buffer or ring rows) and collected later.
    const retire = async () => {
      const { t0, steps, slot, control, mapped } = inFlight.shift()!;
      await mapped;
      const words = new Uint32Array(control.getMappedRange(0, 8 * trials).slice(0));
      control.unmap();
      this.gpu.throwIfFailed();
      // The chunk has finished: its timestamps are resolved (and the slot is free for chunk k+2).
      await this.timer?.collect(slot);
      const counts = Array.from({ length: trials }, (_, b) => words[2 * b + 1]);
      for (let b = 0; b < trials; b++) {
        if (words[2 * b] !== t0 + steps) {
          throw new Error(
            `WebGpuEngine: trial ${firstTrial + b}'s step counter at ${words[2 * b]}, expected ${t0 + steps}`,
          );
        }
        if (counts[b] > this.eventCapacity) {
          throw new Error(
            `WebGpuEngine: ${counts[b]} spikes in one chunk, above the event buffer's ${this.eventCapacity}`,
          );
        }
      }
      const eventRanges = counts.map((count, b) => ({
        source: res.eventSets[slot],
        offset: b * this.eventCapacity * 8,
        size: count * 8,
      }));
      const samples = record.pull(res.latentRecord, () => t0 + steps - 1);
      chunkReads.push(
        quiet(
          this.chunkStaging.read(slot, [eventRanges, samples.ranges]).then(([eventBytes, sampleBytes]) => {
            const events = new Uint32Array(eventBytes);
            let from = 0;
            return {
              events: counts.map((count) => ({ events: events.subarray(from, (from += 2 * count)), count })),
              storeSamples: () => samples.store(new Float32Array(sampleBytes)),
            };
          }),
        ),
      );
      progress(trials * (t0 + steps - 1));
    };

    // Events and samples of every retired chunk, in order; at most `keep` reads left pending.
    const collect = async (keep: number) => {
      while (chunkReads.length > keep) {
        const { events, storeSamples } = await chunkReads.shift()!;
        events.forEach((chunk, b) => chunk.count > 0 && raw[b].push(chunk));
        storeSamples();
      }
    };

    // Everything submitted, retired and collected: the queue is idle after the last chunk. Each
    // read is collected before the next retire, which may reuse its slot's staging buffer.
    const drain = async () => {
      await collect(0);
      while (inFlight.length > 0) {
        await retire();
        await collect(0);
      }
    };

    // Under `all` the events of one step arrive in atomic order: sort them as the CPU emits them.
    const trains = (b: number): SpikeTrain[] | null =>
      net.record.spikes ? eventTrains(net, raw[b], net.spikeRule === 'all') : null;

    // The batch's first trial's recordings up to `step`, read once the queue is drained (a paused run).
    const partial = async (step: number): Promise<TrialResult> => {
      if (this.destroyed) throw abortError();
      await drain();
      const trialSoFar: TrialResult = {
        spikeCounts: await readCounts(device, net, gpuNet, res.state),
        spikes: trains(0),
        ...record.series(0),
      };
      return cutToStep(trialSoFar, step, net.record.every);
    };

    // The batch at `step` once the queue is drained: every trial's state and latent words, and the
    // events and samples pulled so far (the ring holds none then). The control words are rewritten
    // before every chunk, the partials within every step: neither is state between chunks.
    const batchState = async (step: number): Promise<RunnerSnapshot> => {
      if (this.destroyed) throw abortError();
      await drain();
      const [stateBytes, latentBytes] = await readGroups(device, [
        res.state.ranges(0, trials * trialStateBytes),
        [{ source: res.latent, offset: 0, size: trials * 2 * K * 4 }],
      ]);
      this.gpu.throwIfFailed();
      const batch = {
        step,
        state: new Uint32Array(stateBytes),
        latent: new Float32Array(latentBytes),
        events: raw.map(joinEvents),
        record: record.save(),
      };
      return { finished: [], trial: firstTrial, done: trials * step, state: { batch } };
    };

    try {
      while (nextT0 < net.S || inFlight.length > 0) {
        while (inFlight.length < CHUNKS_IN_FLIGHT && nextT0 < net.S) {
          if (gate) {
            const at = nextT0 - 1;
            await gate(
              firstTrial,
              at,
              trials * at,
              () => partial(at),
              () => batchState(at),
            );
            if (signal?.aborted) throw abortError();
          }
          if (input && nextT0 >= input.provided) {
            // The next span's input follows the latents after step nextT0 − 1: every chunk done.
            await drain();
            await feedDrive(input, nextT0, this.gpu, res, net, gpuNet, signal);
            if (signal?.aborted) throw abortError();
          }
          submitChunk();
        }
        // At most one read is pending here, of the other slot's staging buffer.
        await retire();
        // The previous chunk's reads were copied after this one finished: ready or nearly.
        await collect(1);
        if (signal?.aborted) throw abortError();
      }
      await collect(0);
    } catch (err) {
      // Leave no map pending on buffers the caller is about to destroy.
      await Promise.allSettled([...inFlight.map((c) => c.mapped), ...chunkReads]);
      throw err;
    }

    const counts = await readGroups(
      device,
      Array.from({ length: trials }, (_, b) =>
        res.state.ranges(b * trialStateBytes + gpuNet.scalars.st_count * 4, net.N * 4),
      ),
    );
    this.gpu.throwIfFailed();
    return Array.from({ length: trials }, (_, b) => ({
      spikeCounts: spikeCounts(net, new Uint32Array(counts[b])),
      spikes: trains(b),
      ...record.series(b),
    }));
  }
}
