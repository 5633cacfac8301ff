// What a run file needs in host memory, estimated from the run file alone, and the refusal text
// when that exceeds what is available. No Node imports: the command line (admission.ts) and the
// browser app share it, each with its own idea of what is available.
// The per-neuron figure covers the spec's, the compiled network's and the engine's arrays (bytes
// per neuron fitted to the scale recipe's measured peak RSS at 10⁶ and 10⁷ neurons: docs/performance.md); recordings grow with steps, trials
// and the recorded neurons and are counted from the run file.

import type { RunFileJson } from '../model/runFile.ts';

/** Host bytes per neuron (all copies of the constants and the state, f64), plus latents per neuron. */
const BYTES_PER_NEURON = 110;
const BYTES_PER_NEURON_LATENT = 24;
/** A process's own footprint before any network (Node, tsx, the engine's code). */
const PROCESS_BYTES = 120 * 2 ** 20;
/** Spike events are budgeted at this mean rate (Hz) when trains are recorded: 8 bytes each. */
const BUDGET_RATE_HZ = 100;

export interface MemoryNeed {
  bytes: number;
  /** What the bytes are for, largest first, for the refusal message. */
  parts: { what: string; bytes: number }[];
}

export function estimatePointMemory(run: RunFileJson, neurons: number, recordSpikes: boolean): MemoryNeed {
  const K = run.latents.length;
  const J = run.input.samples?.length ?? run.input.keyframes?.x.length ?? 1;
  const trials = run.trials ?? 1;
  const every = run.record?.every ?? 1;
  const samples = Math.ceil(run.steps / every) + 1;
  const parts = [
    {
      what: 'network constants and state',
      bytes: neurons * (BYTES_PER_NEURON + BYTES_PER_NEURON_LATENT * (K + J)),
    },
    { what: 'input', bytes: run.steps * J * 8 * 2 },
    { what: 'latent recordings', bytes: run.record?.latents === false ? 0 : trials * K * samples * 8 * 2 },
    {
      what: recordSpikes ? 'spike recordings' : 'spike counts',
      bytes: recordSpikes ? trials * neurons * run.steps * run.dt * BUDGET_RATE_HZ * 8 : trials * neurons * 4,
    },
    { what: 'process', bytes: PROCESS_BYTES },
  ].sort((a, b) => b.bytes - a.bytes);
  return { bytes: parts.reduce((s, p) => s + p.bytes, 0), parts };
}

export const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** Null when the point fits; otherwise why it does not, naming the need and what is available. */
export function admission(need: MemoryNeed, available: number): string | null {
  if (need.bytes <= available) return null;
  const top = need.parts
    .slice(0, 2)
    .map((p) => `${p.what} ${gib(p.bytes)}`)
    .join(', ');
  return `does not fit in memory: needs about ${gib(need.bytes)} (${top}), ${gib(available)} available`;
}

/** A run file's neurons, when its populations are well-formed enough to count (else null: the parser will say why). */
function countNeurons(json: unknown): number | null {
  const pops = (json as { populations?: unknown })?.populations;
  if (!Array.isArray(pops)) return null;
  let n = 0;
  for (const p of pops) {
    const size = (p as { size?: unknown })?.size;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) return null;
    n += size;
  }
  return n;
}

/** Whether the estimate can read the input's dimensions (samples, or keyframes with their x). */
function countableInput(input: unknown): boolean {
  if (input === null || typeof input !== 'object') return false;
  const keyframes = (input as { keyframes?: unknown }).keyframes;
  return keyframes === undefined || Array.isArray((keyframes as { x?: unknown } | null)?.x);
}

/**
 * Why a run file does not fit in `available` bytes (the need, what is available and what would
 * fit), or null when it fits. A run file too malformed to estimate gives null: the parser refuses
 * it with the field's path.
 */
export function runFileRefusal(json: unknown, available: number): string | null {
  const neurons = countNeurons(json);
  const run = json as RunFileJson;
  if (neurons === null || !(run.steps >= 1) || !Array.isArray(run.latents) || !countableInput(run.input))
    return null;
  const recordSpikes = run.record?.spikes !== false;
  const need = estimatePointMemory(run, neurons, recordSpikes);
  // A field the estimate reads is not a number (dt as a string, say): the parser names it.
  if (!Number.isFinite(need.bytes)) return null;
  const refusal = admission(need, available);
  return refusal && `${refusal}${fitHint(run, need, available, neurons)}`;
}

/** The largest recording stride or recorded population that would fit, where one would. */
function fitHint(run: RunFileJson, need: MemoryNeed, available: number, neurons: number): string {
  const biggest = need.parts[0];
  if (biggest.what === 'spike recordings' && need.bytes - biggest.bytes < available)
    return ` (record.spikes: false would fit, or fewer than ${Math.floor((neurons * (available - (need.bytes - biggest.bytes))) / biggest.bytes)} neurons)`;
  if (biggest.what === 'latent recordings' && need.bytes - biggest.bytes < available) {
    const every = Math.ceil(
      ((run.record?.every ?? 1) * biggest.bytes) / (available - (need.bytes - biggest.bytes)),
    );
    return ` (recording every ${every} steps would fit: "record": { "every": ${every} })`;
  }
  return '';
}
