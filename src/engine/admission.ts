// Admission of a point before it allocates: its host memory need (memoryNeed.ts) against what this
// machine can give (the cgroup's limit, the kernel's available memory).

import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { DoesNotFitError } from '../model/errors.ts';
import { runFileRefusal } from './memoryNeed.ts';

function readNumber(path: string): number | null {
  try {
    const v = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(v) ? v : null; // "max" (no limit) is not a number
  } catch {
    return null;
  }
}

/** Bytes this process may still allocate: the kernel's available memory, within the cgroup's limit. */
export function availableMemory(): number {
  const limit = readNumber('/sys/fs/cgroup/memory.max');
  const used = readNumber('/sys/fs/cgroup/memory.current');
  const cgroupLeft = limit !== null && used !== null ? limit - used : Infinity;
  return Math.min(freemem(), cgroupLeft);
}

/**
 * Refuses (DoesNotFitError, exit 3) a run file whose estimated host memory exceeds what is available,
 * before the parser allocates its per-neuron arrays. A run file too malformed to estimate passes
 * through: the parser refuses it with the field's path (exit 2).
 */
export function admitRunFile(json: unknown, available = availableMemory()): void {
  const refusal = runFileRefusal(json, available);
  if (refusal) throw new DoesNotFitError(`${refusal}; --force tries anyway`);
}

/** admitRunFile on a run file's text; text that is not JSON is left to the parser (exit 2). */
export function admitRunText(text: string): void {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return;
  }
  admitRunFile(json);
}
