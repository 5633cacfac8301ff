// Trials side by side on worker threads (trialPool.ts): a trial's noise is keyed by its own index,
// so 2 or 3 threads (an uneven split of the trials) must give one thread's very bits, trial by
// trial in trial order, under every spike rule and in the rate model. A failing trial surfaces as
// the run's error; an abort rejects with an AbortError and ends the workers (abortProbe.ts).

import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CpuEngine,
  PARALLEL_TRIALS_MIN_WORK,
  STEP_OVERHEAD_NEURONS,
} from '../../src/engine/cpu/cpuEngine.ts';
import type { SimulationResult } from '../../src/engine/engine.ts';
import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';
import { figS2Run } from '../../src/experiments/presets/figS2.ts';
import { fig10RateRun } from '../../src/experiments/presets/fig6.ts';
import { benchRunFile } from '../../src/bench/cpuBench.ts';
import { tinyEINetwork } from '../webgpu/networks.ts';

const RECORD_ALL = { spikes: true, latents: true, every: 1 };

/** figS2's 50 inhibitory neurons at its strongest noise: 32 trials, just enough work for the workers. */
function oneInhibitoryPopulation(rule: 'one-per-step' | 'sequential'): RunFileJson {
  const run = figS2Run(0.2, true, 5, 32);
  return {
    ...run,
    spikeRule: rule,
    populations: run.populations.map((p) => ({ ...p, clampAtThreshold: rule === 'one-per-step' })),
    readouts: [{ name: 'sum', source: 'I', weights: 0.01 }],
    record: RECORD_ALL,
  };
}

const NETWORKS: { name: string; run: () => RunFileJson }[] = [
  { name: 'one-per-step rule', run: () => oneInhibitoryPopulation('one-per-step') },
  { name: 'sequential rule', run: () => oneInhibitoryPopulation('sequential') },
  {
    name: '`all` rule, E/I, exponential synapses',
    run: () => ({
      ...benchRunFile({ neurons: 600, steps: 4000, sigmaV: 0.05 }),
      trials: 9,
      readouts: [{ name: 'e', source: 'E', weights: 0.01 }],
      record: RECORD_ALL,
    }),
  },
  {
    name: 'rate model',
    run: () => ({ ...fig10RateRun(), trials: 25, readouts: [{ name: 'r', source: 'I', weights: 0.02 }] }),
  },
];

/** Elements that differ (Object.is: bit-level for floats, NaN and −0 included); −1 on a length mismatch. */
function differences(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -1;
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) n++;
  return n;
}

/** Every recorded array of every trial, in one order. */
function arraysOf(result: SimulationResult): ArrayLike<number>[] {
  return result.trials.flatMap((t) => [
    ...t.spikeCounts,
    ...(t.spikes ?? []).flatMap((s) => [s.step, s.neuron]),
    ...(t.latents ?? []),
    ...(t.readouts ?? []),
  ]);
}

function expectSameBits(actual: SimulationResult, expected: SimulationResult): void {
  expect(actual.trials.length).toBe(expected.trials.length);
  const a = arraysOf(actual);
  const b = arraysOf(expected);
  expect(a.length).toBe(b.length);
  expect(a.map((x, i) => differences(x, b[i]))).toEqual(a.map(() => 0));
}

const spikesOf = (r: SimulationResult, trial: number) =>
  r.trials[trial].spikeCounts.reduce((s, c) => c.reduce((a, v) => a + v, s), 0);

const work = (net: CompiledNetwork) => net.trials * (net.S - 1) * (net.N + STEP_OVERHEAD_NEURONS);

describe('CPU engine: trials on worker threads', () => {
  const engines = new Map([1, 2, 3].map((threads) => [threads, new CpuEngine({ threads })]));
  const auto = new CpuEngine();
  afterAll(() => {
    engines.forEach((e) => e.dispose());
    auto.dispose();
  });

  describe.each(NETWORKS)('$name', ({ run }) => {
    it('gives one thread’s bits, trial by trial, with 2 and 3 threads', async () => {
      const net = compileNetwork(parseRunFile(run()));
      expect(work(net)).toBeGreaterThanOrEqual(PARALLEL_TRIALS_MIN_WORK);
      const one = await engines.get(1)!.run(net);
      const two = await engines.get(2)!.run(net);
      const three = await engines.get(3)!.run(net);
      expect([one, two, three].map((r) => r.timing.threads)).toEqual([1, 2, 3]);
      if (net.model === 'spiking') {
        // Real activity, different in every trial: trial order is checked, not just one trial's bits.
        expect(spikesOf(one, 0)).toBeGreaterThan(20);
        const trains = new Set(one.trials.map((t) => t.spikes!.map((s) => s.step.join()).join('|')));
        expect(trains.size).toBe(net.trials);
      }
      expectSameBits(two, one);
      expectSameBits(three, one);
    }, 300_000);
  });

  it('uses every core for several trials under `auto`, and one thread for a gated run', async () => {
    const net = compileNetwork(parseRunFile(NETWORKS[0].run()));
    const one = await engines.get(1)!.run(net);
    const all = await auto.run(net);
    expect(all.timing.threads).toBe(Math.min(availableParallelism(), net.trials));
    expectSameBits(all, one);
    let checkpoints = 0;
    const gated = await engines.get(2)!.run(net, { chunkSteps: 5000, gate: async () => void checkpoints++ });
    expect(gated.timing.threads).toBe(1);
    expect(checkpoints).toBe(2 * net.trials);
    expectSameBits(gated, one);
  }, 300_000);

  it('keeps a small run (a few trials of a few neurons) on the calling thread', async () => {
    const synapse = { kind: 'exponential' as const, rate: 200 };
    const net = tinyEINetwork({ sizeE: 3, sizeI: 2, steps: 1000, synapse, sigmaV: 0.1, trials: 4 });
    expect(work(net)).toBeLessThan(PARALLEL_TRIALS_MIN_WORK);
    const result = await engines.get(3)!.run(net);
    expect(result.timing.threads).toBe(1);
    expectSameBits(result, await engines.get(1)!.run(net));
  });

  it('surfaces a trial’s error from its worker, and runs again afterwards', async () => {
    const good = compileNetwork(parseRunFile(NETWORKS[0].run()));
    // A recording grid of 0 steps cannot be allocated: every trial throws as it starts.
    const bad: CompiledNetwork = { ...good, record: { ...good.record, every: 0 } };
    await expect(engines.get(1)!.run(bad)).rejects.toThrow(/Invalid typed array length/);
    await expect(engines.get(2)!.run(bad)).rejects.toThrow(
      /CPU worker thread failed: RangeError: Invalid typed array length/,
    );
    const after = await engines.get(2)!.run(good);
    expect(after.timing.threads).toBe(2);
    expectSameBits(after, await engines.get(1)!.run(good));
  }, 300_000);

  it('rejects an aborted run with an AbortError, then runs again with the same bits', async () => {
    const engine = engines.get(2)!;
    const long = compileNetwork(parseRunFile({ ...NETWORKS[0].run(), trials: 100_000 }));
    const controller = new AbortController();
    let doneAtAbort = 0;
    const run = engine.run(long, {
      signal: controller.signal,
      onProgress: (done) => {
        if (done > 0 && !controller.signal.aborted) {
          doneAtAbort = done;
          controller.abort();
        }
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(doneAtAbort).toBeGreaterThan(0);
    expect(doneAtAbort).toBeLessThan((long.S - 1) * long.trials);
    const net = compileNetwork(parseRunFile(NETWORKS[0].run()));
    const again = await engine.run(net);
    expect(again.timing.threads).toBe(2);
    expectSameBits(again, await engines.get(1)!.run(net));
  }, 300_000);

  it('lets Node exit on its own after an aborted run: no worker is left running', async () => {
    const script = fileURLToPath(new URL('./abortProbe.ts', import.meta.url));
    // The probe's run would take hours; a worker left running would keep the child alive.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      timeout: 120_000,
      env: process.env,
    });
    const report = JSON.parse(stdout) as { name: string; done: number; total: number };
    expect(report.name).toBe('AbortError');
    expect(report.done).toBeGreaterThan(0);
    expect(report.done).toBeLessThan(report.total / 100);
  }, 180_000);
});
