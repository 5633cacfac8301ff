// Every candidate `latentspike tune` may choose (src/engine/webgpu/tuning.ts) gives the CPU engine's
// f32 spikes, on both software adapters: each kernel shape (workgroup size × neurons per invocation
// × stepAll's vector path) on the `all` rule with exponential and pulse synapses, each workgroup
// size on `one-per-step` (per-step and small-network paths), and each cut (neuron-steps per command
// buffer × trials per batch) on multi-trial runs. The tuner picks a combination of per-knob winners;
// the kernel knobs and the cut knobs act on different things (the kernels' code and dispatch vs.
// how the host groups steps and trials into submits), so each kernel shape is tested at the
// default cut and each cut at the default kernel shape.

import { afterAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../src/engine/engine.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine.ts';
import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import {
  choiceOf,
  cutCandidates,
  engineOptionsOf,
  kernelCandidates,
  notACandidate,
  TUNING_AXES,
  type TuningChoice,
} from '../../src/engine/webgpu/tuning.ts';
import { gridNetwork } from '../../src/bench/grid/network.ts';
import { tryAcquireDeviceOn } from './gpu.ts';
import { tinyEINetwork } from './networks.ts';
import { events } from './compare.ts';

const cpu = new CpuEngine({ precision: 'f32' });
const references = new Map<CompiledNetwork, Promise<SimulationResult>>();
const reference = (net: CompiledNetwork) => {
  if (!references.has(net)) references.set(net, cpu.run(net));
  return references.get(net)!;
};

/** The same spike trains as the CPU engine in f32, trial by trial; returns the spike count. */
async function expectCpuSpikes(net: CompiledNetwork, result: SimulationResult): Promise<number> {
  const want = await reference(net);
  expect(result.trials).toHaveLength(want.trials.length);
  let spikes = 0;
  result.trials.forEach((trial, t) => {
    expect(trial.spikeCounts).toEqual(want.trials[t].spikeCounts);
    const e = events(want.trials[t]);
    expect(events(trial)).toEqual(e);
    spikes += e.length;
  });
  return spikes;
}

const oneEvery = (spec: ReturnType<typeof gridNetwork>['spec'], trials: number) =>
  compileNetwork({ ...spec, trials, record: { ...spec.record, spikes: true, every: 1 } });
const grid = (neurons: number, steps: number, trials: number) =>
  oneEvery(
    gridNetwork({ neurons, rank: 2, rule: 'one-per-step', synapse: 'delta', steps, dt: 1e-4, sigmaV: 0.2 })
      .spec,
    trials,
  );

// 2399 + 1701: I starts inside a quad, so the vector path's edge neurons take the scalar path; 7
// channels (K > 4); several workgroups at all but the widest shapes.
const exponential = tinyEINetwork({
  sizeE: 2399,
  sizeI: 1701,
  steps: 60,
  synapse: { kind: 'exponential', rate: 200 },
  sigmaV: 0.2,
  readout: true,
  extraReadouts: 6,
});
const pulse = tinyEINetwork({
  sizeE: 700,
  sizeI: 500,
  steps: 60,
  synapse: { kind: 'pulse', widthMs: 0.5 },
  sigmaV: 0.2,
  refractoryMs: 0.2,
});
// One-per-step: 600 neurons on the per-step kernels at every workgroup size (the small-network
// kernel takes at most 256, pipelines.ts), 30 on the small-network kernel at every size.
const deltaLarge = grid(600, 150, 2);
const deltaSmall = grid(30, 300, 3);
// Multi-trial `all` runs cut into command buffers: at 2^20 neuron-steps, 249 steps over a batch of
// 3 trials (two buffers); the larger cuts take the 300 steps whole.
const cutNetwork = tinyEINetwork({
  sizeE: 700,
  sizeI: 700,
  steps: 300,
  trials: 3,
  synapse: { kind: 'exponential', rate: 200 },
  sigmaV: 0.2,
});

describe('tuning candidates', () => {
  it('are powers of two within the limits, and a choice off the list is named', () => {
    const limits = { maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256 };
    const shapes = kernelCandidates(limits);
    expect(new Set(shapes.map((c) => c.workgroupSize))).toEqual(new Set([64, 128, 256]));
    // quads off only where it differs from on: a multiple of 4 neurons per invocation.
    expect(shapes.filter((c) => !c.quads).map((c) => c.neuronsPerInvocation)).toEqual([
      4, 8, 32, 4, 8, 32, 4, 8, 32,
    ]);
    expect(cutCandidates()).toHaveLength(
      TUNING_AXES.neuronStepsPerSubmit.length * TUNING_AXES.maxTrialsPerBatch.length,
    );
    const full = {
      ...limits,
      ...Object.fromEntries(['maxStorageBufferBindingSize'].map((k) => [k, 1 << 30])),
    };
    const choice: TuningChoice = {
      workgroupSize: 512,
      neuronsPerInvocation: 8,
      quads: true,
      neuronStepsPerSubmit: 1 << 22,
      maxTrialsPerBatch: null,
    };
    expect(notACandidate(choice, full as never)).toMatch(/workgroup 512.*not a tested candidate/);
    expect(notACandidate({ ...choice, workgroupSize: 128 }, full as never)).toBeNull();
    expect(notACandidate({ ...choice, workgroupSize: 128, maxTrialsPerBatch: 3 }, full as never)).toMatch(
      /3 trials per batch is not a tested candidate/,
    );
  });
});

describe.each(['swiftshader', 'opengl'] as const)('every tuning candidate on %s', async (path) => {
  const gpu = await tryAcquireDeviceOn(path);
  afterAll(() => gpu?.release());
  const shapes = gpu ? kernelCandidates(gpu.device.limits) : [];
  const defaults: TuningChoice | null = gpu
    ? await WebGpuEngine.create({ gpu }).then((e) => {
        e.dispose();
        return choiceOf(e.shape);
      })
    : null;

  it.skipIf(!gpu)(
    'each kernel shape gives the CPU engine f32 spikes under the `all` rule (exponential and pulse)',
    { timeout: 1_800_000 },
    async () => {
      for (const shape of shapes) {
        const choice = { ...defaults!, ...shape };
        const engine = await WebGpuEngine.create({ gpu: gpu!, ...engineOptionsOf(choice) });
        try {
          expect(engine.shape.workgroupSize).toBe(shape.workgroupSize);
          expect(engine.shape.neuronsPerInvocation).toBe(shape.neuronsPerInvocation);
          expect(engine.shape.quads).toBe(shape.quads);
          const spikes = await expectCpuSpikes(exponential, await engine.run(exponential));
          const pulses = await expectCpuSpikes(pulse, await engine.run(pulse));
          // The comparisons mean something only if the networks are busy.
          expect(spikes).toBeGreaterThan(200);
          expect(pulses).toBeGreaterThan(50);
          console.log(`${path} ${JSON.stringify(shape)}: ${spikes} + ${pulses} identical spikes`);
        } finally {
          engine.dispose();
        }
      }
      console.log(`${path}: ${shapes.length} kernel shapes, identical spikes`);
    },
  );

  it.skipIf(!gpu)(
    'each workgroup size gives the CPU engine f32 spikes under `one-per-step` (per-step and batched)',
    { timeout: 600_000 },
    async () => {
      const sizes = [...new Set(shapes.map((s) => s.workgroupSize))];
      for (const workgroupSize of sizes) {
        const engine = await WebGpuEngine.create({
          gpu: gpu!,
          ...engineOptionsOf({ ...defaults!, workgroupSize }),
        });
        try {
          expect(await expectCpuSpikes(deltaLarge, await engine.run(deltaLarge))).toBeGreaterThan(100);
          expect(await expectCpuSpikes(deltaSmall, await engine.run(deltaSmall))).toBeGreaterThan(100);
        } finally {
          engine.dispose();
        }
      }
    },
  );

  it.skipIf(!gpu)(
    'each cut (neuron-steps per command buffer × trials per batch) gives the CPU engine f32 spikes',
    { timeout: 600_000 },
    async () => {
      for (const cut of cutCandidates()) {
        const engine = await WebGpuEngine.create({ gpu: gpu!, ...engineOptionsOf({ ...defaults!, ...cut }) });
        try {
          expect(engine.shape.neuronStepsPerSubmit).toBe(cut.neuronStepsPerSubmit);
          expect(await expectCpuSpikes(cutNetwork, await engine.run(cutNetwork))).toBeGreaterThan(300);
          expect(await expectCpuSpikes(deltaSmall, await engine.run(deltaSmall))).toBeGreaterThan(100);
        } finally {
          engine.dispose();
        }
      }
    },
  );
});
