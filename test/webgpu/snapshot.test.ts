// Engine snapshots on the WebGPU engine (src/engine/snapshot.ts), on both software adapters: a
// snapshot taken at a chunk boundary and resumed on a fresh run gives the uninterrupted run's
// spikes, latents and readouts bit for bit, on the batched small-network path (several trials per
// batch, each at its own step) and the per-step path (the `all` rule in batches of two trials, a
// delta rule, state split into parts); a snapshot of another path or backend is refused.

import { afterAll, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import type { EngineSnapshot } from '../../src/engine/snapshot.ts';
import { WebGpuEngine, type WebGpuEngineOptions } from '../../src/engine/webgpu/webgpuEngine.ts';
import { buildGpuNetwork } from '../../src/engine/webgpu/gpuNetwork.ts';
import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { fig10RateRun } from '../../src/experiments/presets/fig6.ts';
import { checkSnapshotResume, expectSameResult } from '../engine/gateChecks.ts';
import { tryAcquireDeviceOn } from './gpu.ts';
import { tinyEINetwork, truncated } from './networks.ts';

const delta = (spikeRule: 'one-per-step' | 'sequential', trials: number): CompiledNetwork => ({
  ...tinyEINetwork({ sizeE: 20, sizeI: 20, steps: 181, synapse: { kind: 'delta' }, sigmaV: 0.2, trials }),
  spikeRule,
});
const pulse = (trials: number, steps: number) =>
  tinyEINetwork({
    sizeE: 20,
    sizeI: 20,
    steps,
    synapse: { kind: 'pulse', widthMs: 0.5 },
    sigmaV: 0.2,
    trials,
    every: 3,
    readout: true,
  });

const CASES: {
  name: string;
  options: WebGpuEngineOptions;
  net: () => CompiledNetwork;
  chunk: number;
  trialsPerBatch: number;
}[] = [
  {
    name: 'batched path, one-per-step, 3 trials in one batch',
    options: {},
    net: () => delta('one-per-step', 3),
    chunk: 40,
    trialsPerBatch: 3,
  },
  {
    name: 'batched path, sequential',
    options: {},
    net: () => delta('sequential', 1),
    chunk: 40,
    trialsPerBatch: 1,
  },
  {
    name: 'batched path, the rate model',
    options: {},
    net: () => compileNetwork(parseRunFile(truncated(fig10RateRun(), 181))),
    chunk: 40,
    trialsPerBatch: 1,
  },
  {
    name: 'per-step path, all rule, 3 trials in batches of two',
    options: { maxTrialsPerBatch: 2 },
    net: () => pulse(3, 181),
    chunk: 40,
    trialsPerBatch: 2,
  },
  {
    name: 'per-step path, one-per-step',
    options: { batchSmallNetworks: false },
    net: () => delta('one-per-step', 1),
    chunk: 40,
    trialsPerBatch: 1,
  },
  {
    name: 'per-step path, all rule, state split into parts',
    options: { maxPartBytes: 4096, maxTrialsPerBatch: 4 },
    net: () => pulse(4, 121),
    chunk: 40,
    trialsPerBatch: 4,
  },
];

for (const path of ['swiftshader', 'opengl'] as const) {
  const gpu = await tryAcquireDeviceOn(path);
  const engines = new Map<WebGpuEngineOptions, WebGpuEngine>();
  const engineFor = async (options: WebGpuEngineOptions) => {
    if (!engines.has(options)) engines.set(options, await WebGpuEngine.create({ gpu: gpu!, ...options }));
    return engines.get(options)!;
  };
  afterAll(() => {
    for (const engine of engines.values()) engine.dispose();
    gpu?.release();
  });

  describe.skipIf(!gpu)(`WebGpuEngine snapshots on ${path}`, () => {
    it.each(CASES)(
      '$name: every snapshot resumes to the uninterrupted result',
      async ({ options, net: make, chunk, trialsPerBatch }) => {
        const engine = await engineFor(options);
        const net = make();
        if (options.maxPartBytes) {
          // The case is what it says: a batch's state spans several parts.
          expect(buildGpuNetwork(net).stateWords * 4 * trialsPerBatch).toBeGreaterThan(options.maxPartBytes);
        }
        const reference = await engine.run(net);
        // Mid-way through the first batch, and through the second where there is one.
        const picks = (call: number) => call === 2 || call === 6;
        const taken = await checkSnapshotResume(engine, net, chunk, reference, picks);
        // (The batched path may stop a trial early to drain its event slots: its checkpoints are
        // then off the chunk grid.)
        expect(taken[0].trial).toBe(0);
        expect(taken[0].step).toBeGreaterThan(0);
        if (net.trials > trialsPerBatch) expect(taken.some((s) => s.trial > 0)).toBe(true);
      },
      // SwiftShader takes minutes for these few hundred steps on a loaded machine.
      600_000,
    );

    it('refuses a snapshot of the other path or of the CPU engine, naming the difference', async () => {
      const net = delta('one-per-step', 1);
      let snapshot: EngineSnapshot | null = null;
      await (
        await engineFor(CASES[4].options)
      ).run(net, {
        chunkSteps: 40,
        gate: async (at) => {
          if (at.step === 80) snapshot = await at.snapshot();
        },
      });
      expect(snapshot).not.toBeNull();
      const batched = await engineFor(CASES[0].options);
      await expect(batched.run(net, { resumeFrom: snapshot! })).rejects.toThrow(
        /state layout "webgpu\/per-step.*this run has "webgpu\/batched/,
      );
      let cpuSnapshot: EngineSnapshot | null = null;
      await new CpuEngine({ precision: 'f32' }).run(net, {
        chunkSteps: 40,
        gate: async (at) => {
          if (at.step === 80) cpuSnapshot = await at.snapshot();
        },
      });
      expect(cpuSnapshot).not.toBeNull();
      await expect(batched.run(net, { resumeFrom: cpuSnapshot! })).rejects.toThrow(
        /backend "cpu", this run has "webgpu"/,
      );
      // The refused runs left the engine sound.
      expectSameResult(await batched.run(net), await (await engineFor(CASES[4].options)).run(net));
    });
  });
}
