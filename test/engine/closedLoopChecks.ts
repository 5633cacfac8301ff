// RunOptions.input (src/engine/input.ts), checked the same way for every backend on the same
// networks: closedLoop.test.ts runs them on the CPU engine, test/webgpu/closedLoop.test.ts on both
// WebGPU paths. Oracles: the same run with its input given ahead of time (bit for bit), the run's
// own recordings (what the source saw of the latents), and another engine (a closed loop on the
// CPU engine's f32 mode).

import { expect } from 'vitest';
import type { Engine, LatentsSoFar, SimulationResult } from '../../src/engine/engine.ts';
import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { fig10RateRun } from '../../src/experiments/presets/fig6.ts';
import { InputError, type InputSource } from '../../src/engine/input.ts';
import { decodeSnapshot, encodeSnapshot } from '../../src/engine/snapshotCodec.ts';
import type { EngineSnapshot } from '../../src/engine/snapshot.ts';
import { tinyEINetwork, truncated } from '../webgpu/networks.ts';
import { expectSameResult } from './gateChecks.ts';

/** Two noisy trials of 20 E + 20 I under the `all` rule, pulse synapses, a readout. */
export const allRule = () =>
  tinyEINetwork({
    sizeE: 20,
    sizeI: 20,
    steps: 401,
    synapse: { kind: 'pulse', widthMs: 0.5 },
    sigmaV: 0.2,
    trials: 2,
    readout: true,
  });

/** Two noisy trials of 10 E + 10 I, delta synapses, a readout, under a delta rule. */
export function deltaRule(rule: 'one-per-step' | 'sequential'): CompiledNetwork {
  const base = tinyEINetwork({
    sizeE: 10,
    sizeI: 10,
    steps: 401,
    synapse: { kind: 'delta' },
    sigmaV: 0.1,
    refractoryMs: 0.2,
    trials: 2,
    readout: true,
  });
  return compileNetwork({ ...base.spec, spikeRule: rule });
}

/** fig10's rate network, its first 401 steps, latents recorded every step. */
export function rateModel(): CompiledNetwork {
  const spec = parseRunFile(truncated(fig10RateRun(), 401));
  return compileNetwork({ ...spec, record: { ...spec.record, latents: true, every: 1 } });
}

/** One call of a source: the span asked for and what it saw. */
export interface Call {
  trial: number;
  from: number;
  to: number;
  step: number;
  latents: number[];
  readouts: number[];
}

function recorded(from: number, to: number, soFar: LatentsSoFar): Call {
  return {
    trial: soFar.trial,
    from,
    to,
    step: soFar.step,
    latents: [...soFar.latents],
    readouts: [...soFar.readouts],
  };
}

/** `net` with its input zero after sample 0: what a run fed by a source starts from. */
export function withoutInput(net: CompiledNetwork): CompiledNetwork {
  const x = new Float64Array(net.x.length);
  x.set(net.x.subarray(0, net.J));
  return { ...net, x };
}

/** A source that gives `net`'s own input span by span (as a Float64Array), recording its calls. */
export function replaying(net: CompiledNetwork, calls: Call[]): InputSource {
  return async (from, to, soFar) => {
    calls.push(recorded(from, to, soFar));
    // Asynchronous on purpose: the run must wait for the span.
    await new Promise((resolve) => setTimeout(resolve, 0));
    return net.x.slice(from * net.J, to * net.J);
  };
}

/** The spans a run of `net` asks for, `span` steps each from step 1, trial after trial. */
export function expectedSpans(net: CompiledNetwork, span: number, trials = net.trials) {
  const spans: { trial: number; from: number; to: number; step: number }[] = [];
  for (let trial = 0; trial < trials; trial++) {
    for (let from = 1; from < net.S; from += span) {
      spans.push({ trial, from, to: Math.min(net.S, from + span), step: from - 1 });
    }
  }
  return spans;
}

/**
 * A run fed span by span with `net`'s own input equals the run given it ahead of time, bit for bit
 * (and differs from the run without it: the input is used); each call asked for the next span
 * and saw the latents and readouts the run recorded after the step before it (`net` records
 * latents every step).
 */
export async function checkFedAsGiven(engine: Engine, net: CompiledNetwork, span: number): Promise<void> {
  const reference = await engine.run(net);
  const unfed = await engine.run(withoutInput(net));
  expect(unfed.trials[0].latents).not.toEqual(reference.trials[0].latents);
  const calls: Call[] = [];
  const fed = await engine.run(withoutInput(net), { chunkSteps: span, input: replaying(net, calls) });
  expectSameResult(fed, reference);
  expect(calls.map(({ trial, from, to, step }) => ({ trial, from, to, step }))).toEqual(
    expectedSpans(net, span),
  );
  for (const call of calls) {
    const trial = reference.trials[call.trial];
    expect(call.latents).toEqual(trial.latents!.map((series) => series[call.step]));
    expect(call.readouts).toEqual((trial.readouts ?? []).map((series) => series[call.step]));
  }
}

/**
 * A genuinely closed loop: x over each span is 1 − 4·y₀ after the step before it (it follows the
 * network's own output), given as a Float32Array. Returns the result and the calls.
 */
export async function closedLoop(
  engine: Engine,
  net: CompiledNetwork,
  span: number,
): Promise<{ result: SimulationResult; calls: Call[]; x: Float64Array[] }> {
  const calls: Call[] = [];
  const x = Array.from({ length: net.trials }, () => Float64Array.from(net.x));
  const result = await engine.run(withoutInput(net), {
    chunkSteps: span,
    input: (from, to, soFar) => {
      calls.push(recorded(from, to, soFar));
      const values = new Float32Array((to - from) * net.J).fill(1 - 4 * soFar.latents[0]);
      x[soFar.trial].set(values, from * net.J);
      return values;
    },
  });
  return { result, calls, x };
}

/**
 * A closed loop on `engine` gives `reference`'s closed loop (another engine) bit for bit, its input
 * follows the latents (more than three values), and trial 0's input, given ahead of time, gives
 * that trial again. Returns `engine`'s result.
 */
export async function checkClosedLoop(
  engine: Engine,
  reference: Engine,
  net: CompiledNetwork,
  span: number,
): Promise<SimulationResult> {
  const expected = await closedLoop(reference, net, span);
  const got = await closedLoop(engine, net, span);
  expectSameResult(got.result, expected.result);
  expect(got.calls).toEqual(expected.calls);
  expect(new Set(got.calls.map((c) => c.latents[0])).size).toBeGreaterThan(3);
  // Trial 0's input given ahead of time (later trials have noise of their own).
  const openLoop = await engine.run({ ...net, x: got.x[0], trials: 1 });
  expectSameResult(openLoop, { ...got.result, trials: [got.result.trials[0]] });
  return got.result;
}

/** Sources that break the contract, and the InputError each gives. */
export const BAD_SOURCES: { name: string; source: (J: number) => InputSource; error: RegExp }[] = [
  {
    name: 'too few values',
    source: (J) => (from, to) => new Float32Array((to - from) * J - 1),
    error:
      /RunOptions\.input\(1, 51\) for trial 0: returned 49 values, expected 50 \(\(toStep − fromStep\) × 1 input dimension/,
  },
  {
    name: 'a NaN in the second span',
    source: (J) => (from, to) => {
      const values = new Float64Array((to - from) * J);
      if (from > 1) values[3] = NaN;
      return values;
    },
    error:
      /RunOptions\.input\(51, 101\) for trial 0: value 3 \(step 54, dimension 0\) is NaN; the input must be finite/,
  },
  {
    name: 'Infinity',
    source: (J) => async (from, to) => new Float32Array((to - from) * J).fill(Infinity),
    error: /value 0 \(step 1, dimension 0\) is Infinity; the input must be finite/,
  },
  {
    name: 'a plain array',
    source: (J) =>
      ((from: number, to: number) => new Array((to - from) * J).fill(0)) as unknown as InputSource,
    error: /must return a Float32Array or Float64Array, got an Array of 50/,
  },
];

/**
 * Each bad source rejects the run with its InputError (spans of 50 steps), a throwing source with
 * its error, and an abort while the source has not answered with an AbortError.
 */
export async function checkBadSources(engine: Engine, net: CompiledNetwork): Promise<void> {
  for (const { source, error } of BAD_SOURCES) {
    const run = engine.run(net, { chunkSteps: 50, input: source(net.J) });
    await expect(run).rejects.toThrow(InputError);
    await expect(engine.run(net, { chunkSteps: 50, input: source(net.J) })).rejects.toThrow(error);
  }
  // A source that throws rejects the run with its own error.
  const failing: InputSource = () => {
    throw new Error('sensor unplugged');
  };
  await expect(engine.run(net, { input: failing })).rejects.toThrow('sensor unplugged');
  // Aborting while the source has not answered rejects at once with an AbortError.
  const controller = new AbortController();
  const waiting = engine.run(net, {
    signal: controller.signal,
    input: (from) => {
      if (from > 1) setTimeout(() => controller.abort(), 0);
      return from > 1 ? new Promise<Float32Array>(() => {}) : new Float32Array(100 * net.J);
    },
  });
  await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
}

/**
 * A snapshot taken at `trial`'s step `step` (a span boundary) of a run with input resumes with
 * input to the uninterrupted result, asking only for the spans after it; it does not resume
 * without input.
 */
export async function checkResume(
  engine: Engine,
  net: CompiledNetwork,
  span: number,
  at: { trial: number; step: number },
): Promise<void> {
  const reference = await engine.run(net);
  let saved: EngineSnapshot | null = null;
  await engine.run(withoutInput(net), {
    chunkSteps: span,
    input: replaying(net, []),
    gate: async (c) => {
      if (c.trial === at.trial && c.step === at.step)
        saved = decodeSnapshot(encodeSnapshot(await c.snapshot())).snapshot;
    },
  });
  expect(saved).not.toBeNull();
  const calls: Call[] = [];
  const resumed = await engine.run(withoutInput(net), {
    chunkSteps: span,
    input: replaying(net, calls),
    resumeFrom: saved!,
  });
  expectSameResult(resumed, reference);
  const after = expectedSpans(net, span).filter(
    (s) => s.trial > at.trial || (s.trial === at.trial && s.from > at.step),
  );
  expect(calls.map(({ trial, from, to, step }) => ({ trial, from, to, step }))).toEqual(after);
  await expect(engine.run(net, { chunkSteps: span, resumeFrom: saved! })).rejects.toThrow(
    /state layout .*closed-loop input/,
  );
}
