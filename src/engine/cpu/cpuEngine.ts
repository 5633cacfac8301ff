// The CPU backend: a full engine, not a test double (GeNN's rule), and the reference every other
// backend is compared with. Trials run one after another; the run yields to the event loop every
// ~50 ms so progress can be drawn and an AbortSignal (Ctrl-C) is honoured between chunks; a gate
// (RunOptions.gate) is awaited before every chunk, which is how a caller pauses and steps a run.

import type { Engine, RunOptions, SimulationResult, TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { SpikingTrial, type Precision } from './spikingTrial.ts';
import { RateTrial } from './rateTrial.ts';
import { loadNoiseFill } from './noiseFill.ts';
import { KernelTeam } from './kernelTeam.ts';
import { sliceNetwork } from './slices.ts';
import { yieldToEventLoop } from '../yieldToEventLoop.ts';
import { abortError, chunkLength, cutToStep, passGate } from '../checkpoint.ts';

export interface CpuEngineOptions {
  /** 'f64' (default) is the reference; 'f32' rounds every operation as a GPU would. */
  precision?: Precision;
  /**
   * Threads for the `all` rule's neuron updates (Node; one elsewhere): 'auto' (default) uses every
   * core the process may use. Results are the same bits for any number (slices.ts).
   */
  threads?: number | 'auto';
}

const YIELD_EVERY_MS = 50;
/**
 * Smaller networks stay on one thread: starting a worker costs ~0.3 s and each step's barrier
 * ~20 µs, against ~1 ms per step of work at this size.
 */
export const PARALLEL_MIN_NEURONS = 50_000;

export { abortError };

export class CpuEngine implements Engine {
  readonly backend = 'cpu' as const;
  readonly adapter = null;
  readonly precision: Precision;
  readonly threads: number | 'auto';

  constructor(options: CpuEngineOptions = {}) {
    this.precision = options.precision ?? 'f64';
    this.threads = options.threads ?? 'auto';
    if (this.threads !== 'auto' && !(Number.isInteger(this.threads) && this.threads >= 1)) {
      throw new RangeError(`threads: an integer ≥ 1 or 'auto' (got ${this.threads})`);
    }
  }

  /** Worker threads for `net` besides the caller's: only where the `all` rule has slices to share. */
  private async team(net: CompiledNetwork): Promise<KernelTeam | null> {
    const isNode = typeof process !== 'undefined' && Boolean(process.versions?.node);
    if (!isNode || net.model !== 'spiking' || net.spikeRule !== 'all') return null;
    const cores = this.threads === 'auto' ? (await import('node:os')).availableParallelism() : this.threads;
    if (net.N < PARALLEL_MIN_NEURONS) return null;
    const workers = Math.min(cores, sliceNetwork(net.populations).length) - 1;
    return workers > 0 ? KernelTeam.create(workers) : null;
  }

  async run(net: CompiledNetwork, options: RunOptions = {}): Promise<SimulationResult> {
    // The WebAssembly noise fill where it compiles (Node); the same bits in JavaScript elsewhere.
    await loadNoiseFill();
    const team = await this.team(net);
    try {
      return await this.runTrials(net, options, team);
    } finally {
      await team?.dispose();
    }
  }

  private async runTrials(
    net: CompiledNetwork,
    options: RunOptions,
    team: KernelTeam | null,
  ): Promise<SimulationResult> {
    const { onProgress, signal, gate } = options;
    const total = (net.S - 1) * net.trials;
    const trials: TrialResult[] = [];
    let done = 0;
    let setupSeconds = 0;
    let pausedMs = 0;
    const simStart = performance.now();
    // Steps per chunk sized so one chunk is ~1e6 neuron-updates: cheap to check, fine-grained enough.
    const chunk = chunkLength(Math.max(1, Math.floor(1e6 / Math.max(1, net.N))), options.chunkSteps);
    let lastYield = performance.now();
    for (let trial = 0; trial < net.trials; trial++) {
      const t0 = performance.now();
      const sim =
        net.model === 'spiking'
          ? new SpikingTrial(net, trial, this.precision, team)
          : new RateTrial(net, this.precision);
      setupSeconds += (performance.now() - t0) / 1000;
      for (let t = 1; t < net.S; t += chunk) {
        if (gate) {
          const step = t - 1;
          const pausedAt = performance.now();
          await passGate(
            gate({
              done,
              total,
              trial,
              step,
              partial: async () => cutToStep(sim.result(), step, net.record.every),
            }),
            signal,
          );
          pausedMs += performance.now() - pausedAt;
        }
        const t1 = Math.min(net.S, t + chunk);
        sim.run(t, t1);
        done += t1 - t;
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          onProgress?.(done, total);
          await yieldToEventLoop();
          lastYield = performance.now();
        }
        if (signal?.aborted) throw abortError();
      }
      trials.push(sim.result());
    }
    onProgress?.(total, total);
    // Time spent paused at the gate is not simulation time.
    const simulateSeconds = (performance.now() - simStart - pausedMs) / 1000 - setupSeconds;
    return {
      backend: 'cpu',
      adapter: null,
      steps: net.S,
      dt: net.dt,
      every: net.record.every,
      trials,
      timing: {
        setupSeconds,
        simulateSeconds,
        stepsPerSecond: total / Math.max(simulateSeconds, 1e-9),
        threads: team?.threads ?? 1,
      },
    };
  }

  unsupported(): null {
    return null;
  }

  dispose(): void {}
}
