// Closed-loop input (RunOptions.input): the caller gives x(t) span by span while the run goes, each
// span asked for just before its first step is simulated, with the latents the run has reached. The
// spans are `inputSteps` steps long from step 1 on, whatever the engine and its own chunks, so a
// closed loop gives the same bits on every engine that computes the same values (CPU f32, WebGPU).
// InputFeed is the one place that asks, checks what comes back and keeps it; each backend writes it
// where its kernels read x (the CPU engine reads feed.x itself, the WebGPU engine's drive rows).

import type { CompiledNetwork } from '../model/compile.ts';
import { chunkLength, passGate } from './checkpoint.ts';
import { stateArray, stateInt, stateRecord, type SnapshotValue } from './snapshot.ts';

/** What a run's input source sees of the trial it gives input to (RunOptions.input). */
export interface LatentsSoFar {
  /** The trial asking: every trial of a run gets its own input, asked trial after trial. */
  trial: number;
  /** Steps 1 … step of that trial have been simulated; the values below are those after step `step`. */
  step: number;
  /** y_l after `step`, one per latent channel in the run file's order (y[0] at step 0). */
  latents: Float64Array;
  /** The readouts after `step`, one per readout in the run file's order. */
  readouts: Float64Array;
}

/**
 * RunOptions.input: the input x at steps fromStep … toStep − 1, row-major [(toStep − fromStep)][J]
 * (J: the run's input dimensions), as a Float32Array or Float64Array of finite values. Step t
 * integrates from x[t − 1] to x[t] (MODEL.md §3), so x[0] stays the run file's: it sets the
 * initial state.
 */
export type InputSource = (
  fromStep: number,
  toStep: number,
  latentsSoFar: LatentsSoFar,
) => Promise<Float32Array | Float64Array> | Float32Array | Float64Array;

/** Steps per input span when RunOptions.chunkSteps is not given: 10 ms at dt = 0.1 ms. */
export const DEFAULT_INPUT_STEPS = 100;

/** An input source that broke its contract (wrong type, length or a value that is not finite). */
export class InputError extends Error {
  override name = 'InputError';
}

/** The steps one input span covers: RunOptions.chunkSteps, else DEFAULT_INPUT_STEPS. */
export function inputSteps(chunkSteps: number | undefined): number {
  return chunkSteps === undefined ? DEFAULT_INPUT_STEPS : chunkLength(Infinity, chunkSteps);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an Array of ${value.length}`;
  if (typeof value === 'object') return `a ${(value as object).constructor?.name ?? 'object'}`;
  return `${typeof value} ${String(value)}`;
}

/**
 * The input of one run, trial after trial: x (sample 0 the network's, the rest as given), and how
 * far the current trial's input goes. A trial started again (a WebGPU run that lost its device runs
 * the trial in progress again) is given back what it was given before, without asking again.
 */
export class InputFeed {
  /** The run's input, row-major [S][J]: what the current trial's kernels read. */
  readonly x: Float64Array;
  private trial = -1;
  /** The current trial's steps below `given` have their input. */
  private given = 1;

  constructor(
    private readonly net: CompiledNetwork,
    private readonly source: InputSource,
    /** Steps per span (inputSteps). */
    readonly span: number,
  ) {
    this.x = net.x.slice();
  }

  /** The first step of the current trial without input: it may run up to, not including, this. */
  get provided(): number {
    return this.given;
  }

  /** Trial `trial` starts (from its first step, or again after a restart: its input is kept). */
  begin(trial: number): void {
    if (trial === this.trial) return;
    this.trial = trial;
    this.given = 1;
  }

  /**
   * Before step t (t ≥ 1) runs: when it has no input yet, asks the source for the span from t on
   * with the latents after step t − 1, checks and keeps it, and returns the steps it covers;
   * otherwise returns null. Aborting `signal` while the source works rejects with an AbortError.
   */
  async need(
    t: number,
    latest: () => Promise<{ latents: Float64Array; readouts: Float64Array }>,
    signal: AbortSignal | undefined,
  ): Promise<{ from: number; to: number } | null> {
    if (t < this.given) return null;
    if (t !== this.given) throw new Error(`InputFeed: step ${t} asked for past step ${this.given}`);
    const { S, J } = this.net;
    const from = t;
    const to = Math.min(S, from + this.span);
    const { latents, readouts } = await latest();
    // Aborting the run while the source is still working rejects at once.
    const values: unknown = await passGate(
      Promise.resolve(this.source(from, to, { trial: this.trial, step: from - 1, latents, readouts })),
      signal,
    );
    const what = `RunOptions.input(${from}, ${to}) for trial ${this.trial}`;
    if (!(values instanceof Float32Array || values instanceof Float64Array)) {
      throw new InputError(`${what}: must return a Float32Array or Float64Array, got ${describe(values)}`);
    }
    const expected = (to - from) * J;
    if (values.length !== expected) {
      throw new InputError(
        `${what}: returned ${values.length} values, expected ${expected} ` +
          `((toStep − fromStep) × ${J} input dimension${J === 1 ? '' : 's'}, row-major by step)`,
      );
    }
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        throw new InputError(
          `${what}: value ${i} (step ${from + Math.floor(i / J)}, dimension ${i % J}) is ${values[i]}; ` +
            'the input must be finite',
        );
      }
    }
    this.x.set(values, from * J);
    this.given = to;
    return { from, to };
  }

  /**
   * The current trial's input from sample `step` on, at a checkpoint after step `step`: what the
   * steps after it read that was given before it (x[step], and the rest of the span in progress).
   */
  save(step: number): { [key: string]: SnapshotValue } {
    const { J } = this.net;
    return { step, provided: this.given, x: this.x.slice(step * J, this.given * J) };
  }

  /** Takes back what save() gave, as trial `trial`'s input (kept as it is when it already has it). */
  restore(saved: SnapshotValue | undefined, trial: number): void {
    const { S, J } = this.net;
    const record = stateRecord(saved, 'input');
    const step = stateInt(record.step, 'input.step', 0, S - 1);
    const provided = stateInt(record.provided, 'input.provided', step + 1, S);
    const x = stateArray(record.x, Float64Array, 'input.x', (provided - step) * J);
    if (trial === this.trial && this.given >= provided) return;
    this.trial = trial;
    this.given = provided;
    this.x.set(x, step * J);
  }
}
