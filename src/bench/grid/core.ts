/// <reference types="@webgpu/types" />
// How one grid point is built and measured, shared by Node and the in-page benchmark
// (browser-safe: no Node imports). A point is timed as the engines run: one warm-up run, then
// `repetitions` runs of the same compiled network; per-step time is the median of simulate time /
// (S − 1) (engine setup, i.e. buffer creation and uploads, is reported apart as the median setup
// time).

import { median } from '../../analysis/stats.ts';
import type { AdapterInfo, Engine } from '../../engine/engine.ts';
import type { GpuDevice } from '../../engine/webgpu/device.ts';
import type { WebGpuEngine } from '../../engine/webgpu/webgpuEngine.ts';
import { compileNetwork, type CompiledNetwork } from '../../model/compile.ts';
import { gridNetwork, type GridRule, type GridSynapse } from './network.ts';

export type GridBackend = 'cpu' | 'webgpu' | 'browser';
export const GRID_BACKENDS: readonly GridBackend[] = ['cpu', 'webgpu', 'browser'];
/** network: the rank-K network; probe/dense: src/bench/webgpuBench.ts's baselines (WebGPU in Node). */
export type GridKernel = 'network' | 'probe' | 'dense';

/** Settings shared by every point of a run; part of each point's key. */
export interface GridSettings {
  /** Samples S per run (S − 1 steps). */
  steps: number;
  dt: number;
  sigmaV: number;
  repetitions: number;
  seed: number;
  /** CPU-engine threads (part of the CPU points' keys); default 1. */
  cpuThreads?: number | 'auto';
}

export interface GridPoint {
  backend: GridBackend;
  kernel: GridKernel;
  /** Requested size (the network has a multiple of its base size near it: `neurons`). */
  requestedNeurons: number;
  /** null for the probe and dense baselines. */
  rank: number | null;
  rule: GridRule | null;
  synapse: GridSynapse | null;
}

export interface AdapterFacts {
  description: string;
  vendor: string;
  architecture: string;
  /** 'browser', 'vulkan', 'swiftshader', 'opengl'; 'cpu' for the CPU engine. */
  path: string;
  /** null for the CPU engine. */
  software: boolean | null;
}

export const adapterFacts = (a: AdapterInfo, path: string): AdapterFacts => ({
  description: a.description,
  vendor: a.vendor,
  architecture: a.architecture,
  path,
  software: a.software,
});

/** The measured numbers of a finished point. */
export interface Measurement {
  neurons: number;
  /** Building the network (typed arrays) and compiling it, seconds (once per point). */
  buildSeconds: number | null;
  /** Engine setup per run (buffers, uploads), median, seconds. */
  setupSeconds: number | null;
  /** Steps per timed run. */
  timedSteps: number;
  microsecondsPerStep: number;
  neuronUpdatesPerSecond: number;
  /** Spikes per wall-clock second (spikes per step / time per step). */
  spikesPerSecond: number | null;
  /** Mean firing rate, spikes per neuron per simulated second. */
  meanRateHz: number | null;
  /** Wall seconds per simulated second: < 1 is faster than real time. */
  realTimeFactor: number | null;
  /** Host bytes of the compiled network's arrays (parameters, input). */
  networkBytes: number | null;
  /** Bytes of the run's state: host arrays the CPU engine allocates, or every live device buffer. */
  stateBytes: number | null;
  memoryKind: 'host' | 'device';
  /** CPU engine: threads that integrated the neurons; null on WebGPU. */
  threads: number | null;
  adapter: AdapterFacts;
}

export type PointStatus = 'done' | 'skipped' | 'failed';

export interface PointRecord extends GridPoint, GridSettings, Partial<Measurement> {
  key: string;
  status: PointStatus;
  /** Why a point was skipped or failed; null when done. */
  reason: string | null;
  /** ISO time the record was written. */
  at: string;
}

/** The key that identifies a point across runs: every parameter that changes what is measured. */
export function pointKey(p: GridPoint, s: GridSettings): string {
  const net = p.kernel === 'network' ? `/K${p.rank}/${p.rule}/${p.synapse}` : '';
  const threads = p.backend === 'cpu' ? `/threads${s.cpuThreads ?? 1}` : '';
  return (
    `${p.backend}/${p.kernel}/N${p.requestedNeurons}${net}` +
    `/S${s.steps}/dt${s.dt}/sigma${s.sigmaV}/reps${s.repetitions}/seed${s.seed}${threads}`
  );
}

/** A network point's network under the run's settings, compiled, and the seconds that took. */
export function buildPointNetwork(
  p: GridPoint,
  settings: GridSettings,
): { net: CompiledNetwork; buildSeconds: number } {
  const start = performance.now();
  const { spec } = gridNetwork({
    neurons: p.requestedNeurons,
    rank: p.rank!,
    rule: p.rule!,
    synapse: p.synapse!,
    steps: settings.steps,
    dt: settings.dt,
    sigmaV: settings.sigmaV,
    seed: settings.seed,
  });
  const net = compileNetwork(spec);
  return { net, buildSeconds: (performance.now() - start) / 1000 };
}

/** Bytes of every typed array reachable from the compiled network, each buffer counted once. */
export function networkBytes(net: CompiledNetwork): number {
  const seen = new Set<ArrayBufferLike>();
  let bytes = 0;
  const visit = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== 'object' || depth > 6) return;
    if (ArrayBuffer.isView(value)) {
      if (!seen.has(value.buffer)) {
        seen.add(value.buffer);
        bytes += value.buffer.byteLength;
      }
      return;
    }
    for (const v of Array.isArray(value) ? value : Object.values(value)) visit(v, depth + 1);
  };
  visit(net, 0);
  return bytes;
}

/**
 * Counts the bytes of the device's live buffers (createBuffer wrapped on this device object):
 * `reset()` starts a new peak at the current live total, `peak()` reads it.
 */
export interface DeviceMemoryMeter {
  reset(): void;
  peak(): number;
}

/** A WebGPU device (in Node or in the page), its engine, and the meter on its buffers. */
export interface GridGpu {
  gpu: GpuDevice;
  engine: WebGpuEngine;
  meter: DeviceMemoryMeter;
  adapter: AdapterFacts;
}

export function meterDeviceMemory(device: GPUDevice): DeviceMemoryMeter {
  let live = 0;
  let peak = 0;
  const create = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor): GPUBuffer => {
    const buffer = create(descriptor);
    const size = descriptor.size;
    live += size;
    peak = Math.max(peak, live);
    const destroy = buffer.destroy.bind(buffer);
    let destroyed = false;
    buffer.destroy = () => {
      if (!destroyed) live -= size;
      destroyed = true;
      return destroy();
    };
    return buffer;
  };
  return {
    reset: () => {
      peak = live;
    },
    peak: () => peak,
  };
}

export interface TimedRuns {
  setupSeconds: number;
  secondsPerStep: number;
  steps: number;
  spikes: number;
  /** result.timing.threads of the last run (CPU engine), else null. */
  threads: number | null;
}

/** The message of a point given up because its repetitions would exceed the per-point budget. */
export const OVER_BUDGET = 'over budget';

/**
 * Warm-up run, then `repetitions` timed runs. With `maxSeconds`, the point is given up after the
 * warm-up (an Error whose message starts with OVER_BUDGET) when the repetitions would take longer,
 * judged from the warm-up's wall time.
 */
export async function timeEngine(
  engine: Engine,
  net: CompiledNetwork,
  repetitions: number,
  options: { signal?: AbortSignal; onProgress?: () => void; maxSeconds?: number } = {},
): Promise<TimedRuns> {
  const runOptions = { signal: options.signal, onProgress: options.onProgress };
  const start = performance.now();
  await engine.run(net, runOptions);
  const warmUp = (performance.now() - start) / 1000;
  if (options.maxSeconds !== undefined && warmUp * repetitions > options.maxSeconds) {
    throw new Error(
      `${OVER_BUDGET}: the warm-up run took ${warmUp.toFixed(1)} s, so ${repetitions} repetitions would take ` +
        `about ${(warmUp * repetitions).toFixed(0)} s (--max-point-seconds ${options.maxSeconds})`,
    );
  }
  const perStep: number[] = [];
  const setup: number[] = [];
  let spikes = 0;
  let threads: number | null = null;
  for (let r = 0; r < repetitions; r++) {
    const result = await engine.run(net, runOptions);
    threads = result.timing.threads ?? null;
    perStep.push(result.timing.simulateSeconds / (net.S - 1));
    setup.push(result.timing.setupSeconds);
    spikes = 0;
    for (const counts of result.trials[0].spikeCounts) for (const c of counts) spikes += c;
  }
  return { setupSeconds: median(setup), secondsPerStep: median(perStep), steps: net.S - 1, spikes, threads };
}

/** The derived numbers of a network point from its timed runs. */
export function networkMeasurement(
  net: CompiledNetwork,
  timed: TimedRuns,
  extra: Pick<Measurement, 'buildSeconds' | 'networkBytes' | 'stateBytes' | 'memoryKind' | 'adapter'>,
): Measurement {
  const spikesPerStep = timed.spikes / timed.steps;
  return {
    neurons: net.N,
    setupSeconds: timed.setupSeconds,
    timedSteps: timed.steps,
    microsecondsPerStep: timed.secondsPerStep * 1e6,
    neuronUpdatesPerSecond: net.N / timed.secondsPerStep,
    spikesPerSecond: spikesPerStep / timed.secondsPerStep,
    meanRateHz: spikesPerStep / net.N / net.dt,
    realTimeFactor: timed.secondsPerStep / net.dt,
    threads: extra.memoryKind === 'host' ? timed.threads : null,
    ...extra,
  };
}

/** A network point timed on a WebGPU engine, its state the peak of the device's live buffers. */
export async function measureOnDevice(
  g: GridGpu,
  net: CompiledNetwork,
  buildSeconds: number,
  repetitions: number,
  options: { signal?: AbortSignal; maxSeconds?: number } = {},
): Promise<Measurement> {
  g.meter.reset();
  const timed = await timeEngine(g.engine, net, repetitions, options);
  return networkMeasurement(net, timed, {
    buildSeconds,
    networkBytes: networkBytes(net),
    stateBytes: g.meter.peak(),
    memoryKind: 'device',
    adapter: g.adapter,
  });
}
