// The CPU backend: a full engine, not a test double (GeNN's rule), and the reference every other
// backend is compared with. Trials run one after another; the run yields to the event loop every
// ~50 ms so progress can be drawn and an AbortSignal (Ctrl-C) is honoured between chunks; a gate
// (RunOptions.gate) is awaited before every chunk, which is how a caller pauses and steps a run.

import type { Engine, RunOptions, SimulationResult, TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { SpikingTrial, type Precision } from './spikingTrial.ts';
import { RateTrial } from './rateTrial.ts';
import { loadNoiseFill } from './noiseFill.ts';
import { yieldToEventLoop } from '../yieldToEventLoop.ts';
import { abortError, chunkLength, cutToStep, passGate } from '../checkpoint.ts';

export interface CpuEngineOptions {
  /** 'f64' (default) is the reference; 'f32' rounds every operation as a GPU would. */
  precision?: Precision;
}

const YIELD_EVERY_MS = 50;

export { abortError };

export class CpuEngine implements Engine {
  readonly backend = 'cpu' as const;
  readonly adapter = null;
  readonly precision: Precision;

  constructor(options: CpuEngineOptions = {}) {
    this.precision = options.precision ?? 'f64';
  }

  async run(net: CompiledNetwork, options: RunOptions = {}): Promise<SimulationResult> {
    const { onProgress, signal, gate } = options;
    // The WebAssembly noise fill where it compiles (Node); the same bits in JavaScript elsewhere.
    await loadNoiseFill();
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
          ? new SpikingTrial(net, trial, this.precision)
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
      timing: { setupSeconds, simulateSeconds, stepsPerSecond: total / Math.max(simulateSeconds, 1e-9) },
    };
  }

  unsupported(): null {
    return null;
  }

  dispose(): void {}
}
