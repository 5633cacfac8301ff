// The CPU backend: a full engine, not a test double (GeNN's rule), and the reference every other
// backend is compared with. Trials run one after another; the run yields to the event loop every
// ~50 ms so progress can be drawn and an AbortSignal (Ctrl-C) is honoured between chunks; a gate
// (RunOptions.gate) is awaited before every chunk, which is how a caller pauses and steps a run.

import type { Engine, RunOptions, SimulationResult, TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { SpikingTrial, type Precision } from './spikingTrial.ts';
import { RateTrial } from './rateTrial.ts';
import type { KernelTeam } from './kernelTeam.ts';
import { runtime } from '../runtime.ts';
import { yieldToEventLoop } from '../yieldToEventLoop.ts';
import { abortError, chunkLength, cutToStep, passGate } from '../checkpoint.ts';
import { checkSnapshot, snapshotNetwork, stateInt, stateRecord, type EngineSnapshot } from '../snapshot.ts';

export interface CpuEngineOptions {
  /** 'f64' (default) is the reference; 'f32' rounds every operation as a GPU would. */
  precision?: Precision;
  /**
   * Threads for the `all` rule's neuron updates (with Node's runtime, runtime.ts; one elsewhere):
   * 'auto' (default) uses every core the process may use. Results are the same bits for any number (slices.ts).
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
  private sharedTeam: Promise<KernelTeam> | null = null;
  private teamBusy = false;

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
    if (!host || net.model !== 'spiking' || net.spikeRule !== 'all') return null;
    if (net.N < PARALLEL_MIN_NEURONS) return null;
    const cores = this.threads === 'auto' ? host.cores() : this.threads;
    if (cores < 2) return null;
    // Spare workers cost nothing: slices are claimed, so a worker with none left just reports done.
    this.sharedTeam ??= host.startTeam(cores - 1);
    return this.sharedTeam;
  }

  async run(net: CompiledNetwork, options: RunOptions = {}): Promise<SimulationResult> {
    // The WebAssembly noise fill where the runtime has one (Node); the same bits in JavaScript elsewhere.
    await runtime()?.loadNoiseFill();
    // A run started while another holds the team (runs yield between chunks) goes single-threaded;
    // the team is taken before the first await, so two runs started together cannot both take it.
    const owner = !this.teamBusy;
    this.teamBusy = true;
    let team: KernelTeam | null = null;
    try {
      team = owner ? await this.team(net) : null;
      return await this.runTrials(net, options, team);
    } finally {
      team?.end(); // the workers drop this run's arrays
      if (owner) this.teamBusy = false;
    }
  }

  private async runTrials(
    net: CompiledNetwork,
    options: RunOptions,
    team: KernelTeam | null,
  ): Promise<SimulationResult> {
    const { onProgress, signal, gate, resumeFrom } = options;
    const total = (net.S - 1) * net.trials;
    // One trial's state, whatever the number of threads (their results are the same bits).
    const identity = { backend: 'cpu' as const, precision: this.precision, layout: `cpu/${net.model}` };
    if (resumeFrom) checkSnapshot(resumeFrom, identity, net);
    const trials: TrialResult[] = resumeFrom ? [...resumeFrom.finished] : [];
    let done = 0;
    let setupSeconds = 0;
    let pausedMs = 0;
    const simStart = performance.now();
    // Steps per chunk sized so one chunk is ~1e6 neuron-updates: cheap to check, fine-grained enough.
    const chunk = chunkLength(Math.max(1, Math.floor(1e6 / Math.max(1, net.N))), options.chunkSteps);
    let lastYield = performance.now();
    for (let trial = trials.length; trial < net.trials; trial++) {
      const t0 = performance.now();
      const sim =
        net.model === 'spiking'
          ? new SpikingTrial(net, trial, this.precision, team)
          : new RateTrial(net, this.precision);
      let first = 1;
      if (resumeFrom && trial === resumeFrom.trial) {
        sim.restore(stateRecord(resumeFrom.state.trial, 'trial'));
        first = stateInt(resumeFrom.state.step, 'step', 0, net.S - 1) + 1;
      }
      done = trial * (net.S - 1) + first - 1;
      setupSeconds += (performance.now() - t0) / 1000;
      for (let t = first; t < net.S; t += chunk) {
        if (gate) {
          const step = t - 1;
          const pausedAt = performance.now();
          const snapshot = async (): Promise<EngineSnapshot> => ({
            ...identity,
            network: snapshotNetwork(net),
            finished: trials.slice(),
            trial,
            done: trial * (net.S - 1) + step,
            state: { step, trial: sim.save() },
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

  /** Ends the worker threads, if any were started (they do not keep the process alive meanwhile). */
  dispose(): void {
    void this.sharedTeam?.then((team) => team.dispose());
    this.sharedTeam = null;
  }
}
