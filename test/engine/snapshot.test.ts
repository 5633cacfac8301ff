// Engine snapshots on the CPU engine (src/engine/snapshot.ts): a snapshot taken at a chunk boundary
// and resumed on a fresh run gives the uninterrupted run's spikes, latents and readouts bit for
// bit, under every rule, both synapse traces, the rate model, f64 and f32, and worker threads; a
// snapshot another engine or network cannot continue is refused, naming the difference.

import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { SLICE_NEURONS } from '../../src/engine/cpu/slices.ts';
import type { EngineSnapshot } from '../../src/engine/snapshot.ts';
import { decodeSnapshot, encodeSnapshot } from '../../src/engine/snapshotCodec.ts';
import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { fig5Run } from '../../src/experiments/presets/fig5.ts';
import { fig10RateRun } from '../../src/experiments/presets/fig6.ts';
import { benchRunFile } from '../../src/bench/cpuBench.ts';
import { tinyEINetwork, truncated } from '../webgpu/networks.ts';
import { checkSnapshotResume, expectSameResult } from './gateChecks.ts';
import { fig5Network as fig5, noisyPulseNetwork } from './gateNetworks.ts';

const NETWORKS: { name: string; net: () => CompiledNetwork; chunk: number }[] = [
  { name: 'fig5 (one-per-step, delta synapses)', net: fig5, chunk: 400 },
  ...(['one-per-step', 'sequential'] as const).map((spikeRule) => ({
    name: `20 E + 20 I under the ${spikeRule} rule (delta synapses, noise)`,
    net: () => ({
      ...tinyEINetwork({ sizeE: 20, sizeI: 20, steps: 1001, synapse: { kind: 'delta' }, sigmaV: 0.2 }),
      spikeRule,
    }),
    chunk: 70,
  })),
  {
    name: '2 trials of 20 E + 20 I (all rule, pulse synapses, noise)',
    net: () => noisyPulseNetwork({ steps: 1001, trials: 2, every: 3, readout: true }),
    chunk: 110,
  },
  {
    name: '20 E + 20 I (all rule, exponential synapses, refractory, noise)',
    net: () =>
      tinyEINetwork({
        sizeE: 20,
        sizeI: 20,
        steps: 801,
        synapse: { kind: 'exponential', rate: 500 },
        sigmaV: 0.1,
        refractoryMs: 0.3,
      }),
    chunk: 90,
  },
  {
    name: 'the rate model (fig10b)',
    net: () => compileNetwork(parseRunFile(truncated(fig10RateRun(), 900))),
    chunk: 100,
  },
];

describe.each(['f64', 'f32'] as const)('CPU engine snapshots (%s)', (precision) => {
  const engine = new CpuEngine({ precision });
  it.each(NETWORKS)(
    '$name: every snapshot resumes to the uninterrupted result',
    async ({ net: make, chunk }) => {
      const net = make();
      const reference = await engine.run(net);
      const taken = await checkSnapshotResume(engine, net, chunk, reference, (call) => call % 3 === 0);
      // Some snapshot mid-trial, and (with several trials) some past the first trial.
      expect(taken.some((s) => s.step > 0)).toBe(true);
      expect(taken.some((s) => s.trial > 0)).toBe(net.trials > 1);
    },
  );
});

/** A snapshot of fig5 at its second checkpoint. */
async function fig5Snapshot(engine: CpuEngine): Promise<EngineSnapshot> {
  let snapshot: EngineSnapshot | null = null;
  await engine.run(fig5(), {
    chunkSteps: 500,
    gate: async (at) => {
      if (at.step === 500) snapshot = await at.snapshot();
    },
  });
  return snapshot!;
}

describe('CPU engine snapshots refused', () => {
  it('from another precision, another network or a changed layout, naming the difference', async () => {
    const snapshot = await fig5Snapshot(new CpuEngine());
    await expect(new CpuEngine({ precision: 'f32' }).run(fig5(), { resumeFrom: snapshot })).rejects.toThrow(
      /precision "f64", this run has "f32"/,
    );
    const other = compileNetwork(parseRunFile({ ...fig5Run(), seed: 3 }));
    await expect(new CpuEngine().run(other, { resumeFrom: snapshot })).rejects.toThrow(
      /network seed 0, this run has 3/,
    );
    await expect(
      new CpuEngine().run(fig5(), { resumeFrom: { ...snapshot, backend: 'webgpu' } }),
    ).rejects.toThrow(/backend "webgpu", this run has "cpu"/);
    const V = snapshot.state.trial as { V: Float64Array };
    const shortV = { ...snapshot, state: { ...snapshot.state, trial: { ...V, V: V.V.subarray(1) } } };
    await expect(new CpuEngine().run(fig5(), { resumeFrom: shortV })).rejects.toThrow(
      /checkpoint state 'V': \d+ values, expected/,
    );
  });
});

describe('CPU engine snapshots with worker threads', () => {
  it('a snapshot taken on 2 threads resumes on 2 threads and on 1 to the same bits', async () => {
    const run = benchRunFile({ neurons: 6 * Math.round((2.5 * SLICE_NEURONS) / 3), steps: 40, sigmaV: 0.01 });
    const populations = run.populations.map((pop) => ({
      ...pop,
      synapse: { kind: 'pulse' as const, widthMs: 0.5 },
    }));
    const net = compileNetwork(
      parseRunFile({ ...run, populations, trials: 1, record: { spikes: true, latents: true, every: 1 } }),
    );
    const threaded = new CpuEngine({ threads: 2 });
    try {
      const reference = await threaded.run(net);
      expect(reference.timing.threads).toBe(2);
      let bytes: Uint8Array | null = null;
      await threaded.run(net, {
        chunkSteps: 10,
        gate: async (at) => {
          if (at.step === 20) bytes = encodeSnapshot(await at.snapshot());
        },
      });
      const { snapshot } = decodeSnapshot(bytes!);
      expectSameResult(await threaded.run(net, { resumeFrom: snapshot }), reference);
      expectSameResult(await new CpuEngine({ threads: 1 }).run(net, { resumeFrom: snapshot }), reference);
    } finally {
      threaded.dispose();
    }
  }, 300_000);
});
