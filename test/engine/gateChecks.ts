// RunOptions.gate and chunkSteps (src/engine/engine.ts), checked the same way for every backend:
// gate.test.ts runs them on the CPU engine, test/webgpu/gate.test.ts on the WebGPU engine (both of
// its runners). A gated, paused and stepped run must give exactly the uninterrupted run's result.

import { expect } from 'vitest';
import type { Engine, RunCheckpoint, SimulationResult, TrialResult } from '../../src/engine/engine.ts';
import type { CompiledNetwork } from '../../src/model/compile.ts';
import { decodeSnapshot, encodeSnapshot } from '../../src/engine/snapshotCodec.ts';

/** Every spike event of a trial as "step:population:neuron", in recorded order. */
function events(trial: TrialResult, upTo = Infinity): string[] {
  return trial.spikes!.flatMap((train, p) =>
    Array.from(train.step, (s, e) => [s, `${s}:${p}:${train.neuron[e]}`] as const)
      .filter(([s]) => s <= upTo)
      .map(([, text]) => text),
  );
}

function totalSpikes(trial: TrialResult): number {
  return trial.spikeCounts.reduce((n, c) => n + c.reduce((a, b) => a + b, 0), 0);
}

export function expectSameResult(actual: SimulationResult, expected: SimulationResult): void {
  expect(actual.trials.length).toBe(expected.trials.length);
  actual.trials.forEach((trial, t) => {
    const reference = expected.trials[t];
    expect(trial.spikeCounts).toEqual(reference.spikeCounts);
    expect(events(trial)).toEqual(events(reference));
    expect(trial.latents).toEqual(reference.latents);
    expect(trial.readouts).toEqual(reference.readouts);
  });
}

/** The first trial and the number of trials of each batch, `trialsPerBatch` at a time. */
function batchesOf(net: CompiledNetwork, trialsPerBatch: number): [number, number][] {
  const batches: [number, number][] = [];
  for (let first = 0; first < net.trials; first += trialsPerBatch) {
    batches.push([first, Math.min(trialsPerBatch, net.trials - first)]);
  }
  return batches;
}

/**
 * A run that opens the gate at once, checking every checkpoint and a partial result mid-run. An
 * engine that runs `trialsPerBatch` trials together stops before each chunk of each batch, naming
 * the batch's first trial and counting the steps of all its trials.
 */
export async function checkOpenGate(
  engine: Engine,
  net: CompiledNetwork,
  chunkSteps: number,
  reference: SimulationResult,
  trialsPerBatch = 1,
): Promise<void> {
  const seen: Omit<RunCheckpoint, 'partial' | 'snapshot'>[] = [];
  let partial: { step: number; trial: TrialResult } | null = null;
  const middle = Math.max(1, Math.floor((net.S - 1) / chunkSteps / 2)) * chunkSteps;
  const result = await engine.run(net, {
    chunkSteps,
    gate: async (at) => {
      const { done, total, trial, step } = at;
      seen.push({ done, total, trial, step });
      if (trial === 0 && step === middle) partial = { step, trial: await at.partial() };
    },
  });
  expectSameResult(result, reference);

  // One checkpoint before every chunk: steps 0, c, 2c, … of each batch, done counting up.
  const total = (net.S - 1) * net.trials;
  const expected = batchesOf(net, trialsPerBatch).flatMap(([trial, trials]) =>
    Array.from({ length: Math.ceil((net.S - 1) / chunkSteps) }, (_, k) => ({
      done: trial * (net.S - 1) + trials * k * chunkSteps,
      total,
      trial,
      step: k * chunkSteps,
    })),
  );
  expect(seen).toEqual(expected);

  // The partial result at the middle checkpoint is the final result's prefix.
  expect(partial).not.toBeNull();
  const { step, trial: soFar } = partial!;
  const final = reference.trials[0];
  const samples = Math.floor(step / net.record.every) + 1;
  expect(soFar.latents!.map((y) => y.length)).toEqual(final.latents!.map(() => samples));
  expect(soFar.latents).toEqual(final.latents!.map((y) => y.slice(0, samples)));
  expect(events(soFar)).toEqual(events(final, step));
  expect(totalSpikes(soFar)).toBe(events(final, step).length);
  expect(events(soFar).length).toBeGreaterThan(0);
  expect(events(soFar).length).toBeLessThan(events(final).length);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Pause (a pending gate) holds the run; releasing the gate once runs exactly one chunk; opening it
 * lets the run finish with the uninterrupted result; aborting a paused run rejects at once.
 */
export async function checkPauseAndStep(
  engine: Engine,
  net: CompiledNetwork,
  chunkSteps: number,
  reference: SimulationResult,
  trialsPerBatch = 1,
): Promise<void> {
  const steps: number[] = [];
  let progressCalls = 0;
  let open = false;
  let release: (() => void) | null = null;
  let arrived: (() => void) | null = null;
  const nextCheckpoint = () => new Promise<void>((resolve) => (arrived = resolve));
  let waiting = nextCheckpoint();
  const run = engine.run(net, {
    chunkSteps,
    onProgress: () => progressCalls++,
    gate: (at) => {
      steps.push(at.step);
      arrived?.();
      if (open) return Promise.resolve();
      return new Promise<void>((resolve) => (release = resolve));
    },
  });
  await waiting;
  expect(steps).toEqual([0]);
  await sleep(300);
  expect(steps).toEqual([0]); // paused before step 1: nothing ran
  expect(progressCalls).toBe(0);

  for (let k = 1; k <= 2; k++) {
    waiting = nextCheckpoint();
    release!();
    await waiting;
    expect(steps).toEqual(Array.from({ length: k + 1 }, (_, i) => i * chunkSteps));
    await sleep(200);
    expect(steps.length).toBe(k + 1); // one step, then paused again
  }

  open = true;
  release!();
  expectSameResult(await run, reference);
  expect(steps.length).toBe(Math.ceil((net.S - 1) / chunkSteps) * batchesOf(net, trialsPerBatch).length);

  // Aborting while paused rejects without waiting for the gate.
  const controller = new AbortController();
  let gateCalls = 0;
  const aborted = engine.run(net, {
    chunkSteps,
    signal: controller.signal,
    gate: () => {
      gateCalls++;
      if (gateCalls === 2) setTimeout(() => controller.abort(), 50);
      return gateCalls === 1 ? Promise.resolve() : new Promise<void>(() => {});
    },
  });
  await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
  expect(gateCalls).toBe(2);
}

/**
 * Snapshots taken at the checkpoints `pick` chooses (by call number, from 0) of one run, through the
 * checkpoint file's codec as the CLI stores them, each continue on a fresh run to exactly the
 * uninterrupted result; taking them changes nothing. Returns where they were taken.
 */
export async function checkSnapshotResume(
  engine: Engine,
  net: CompiledNetwork,
  chunkSteps: number,
  reference: SimulationResult,
  pick: (call: number) => boolean,
): Promise<{ trial: number; step: number }[]> {
  const taken: { trial: number; step: number; bytes: Uint8Array }[] = [];
  let calls = 0;
  const result = await engine.run(net, {
    chunkSteps,
    gate: async (at) => {
      if (pick(calls++)) {
        taken.push({ trial: at.trial, step: at.step, bytes: encodeSnapshot(await at.snapshot()) });
      }
    },
  });
  expectSameResult(result, reference);
  for (const { trial, step, bytes } of taken) {
    const { snapshot } = decodeSnapshot(bytes);
    const first: { trial: number; step: number }[] = [];
    const resumed = await engine.run(net, {
      chunkSteps,
      resumeFrom: snapshot,
      gate: async (at) => {
        if (first.length === 0) first.push({ trial: at.trial, step: at.step });
      },
    });
    expect(first[0]).toEqual({ trial, step });
    expectSameResult(resumed, reference);
  }
  return taken.map(({ trial, step }) => ({ trial, step }));
}
