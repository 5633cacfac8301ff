// The CPU backend: a full engine, not a test double (GeNN's rule), and the reference every other
// backend is compared with. Trials run one after another on the caller's thread, or, in Node, side
// by side on a pool of worker threads (trialPool.ts) when there are several and enough work to pay
// for the workers; the run yields to the event loop every ~50 ms so progress can be drawn and an
// AbortSignal (Ctrl-C) is honoured between chunks. A gate (RunOptions.gate) is awaited before every
// chunk, which is how a caller pauses and steps a run: a gated run keeps its trials on the caller's
// thread, one after another, so each checkpoint is one trial at one step; so does a run with
// closed-loop input (RunOptions.input), whose source is the caller's function. Any number of threads
// gives the same bits (docs/cpu-engine.md).

import type { Engine, RunOptions, SimulationResult, TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import type { Precision } from './spikingTrial.ts';
import type { KernelTeam } from './kernelTeam.ts';
import type { TrialPool } from './trialPool.ts';
import { ownChunkSteps, startTrial } from './cpuTrial.ts';
import { runtime, type Runtime } from '../runtime.ts';
import { yieldToEventLoop } from '../yieldToEventLoop.ts';
import { abortError, chunkLength, cutToStep, passGate } from '../checkpoint.ts';
import { checkSnapshot, snapshotNetwork, stateInt, stateRecord, type EngineSnapshot } from '../snapshot.ts';
import { InputFeed, inputSteps } from '../input.ts';

export interface CpuEngineOptions {
  /** 'f64' (default) is the reference; 'f32' rounds every operation as a GPU would. */
  precision?: Precision;
  /**
   * Threads (with Node's runtime, runtime.ts; one elsewhere): 'auto' (default) uses every core the
   * process may use. They run a run's trials side by side (PARALLEL_TRIALS_MIN_WORK) or share one
   * big `all`-rule trial's neurons (PARALLEL_MIN_NEURONS). Results are the same bits for any number.
   */
  threads?: number | 'auto';
}

const YIELD_EVERY_MS = 50;
/**
 * Smaller networks stay on one thread: a worker's start and each step's barrier cost more than
 * they save below this size (docs/cpu-engine.md has the figures).
 */
export const PARALLEL_MIN_NEURONS = 50_000;

/**
 * A run's trials go to worker threads when trials × steps × (N + STEP_OVERHEAD_NEURONS) reaches
 * this: about a second on one thread, several times what starting the workers costs, so a small
 * run (a few trials of a few neurons) stays on the caller's thread. STEP_OVERHEAD_NEURONS counts a
 * step's fixed work (input, projections, recording) in neurons' worth.
 */
export const PARALLEL_TRIALS_MIN_WORK = 2e7;
export const STEP_OVERHEAD_NEURONS = 40;

export { abortError };

export class CpuEngine implements Engine {
  readonly backend = 'cpu' as const;
  readonly adapter = null;
  readonly precision: Precision;
  readonly threads: number | 'auto';
  private sharedTeam: Promise<KernelTeam> | null = null;
  private pool: TrialPool | null = null;
  /** A run holds the engine's worker threads (team or pool); runs started meanwhile use one thread. */
  private threadsBusy = false;

  constructor(options: CpuEngineOptions = {}) {
    this.precision = options.precision ?? 'f64';
    this.threads = options.threads ?? 'auto';
    if (this.threads !== 'auto' && !(Number.isInteger(this.threads) && this.threads >= 1)) {
      throw new RangeError(`threads: an integer ≥ 1 or 'auto' (got ${this.threads})`);
    }
  }

  /**
   * Worker threads for `net` besides the caller's, only where the `all` rule has slices to share.
   * One team serves every run of this engine (started on first need, ended by dispose()): a worker
   * costs ~0.3 s to start, and its kernels stay compiled and optimised from one run to the next
   * (a fresh team per run re-ran the JIT's warm-up in every run).
   */
  private async team(net: CompiledNetwork): Promise<KernelTeam | null> {
    const host = runtime();
    if (!host || !sharesNeurons(net)) return null;
    const cores = this.cores(host);
    if (cores < 2) return null;
    // Spare workers cost nothing: slices are claimed, so a worker with none left just reports done.
    this.sharedTeam ??= host.startTeam(cores - 1);
    return this.sharedTeam;
  }

  /** The threads this engine may use: its `threads` option, 'auto' resolved to the cores. */
  private cores(host: Runtime): number {
    return this.threads === 'auto' ? host.cores() : this.threads;
  }

  /**
   * Worker threads for `net`'s trials (1: none): several trials, no gate or input, trials too small to share
   * their neurons, and enough work in all (PARALLEL_TRIALS_MIN_WORK); at most one per trial.
   */
  private trialThreads(net: CompiledNetwork, options: RunOptions): number {
    const host = runtime();
    if (!host || options.gate || options.input || options.resumeFrom || net.trials < 2 || sharesNeurons(net))
      return 1;
    const work = net.trials * (net.S - 1) * (net.N + STEP_OVERHEAD_NEURONS);
    if (work < PARALLEL_TRIALS_MIN_WORK) return 1;
    return Math.min(this.cores(host), net.trials);
  }

  async run(net: CompiledNetwork, options: RunOptions = {}): Promise<SimulationResult> {
    // The WebAssembly noise fill where the runtime has one (Node); the same bits in JavaScript elsewhere.
    await runtime()?.loadNoiseFill();
    // A run started while another holds the threads (runs yield between chunks) goes
    // single-threaded; they are taken before the first await, so two runs started together cannot
    // both take them.
    const owner = !this.threadsBusy;
    this.threadsBusy = true;
    let team: KernelTeam | null = null;
    try {
      if (owner) {
        const threads = this.trialThreads(net, options);
        if (threads > 1) return await this.runOnPool(net, options, threads);
        team = await this.team(net);
      }
      return await this.runTrials(net, options, team);
    } finally {
      team?.end(); // the workers drop this run's arrays
      if (owner) this.threadsBusy = false;
    }
  }

  /** Every trial on the pool's workers; the pool is kept for the next run unless this one failed. */
  private async runOnPool(
    net: CompiledNetwork,
    options: RunOptions,
    threads: number,
  ): Promise<SimulationResult> {
    const { onProgress, signal } = options;
    const total = (net.S - 1) * net.trials;
    const t0 = performance.now();
    if (!this.pool || this.pool.ended) this.pool = runtime()!.startTrialPool();
    await this.pool.grow(threads);
    const setupSeconds = (performance.now() - t0) / 1000;
    if (signal?.aborted) throw abortError();
    const t1 = performance.now();
    const trials = await this.pool.run(net, this.precision, threads, {
      signal,
      onProgress: onProgress && ((done) => onProgress(done, total)),
    });
    const simulateSeconds = (performance.now() - t1) / 1000;
    onProgress?.(total, total);
    return simulationResult(net, trials, setupSeconds, simulateSeconds, threads);
  }

  private async runTrials(
    net: CompiledNetwork,
    options: RunOptions,
    team: KernelTeam | null,
  ): Promise<SimulationResult> {
    const { onProgress, signal, gate, resumeFrom, input } = options;
    const total = (net.S - 1) * net.trials;
    // Closed-loop input: the trials read the feed's x, asked for span by span (input.ts).
    const feed = input ? new InputFeed(net, input, inputSteps(options.chunkSteps)) : null;
    const simulated = feed ? { ...net, x: feed.x } : net;
    // One trial's state, whatever the number of threads (their results are the same bits).
    const identity = {
      backend: 'cpu' as const,
      precision: this.precision,
      layout: `cpu/${net.model}${feed ? '; closed-loop input' : ''}`,
    };
    if (resumeFrom) checkSnapshot(resumeFrom, identity, net);
    const trials: TrialResult[] = resumeFrom ? [...resumeFrom.finished] : [];
    let done = 0;
    let setupSeconds = 0;
    let pausedMs = 0;
    const simStart = performance.now();
    const chunk = chunkLength(ownChunkSteps(net), options.chunkSteps);
    let lastYield = performance.now();
    for (let trial = trials.length; trial < net.trials; trial++) {
      const t0 = performance.now();
      const sim = startTrial(simulated, trial, this.precision, team);
      feed?.begin(trial);
      let first = 1;
      if (resumeFrom && trial === resumeFrom.trial) {
        sim.restore(stateRecord(resumeFrom.state.trial, 'trial'));
        first = stateInt(resumeFrom.state.step, 'step', 0, net.S - 1) + 1;
        feed?.restore(resumeFrom.state.input, trial);
      }
      done = trial * (net.S - 1) + first - 1;
      setupSeconds += (performance.now() - t0) / 1000;
      for (let t = first; t < net.S;) {
        if (gate) {
          const step = t - 1;
          const pausedAt = performance.now();
          const snapshot = async (): Promise<EngineSnapshot> => ({
            ...identity,
            network: snapshotNetwork(net),
            finished: trials.slice(),
            trial,
            done: trial * (net.S - 1) + step,
            state: { step, trial: sim.save(), ...(feed ? { input: feed.save(step) } : {}) },
          });
          await passGate(
            gate({
              done,
              total,
              trial,
              step,
              partial: async () => cutToStep(sim.result(), step, net.record.every),
              snapshot,
            }),
            signal,
          );
          pausedMs += performance.now() - pausedAt;
        }
        await feed?.need(t, async () => sim.latest(), signal);
        const t1 = Math.min(net.S, t + chunk, feed?.provided ?? net.S);
        sim.run(t, t1);
        done += t1 - t;
        t = t1;
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
    return simulationResult(net, trials, setupSeconds, simulateSeconds, team?.threads ?? 1);
  }

  unsupported(): null {
    return null;
  }

  /** Ends the worker threads, if any were started (they do not keep the process alive meanwhile). */
  dispose(): void {
    void this.sharedTeam?.then((team) => team.dispose());
    this.sharedTeam = null;
    void this.pool?.dispose();
    this.pool = null;
  }
}

/** Whether one trial of `net` shares its neurons out to worker threads (kernelTeam.ts). */
function sharesNeurons(net: CompiledNetwork): boolean {
  return net.model === 'spiking' && net.spikeRule === 'all' && net.N >= PARALLEL_MIN_NEURONS;
}

function simulationResult(
  net: CompiledNetwork,
  trials: TrialResult[],
  setupSeconds: number,
  simulateSeconds: number,
  threads: number,
): SimulationResult {
  const total = (net.S - 1) * net.trials;
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
      threads,
    },
  };
}
