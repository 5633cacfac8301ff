// Engine snapshots: the whole state of a run at a chunk boundary (a gate point, engine.ts), taken
// with RunCheckpoint.snapshot() and continued with RunOptions.resumeFrom. A snapshot is plain data
// (numbers, strings, typed arrays, nested objects and arrays): snapshotCodec.ts writes it to bytes
// and back. Resuming is bit-exact only on the backend, precision and state layout that took it, so
// those are part of the snapshot and checked (checkSnapshot); across backends nothing is promised.
// The voltage noise needs no state of its own: it is keyed by (seed, trial, step, neuron)
// (philox.ts), so the step is the noise counter.

import type { CompiledNetwork } from '../model/compile.ts';
import type { BackendName, TrialResult } from './engine.ts';

export type SnapshotArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

/** What a snapshot is made of: JSON values and typed arrays. */
export type SnapshotValue =
  number | string | boolean | null | SnapshotArray | SnapshotValue[] | { [key: string]: SnapshotValue };

/** The network a snapshot belongs to, as far as the engine can tell (the CLI adds the run file's hash). */
export interface SnapshotNetwork {
  model: string;
  spikeRule: string;
  N: number;
  L: number;
  S: number;
  trials: number;
  seed: number;
}

export interface EngineSnapshot {
  backend: BackendName;
  /** 'f64' or 'f32' (the WebGPU engine computes in f32). */
  precision: string;
  /**
   * How the engine lays out the state of a trial or batch (its path, trials per batch, state
   * words, …): a resume must lay it out the same way.
   */
  layout: string;
  network: SnapshotNetwork;
  /** Finished trials, in trial order (0 … trial − 1). */
  finished: TrialResult[];
  /** The trial in progress (in a batch: the batch's first); net.trials when the run is complete. */
  trial: number;
  /** Steps simulated so far, summed over trials. */
  done: number;
  /** The engine's state of the trial or batch in progress, recordings so far included. */
  state: { [key: string]: SnapshotValue };
}

/** A snapshot that this engine or network cannot continue (RunOptions.resumeFrom). */
export class SnapshotMismatch extends Error {
  override name = 'SnapshotMismatch';
}

export function snapshotNetwork(net: CompiledNetwork): SnapshotNetwork {
  const { model, spikeRule, N, L, S, trials, seed } = net;
  return { model, spikeRule, N, L, S, trials, seed };
}

/**
 * Throws a SnapshotMismatch naming the first difference between `snapshot` and what this run would
 * take (its backend, precision, layout and network).
 */
export function checkSnapshot(
  snapshot: EngineSnapshot,
  expected: Pick<EngineSnapshot, 'backend' | 'precision' | 'layout'>,
  net: CompiledNetwork,
): void {
  const differ = (what: string, got: unknown, want: unknown) => {
    throw new SnapshotMismatch(
      `the checkpoint was taken with ${what} ${JSON.stringify(got)}, this run has ${JSON.stringify(want)}` +
        ' (a run resumes only where it was taken: same backend, precision, layout and network)',
    );
  };
  if (snapshot.backend !== expected.backend) differ('backend', snapshot.backend, expected.backend);
  if (snapshot.precision !== expected.precision) differ('precision', snapshot.precision, expected.precision);
  const network = snapshotNetwork(net);
  for (const key of Object.keys(network) as (keyof SnapshotNetwork)[]) {
    if (snapshot.network[key] !== network[key]) differ(`network ${key}`, snapshot.network[key], network[key]);
  }
  if (snapshot.layout !== expected.layout) differ('state layout', snapshot.layout, expected.layout);
  if (!(Number.isInteger(snapshot.trial) && snapshot.trial >= 0 && snapshot.trial <= net.trials)) {
    throw new SnapshotMismatch(`the checkpoint's trial ${snapshot.trial} is outside 0…${net.trials}`);
  }
  if (snapshot.finished.length !== snapshot.trial) {
    throw new SnapshotMismatch(
      `the checkpoint holds ${snapshot.finished.length} finished trials, expected ${snapshot.trial}`,
    );
  }
}

/** `value` as a typed array of the class `kind` and, when given, `length` elements. */
export function stateArray<T extends SnapshotArray>(
  value: SnapshotValue | undefined,
  kind: { new (n: number): T; name: string },
  name: string,
  length?: number,
): T {
  if (!(value instanceof kind))
    throw new SnapshotMismatch(`checkpoint state '${name}': expected a ${kind.name}`);
  if (length !== undefined && value.length !== length) {
    throw new SnapshotMismatch(`checkpoint state '${name}': ${value.length} values, expected ${length}`);
  }
  return value;
}

/** `value` as an integer in [min, max]. */
export function stateInt(value: SnapshotValue | undefined, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SnapshotMismatch(`checkpoint state '${name}': expected an integer in ${min}…${max}`);
  }
  return value;
}

/** Copies the saved `value` into `target`, which it must match in type and length. */
export function restoreInto(target: SnapshotArray, value: SnapshotValue | undefined, name: string): void {
  const kind = target.constructor as { new (n: number): SnapshotArray; name: string };
  target.set(stateArray(value, kind, name, target.length) as never);
}

/** `value` as a nested record of state. */
export function stateRecord(
  value: SnapshotValue | undefined,
  name: string,
): { [key: string]: SnapshotValue } {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new SnapshotMismatch(`checkpoint state '${name}': missing`);
  }
  return value;
}
