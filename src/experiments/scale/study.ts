// The scaling study: for each size, build the redundant network, simulate it once on the engine,
// and measure accuracy, activity, speed and the process's peak memory. Sizes run smallest first;
// each finished row is handed to `onRow` at once (the CLI rewrites report.json), and an abort
// (Ctrl-C) ends the study with the finished rows kept and `interrupted` set.
//
// Step budget: the cost of a step is O(N), so the next size's seconds per step are predicted from
// the last finished size scaled by N. When `steps` would overrun `maxSeconds`, the size runs fewer
// steps, but never fewer than the init cut plus MIN_WINDOW_SECONDS (the floor wins over the
// budget). The input still sweeps the whole range after the cut (network.ts), only faster, so a
// capped size is measured on a harder task; the row says `capped` and its steps.

import type { AdapterInfo, Engine } from '../../engine/engine.ts';
import { compileNetwork } from '../../model/compile.ts';
import { isAbortError } from '../runner.ts';
import type { ScaleFunction } from './functions.ts';
import { buildScaleNetwork, initCutSteps } from './network.ts';
import { scaleMetrics, type ScaleMetrics } from './metrics.ts';

export const SCALE_FORMAT = 'latentspike/scale@1';
/** The shortest metric window a capped size keeps after the init cut. */
export const MIN_WINDOW_SECONDS = 0.01;
/** Spike trains (for ISI CV) are recorded up to this many neurons; above, only counts. */
export const SPIKE_TRAIN_LIMIT = 100_000;
const MEMORY_SAMPLE_MS = 100;

export interface ScaleStudyOptions {
  fn: ScaleFunction;
  /** Requested sizes (each is rounded to a multiple of the base network's size). */
  sizes: number[];
  steps: number;
  dt: number;
  sigma: number;
  jitter: number;
  seed: number;
  every: number;
  /** Per-size simulation budget in seconds (see the file comment). */
  maxSeconds: number;
  signal?: AbortSignal;
  /** Fraction of the current size's simulation done. */
  onProgress?: (neurons: number, fraction: number) => void;
  onRow?: (row: ScaleRow, report: ScaleReport) => void;
}

export interface ScaleRow extends ScaleMetrics {
  requested: number;
  neurons: number;
  /** Copies per base neuron. */
  m: number;
  steps: number;
  capped: boolean;
  backend: string;
  buildSeconds: number;
  simulateSeconds: number;
  microsecondsPerStep: number;
  neuronUpdatesPerSecond: number;
  /** Largest resident set size sampled while building and simulating this size. */
  peakRssBytes: number;
}

export interface ScaleReport {
  format: typeof SCALE_FORMAT;
  function: string;
  title: string;
  /** The WebGPU adapter (its `software` flag says whether timings are a GPU's), null on the CPU. */
  adapter: AdapterInfo | null;
  settings: Omit<ScaleStudyOptions, 'fn' | 'signal' | 'onProgress' | 'onRow'>;
  rows: ScaleRow[];
  interrupted: boolean;
}

/** Peak RSS, sampled on a timer (the CPU engine yields between chunks) and at every phase. */
class PeakRss {
  peak = process.memoryUsage.rss();
  private readonly timer = setInterval(() => this.sample(), MEMORY_SAMPLE_MS);
  constructor() {
    this.timer.unref();
  }
  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

/** Steps for a size: `steps`, or fewer when the prediction overruns the budget (file comment). */
export function plannedSteps(
  options: Pick<ScaleStudyOptions, 'steps' | 'dt' | 'maxSeconds'>,
  predictedSecondsPerStep: number | null,
): number {
  const { steps, dt, maxSeconds } = options;
  if (predictedSecondsPerStep === null) return steps;
  const floor = Math.min(steps, initCutSteps(dt) + Math.ceil(MIN_WINDOW_SECONDS / dt) + 1);
  const affordable = Math.floor(maxSeconds / predictedSecondsPerStep);
  return Math.max(floor, Math.min(steps, affordable));
}

export async function runScaleStudy(engine: Engine, options: ScaleStudyOptions): Promise<ScaleReport> {
  // The callbacks and the signal are not settings: they stay out of the report.
  const { fn, signal: _signal, onProgress: _onProgress, onRow, ...settings } = options;
  const report: ScaleReport = {
    format: SCALE_FORMAT,
    function: fn.name,
    title: fn.title,
    adapter: engine.adapter,
    settings,
    rows: [],
    interrupted: false,
  };
  const sizes = [...options.sizes].sort((a, b) => a - b);
  try {
    for (const requested of sizes) {
      const last = report.rows.at(-1);
      const predicted = last ? (last.simulateSeconds / (last.steps - 1)) * (requested / last.neurons) : null;
      const row = await runSize(engine, options, requested, plannedSteps(options, predicted));
      report.rows.push(row);
      onRow?.(row, report);
    }
  } catch (e) {
    if (!isAbortError(e)) throw e;
    report.interrupted = true;
  }
  return report;
}

async function runSize(
  engine: Engine,
  o: ScaleStudyOptions,
  requested: number,
  steps: number,
): Promise<ScaleRow> {
  const memory = new PeakRss();
  try {
    const t0 = performance.now();
    const { spec, m } = buildScaleNetwork({
      ...o,
      neurons: requested,
      steps,
      recordSpikes: requested <= SPIKE_TRAIN_LIMIT,
    });
    const net = compileNetwork(spec);
    const buildSeconds = (performance.now() - t0) / 1000;
    memory.sample();
    const result = await engine.run(net, {
      signal: o.signal,
      onProgress: (done, total) => {
        memory.sample();
        o.onProgress?.(net.N, done / total);
      },
    });
    const secondsPerStep = result.timing.simulateSeconds / (net.S - 1);
    return {
      requested,
      neurons: net.N,
      m,
      steps,
      capped: steps < o.steps,
      backend: result.backend,
      buildSeconds,
      simulateSeconds: result.timing.simulateSeconds,
      microsecondsPerStep: secondsPerStep * 1e6,
      neuronUpdatesPerSecond: net.N / secondsPerStep,
      ...scaleMetrics(o.fn, net, result),
      peakRssBytes: memory.stop(),
    };
  } finally {
    memory.stop();
  }
}
