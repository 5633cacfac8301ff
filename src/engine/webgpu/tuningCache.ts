// The tuning cache (Node only): `$XDG_CACHE_HOME/latentspike/tuning.json` (~/.cache when unset),
// one entry per adapter (tuning.ts's AdapterIdentity), written by `latentspike tune` and read when
// the CLI makes a WebGPU engine. The file is versioned; a file that cannot be read, parsed, or is
// of another version, and an entry that is not a tested candidate, are warned about and ignored
// (the run uses the built-in defaults) and never stop a run.
//
// { "version": 1, "adapters": { "<identityKey>": { "adapter": AdapterIdentity,
//   "choice": TuningChoice, "tunedAt": ISO time, "sizes": [N…], "speedup": number } } }

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { GpuDevice } from './device.ts';
import {
  adapterIdentity,
  identityKey,
  notACandidate,
  tuningOff,
  TUNING_VARIABLE,
  type AdapterIdentity,
  type TuningChoice,
  type TuningSource,
} from './tuning.ts';

export const TUNING_FILE_VERSION = 1;

export interface TuningEntry {
  adapter: AdapterIdentity;
  choice: TuningChoice;
  tunedAt: string;
  /** The network sizes the choice was timed at. */
  sizes: number[];
  /** Time of the built-in defaults over the choice's, summed over sizes relative to the defaults. */
  speedup: number;
}

interface TuningFile {
  version: typeof TUNING_FILE_VERSION;
  adapters: Record<string, TuningEntry>;
}

/** The cache file's path: $XDG_CACHE_HOME/latentspike/tuning.json, ~/.cache when unset or relative. */
export function tuningPath(env: Record<string, string | undefined> = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache');
  return join(base, 'latentspike', 'tuning.json');
}

function isChoice(c: unknown): c is TuningChoice {
  if (typeof c !== 'object' || c === null) return false;
  const o = c as Record<string, unknown>;
  const int = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  return (
    int(o.workgroupSize) &&
    int(o.neuronsPerInvocation) &&
    typeof o.quads === 'boolean' &&
    int(o.neuronStepsPerSubmit) &&
    (o.maxTrialsPerBatch === null || int(o.maxTrialsPerBatch))
  );
}

/** The file's entries; an unreadable or foreign file warns and counts as empty. */
export function readTuningFile(path: string, warn: (line: string) => void): Record<string, TuningEntry> {
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    warn(`tuning: ignoring ${path}: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
  const file = parsed as Partial<TuningFile> | null;
  if (typeof file !== 'object' || file === null || file.version !== TUNING_FILE_VERSION) {
    warn(
      `tuning: ignoring ${path}: not a version ${TUNING_FILE_VERSION} tuning file (run \`latentspike tune\` to rewrite it)`,
    );
    return {};
  }
  if (typeof file.adapters !== 'object' || file.adapters === null) {
    warn(`tuning: ignoring ${path}: it has no "adapters" object`);
    return {};
  }
  return file.adapters;
}

/** The cached choice for this device's adapter, or null (with a warning when an entry is unusable). */
export function lookupTuning(
  path: string,
  gpu: GpuDevice,
  warn: (line: string) => void,
): TuningChoice | null {
  const entry = readTuningFile(path, warn)[identityKey(adapterIdentity(gpu.adapterInfo, gpu.device.limits))];
  if (entry === undefined) return null;
  if (!isChoice(entry?.choice)) {
    warn(`tuning: ignoring this adapter's entry in ${path}: its "choice" is malformed`);
    return null;
  }
  const why = notACandidate(entry.choice, gpu.device.limits);
  if (why) {
    warn(`tuning: ignoring this adapter's entry in ${path}: ${why}`);
    return null;
  }
  return entry.choice;
}

/** Writes (or replaces) this adapter's entry, keeping the others; an unreadable file is replaced. */
export function storeTuning(path: string, entry: TuningEntry, warn: (line: string) => void): void {
  const adapters = { ...readTuningFile(path, warn), [identityKey(entry.adapter)]: entry };
  const file: TuningFile = { version: TUNING_FILE_VERSION, adapters };
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 1)}\n`);
  renameSync(tmp, path);
}

/**
 * The engine's tuning for this device: the cached choice, the built-in defaults when there is
 * none, or off (LATENTSPIKE_TUNING=off). A bad LATENTSPIKE_TUNING value throws.
 */
export function resolveTuning(
  gpu: GpuDevice,
  warn: (line: string) => void,
  env: Record<string, string | undefined> = process.env,
): { choice: TuningChoice | null; source: TuningSource } {
  const off = tuningOff(env);
  if (off instanceof Error) throw off;
  if (off) return { choice: null, source: { kind: 'off', why: `${TUNING_VARIABLE}=off or --no-tune` } };
  const path = tuningPath(env);
  const choice = lookupTuning(path, gpu, warn);
  return choice
    ? { choice, source: { kind: 'cache', path, choice } }
    : { choice: null, source: { kind: 'defaults', path } };
}
