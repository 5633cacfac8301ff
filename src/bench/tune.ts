// `latentspike tune`: times the WebGPU engine's speed knobs (src/engine/webgpu/tuning.ts) on this
// machine's adapter and keeps the fastest. One knob at a time, in the order of TUNING_AXES, each
// set to its fastest value before the next is tried (a coordinate search: 5 + 5 + 1 + 3 + 3
// candidates instead of their product). A candidate's time is the median over `repetitions` of
// the engine's simulate time per step and trial on the CPU bench's network (src/bench/cpuBench.ts:
// fig5's rank-2 boundary, `all` rule, exponential synapses, σ_V 0.01) with `trials` trials, at
// each of `sizes`; its score is the sum over sizes of that time over the built-in defaults' time,
// so every size counts alike. A candidate replaces the current choice only when it scores at least
// MARGIN lower, so that noise does not move the choice. Every candidate's spike counts are checked
// against the defaults' on the same runs; a candidate that differs is refused (the tests prove
// none does, so this is a guard, not the proof). Stopped by its signal after the defaults were
// timed, it returns the best choice so far (`interrupted`), so a cut-off run still tunes.

import { compileNetwork, type CompiledNetwork } from '../model/compile.ts';
import { parseRunFile } from '../model/parse.ts';
import { median } from '../analysis/stats.ts';
import type { GpuDevice } from '../engine/webgpu/device.ts';
import { WebGpuEngine } from '../engine/webgpu/webgpuEngine.ts';
import {
  choiceOf,
  describeChoice,
  engineOptionsOf,
  kernelCandidates,
  TUNING_AXES,
  type TuningChoice,
} from '../engine/webgpu/tuning.ts';
import { benchRunFile } from './cpuBench.ts';

/** A candidate must be this much faster (relative score) to replace the current choice. */
const MARGIN = 0.03;

export interface TuneOptions {
  gpu: GpuDevice;
  /** Network sizes to time each candidate at. */
  sizes: number[];
  /** Samples per run (steps + 1). */
  steps: number;
  /** Trials per run (so that trials per batch matters). */
  trials: number;
  repetitions: number;
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

export interface TuneTrial {
  axis: keyof TuningChoice | 'defaults';
  choice: TuningChoice;
  /** Seconds per step and trial at each size (median), or null where it was refused. */
  seconds: number[] | null;
  /** Sum over sizes of seconds / the defaults' seconds. */
  score: number;
  note: string;
}

export interface TuneResult {
  defaults: TuningChoice;
  choice: TuningChoice;
  /** The defaults' score over the choice's (≥ 1). */
  speedup: number;
  trials: TuneTrial[];
  /** The signal stopped the search: `choice` is the best of the candidates timed until then. */
  interrupted: boolean;
}

function network(neurons: number, options: TuneOptions): CompiledNetwork {
  const run = benchRunFile({ neurons, steps: options.steps, sigmaV: 0.01 });
  return compileNetwork(parseRunFile({ ...run, trials: options.trials }));
}

const countsOf = (r: { trials: { spikeCounts: Int32Array[] | Uint32Array[] | ArrayLike<number>[] }[] }) =>
  JSON.stringify(r.trials.map((t) => t.spikeCounts.map((c) => Array.from(c))));

export async function runTune(options: TuneOptions): Promise<TuneResult> {
  const { gpu, sizes, repetitions } = options;
  const emit = (line: string) => options.onLine?.(line);
  const nets = sizes.map((n) => network(n, options));
  const builtIn = await WebGpuEngine.create({ gpu });
  const defaults = choiceOf(builtIn.shape);
  builtIn.dispose();
  let reference: string[] | null = null;
  let base: number[] = [];

  /** Times `choice` at every size; null (with a note) when its spikes differ from the defaults'. */
  const time = async (choice: TuningChoice): Promise<{ seconds: number[] | null; note: string }> => {
    const engine = await WebGpuEngine.create({ gpu, ...engineOptionsOf(choice) });
    try {
      const seconds: number[] = [];
      const counts: string[] = [];
      for (const net of nets) {
        options.signal?.throwIfAborted();
        const warm = await engine.run(net, { signal: options.signal });
        counts.push(countsOf(warm));
        const times: number[] = [];
        for (let r = 0; r < repetitions; r++) {
          const result = await engine.run(net, { signal: options.signal });
          times.push(result.timing.simulateSeconds / ((net.S - 1) * net.trials));
        }
        seconds.push(median(times));
      }
      if (reference === null) reference = counts;
      const differs = counts.findIndex((c, k) => c !== reference![k]);
      if (differs >= 0) {
        return {
          seconds: null,
          note: `refused: spike counts differ from the defaults' at N = ${nets[differs].N}`,
        };
      }
      return { seconds, note: '' };
    } finally {
      engine.dispose();
    }
  };
  const score = (seconds: number[]) => seconds.reduce((s, t, k) => s + t / base[k], 0);
  const trials: TuneTrial[] = [];
  const record = (trial: TuneTrial) => {
    trials.push(trial);
    const times = trial.seconds ? trial.seconds.map((t) => (t * 1e6).toPrecision(4)).join(' / ') : '—';
    emit(
      `${trial.axis.padEnd(20)} ${trial.score.toFixed(3).padStart(7)}  µs/step·trial ${times}  ${describeChoice(trial.choice)}${trial.note ? `  ${trial.note}` : ''}`,
    );
  };

  emit(
    `tuning on N = ${sizes.join(', ')}, ${options.steps - 1} steps × ${options.trials} trials, median of ${repetitions}`,
  );
  emit(
    `${'knob'.padEnd(20)} ${'score'.padStart(7)}  (sum over sizes of time / defaults' time; lower is faster)`,
  );
  const first = await time(defaults);
  base = first.seconds!;
  record({ axis: 'defaults', choice: defaults, seconds: base, score: sizes.length, note: '' });
  let choice = defaults;
  let best = sizes.length;
  let interrupted = false;
  const workgroupSizes = new Set(kernelCandidates(gpu.device.limits).map((c) => c.workgroupSize));
  for (const axis of Object.keys(TUNING_AXES) as (keyof TuningChoice)[]) {
    const values = (TUNING_AXES[axis] as readonly (number | boolean | null)[]).filter(
      (v) =>
        v !== choice[axis] &&
        (axis !== 'workgroupSize' || workgroupSizes.has(v as number)) &&
        // The scalar path differs from the vector one only at a multiple of 4 neurons per invocation.
        (axis !== 'quads' || choice.neuronsPerInvocation % 4 === 0),
    );
    let axisBest = choice;
    for (const value of values) {
      const candidate = { ...choice, [axis]: value } as TuningChoice;
      let timed: Awaited<ReturnType<typeof time>>;
      try {
        timed = await time(candidate);
      } catch (err) {
        if (!options.signal?.aborted) throw err;
        interrupted = true;
        break;
      }
      const { seconds, note } = timed;
      const s = seconds ? score(seconds) : Infinity;
      record({ axis, choice: candidate, seconds, score: s, note });
      if (s < best * (1 - MARGIN)) {
        best = s;
        axisBest = candidate;
      }
    }
    choice = axisBest;
    if (interrupted) break;
  }
  const speedup = sizes.length / best;
  emit(
    `chosen (${speedup.toFixed(2)}× the built-in defaults${interrupted ? '; interrupted: the best of the candidates timed so far' : ''}): ${describeChoice(choice)}`,
  );
  return { defaults, choice, speedup, trials, interrupted };
}
