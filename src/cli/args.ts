// The command line's shared argument parsing: the error for bad arguments (exit 2), the parsers
// of option values, and the options several commands take, so the subcommands need nothing from
// main.ts. A parser given the value `undefined` (the option not given) returns its fallback.

import { BACKEND_CHOICES, type BackendChoice } from '../node.ts';
import type { OptionSpec } from './options.ts';

export class UsageError extends Error {}

export const BACKEND = {
  arg: BACKEND_CHOICES.join('|'),
  help: 'engine; auto takes WebGPU when an adapter exists, else the CPU engine, and says which on stderr',
  default: 'auto',
} as const satisfies OptionSpec;

export const THREADS = {
  arg: 'N|auto',
  help: "CPU-engine threads (auto: every core): a run's trials side by side, or one `all`-rule trial from 50 000 neurons on",
  default: 'auto',
} as const satisfies OptionSpec;

export const FORCE = {
  flag: true,
  help: 'run even when the memory estimate says it does not fit (otherwise exit 3 before allocating)',
} as const satisfies OptionSpec;

export function parseBackend(value: string | undefined): BackendChoice {
  const v = value ?? BACKEND.default;
  if (!(BACKEND_CHOICES as readonly string[]).includes(v)) {
    throw new UsageError(`--backend: unknown backend "${v}"; allowed: ${BACKEND_CHOICES.join(', ')}`);
  }
  return v as BackendChoice;
}

export function parsePositiveInt(name: string, value: string): number;
export function parsePositiveInt(name: string, value: string | undefined, fallback: number): number;
export function parsePositiveInt(name: string, value: string | undefined): number | undefined;
export function parsePositiveInt(
  name: string,
  value: string | undefined,
  fallback?: number,
): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name}: must be a positive integer (got "${value}")`);
  return n;
}

/**
 * `--threads N|auto`: CPU-engine worker threads, for a run's trials or one big `all`-rule trial
 * (docs/cpu-engine.md; the same results for any N). `auto`, the default, is every core.
 */
export function parseThreads(value: string = THREADS.default): number | 'auto' {
  if (value === 'auto') return 'auto';
  return parsePositiveInt('threads', value);
}

/** `--NAME SECONDS`: a positive number of seconds (fractions allowed). */
export function parseSeconds(name: string, value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0) || value.trim() === '')
    throw new UsageError(`--${name}: must be a positive number of seconds (got "${value}")`);
  return n;
}

/** Ctrl-C aborts the current simulation; a second Ctrl-C exits at once. */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onInt = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupted: finishing what is done (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onInt);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onInt) };
}
