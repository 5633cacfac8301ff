// Arrays split across storage bindings (resources.ts, splitArrays.wgsl). The device's binding
// limit cannot be lowered (WebGPU's minimum is 128 MiB), so WebGpuEngineOptions.maxPartBytes cuts
// small networks' constants and state into parts of a few KiB, as a network of millions of neurons
// is cut on llvmpipe. Oracles: the split run equals the unsplit WebGPU run exactly (same arithmetic,
// same summation order: counts, events, latents and readouts bit for bit) and matches the CPU
// engine's f32 mode as the other suites require (identical spike trains, latents within 1e-5
// relative; the rate model's within 1e-4). What cannot be bound even in parts is refused.

import { afterAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../src/engine/engine.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine.ts';
import { buildGpuNetwork } from '../../src/engine/webgpu/gpuNetwork.ts';
import { MAX_PARTS } from '../../src/engine/webgpu/layout.ts';
import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import type { SpikeRule, Synapse } from '../../src/model/spec.ts';
import { fig5Run } from '../../src/experiments/presets/fig5.ts';
import { fig12bRun } from '../../src/experiments/presets/fig12.ts';
import { tryAcquireDevice } from './gpu.ts';
import { tinyEINetwork, truncated } from './networks.ts';
import { events, relativeDifference } from './compare.ts';

/** Parts of 8 KiB: a few hundred neurons' constants and state take 2–4 parts. */
const PART_BYTES = 8192;

const gpu = await tryAcquireDevice();
const whole = gpu ? await WebGpuEngine.create({ gpu }) : null;
const split = gpu ? await WebGpuEngine.create({ gpu, maxPartBytes: PART_BYTES }) : null;
const cpu = new CpuEngine({ precision: 'f32' });
afterAll(() => {
  whole?.dispose();
  split?.dispose();
  gpu?.release();
});

/** The smallest part size (a power of two) that holds `net`'s constants in MAX_PARTS.consts parts. */
function fewestParts(net: CompiledNetwork): number {
  return 2 ** Math.ceil(Math.log2(buildGpuNetwork(net).consts.byteLength / MAX_PARTS.consts));
}

/** Parts of `net`'s constants and of one trial's state at `partBytes`. */
function partsOf(net: CompiledNetwork, partBytes = PART_BYTES) {
  const g = buildGpuNetwork(net);
  return {
    consts: Math.ceil(g.consts.byteLength / partBytes),
    state: Math.ceil((g.stateWords * 4) / partBytes),
  };
}

/**
 * Runs `net` split, unsplit and on the CPU (f32): the split run must equal the unsplit one exactly
 * and match the CPU's spike trains, with latents and readouts within `tolerance` relative.
 */
async function expectSplitSame(
  label: string,
  net: CompiledNetwork,
  { engine = split!, partBytes = PART_BYTES, tolerance = 1e-5 } = {},
) {
  const [parted, reference, onCpu] = [await engine.run(net), await whole!.run(net), await cpu.run(net)];
  expect(parted.trials.length).toBe(net.trials);
  parted.trials.forEach((trial, t) => {
    expect(trial.spikeCounts).toEqual(reference.trials[t].spikeCounts);
    expect(trial.latents).toEqual(reference.trials[t].latents);
    expect(trial.readouts).toEqual(reference.trials[t].readouts);
    expect(trial.spikeCounts).toEqual(onCpu.trials[t].spikeCounts);
    const dy = relativeDifference(trial.latents!, onCpu.trials[t].latents!);
    if (trial.spikes) {
      expect(events(trial)).toEqual(events(reference.trials[t]));
      expect(events(trial)).toEqual(events(onCpu.trials[t]));
    }
    console.log(
      `${label}: N=${net.N} S=${net.S} trial ${t}, ${JSON.stringify(partsOf(net, partBytes))} parts: ` +
        `${trial.spikes ? events(trial).length : '(unrecorded)'} spikes as unsplit and CPU, ` +
        `relative |Δy| vs CPU = ${dy.toExponential(2)}`,
    );
    expect(dy).toBeLessThan(tolerance);
  });
  return parted;
}

const SYNAPSES: Synapse[] = [
  { kind: 'pulse', widthMs: 0.5 },
  { kind: 'exponential', rate: 200 },
];

describe.skipIf(!gpu)('WebGpuEngine with constants and state split into parts', () => {
  it.each(SYNAPSES)('`all` rule, $kind synapses, noisy, two trials', async (synapse) => {
    const net = tinyEINetwork({
      sizeE: 170,
      sizeI: 130,
      steps: 400,
      synapse,
      sigmaV: 0.2,
      refractoryMs: 0.2,
      trials: 2,
      readout: true,
    });
    const parts = partsOf(net);
    expect(parts.consts).toBeGreaterThan(1);
    expect(parts.consts).toBeLessThanOrEqual(MAX_PARTS.consts);
    expect(parts.state).toBeGreaterThan(1);
    expect(parts.state).toBeLessThanOrEqual(MAX_PARTS.state);
    const result: SimulationResult = await expectSplitSame(`all ${synapse.kind} split`, net);
    expect(events(result.trials[0])).not.toEqual(events(result.trials[1]));
  });

  it.each(['one-per-step', 'sequential'] as const)(
    '%s on the per-step path, noisy',
    async (rule: SpikeRule) => {
      const base = tinyEINetwork({
        sizeE: 200,
        sizeI: 100,
        steps: 150,
        synapse: { kind: 'delta' },
        sigmaV: 0.1,
        refractoryMs: 0.2,
        seed: 3,
      });
      const net = compileNetwork({ ...base.spec, spikeRule: rule });
      expect(partsOf(net).consts).toBeGreaterThan(1);
      await expectSplitSame(`${rule} split`, net);
    },
  );

  it('the rate model on the per-step path (fig12b, first 400 steps)', async () => {
    const net = compileNetwork(parseRunFile(truncated(fig12bRun(), 400)));
    const partBytes = fewestParts(net);
    const engine = await WebGpuEngine.create({
      gpu: gpu!,
      maxPartBytes: partBytes,
      batchSmallNetworks: false,
    });
    try {
      expect(partsOf(net, partBytes).consts).toBeGreaterThan(1);
      await expectSplitSame('fig12b[:400] per-step, split', net, { engine, partBytes, tolerance: 1e-4 });
    } finally {
      engine.dispose();
    }
  });

  it("the batched small-network kernel (fig5, its drive's constants in parts)", async () => {
    const net = compileNetwork(parseRunFile(fig5Run()));
    const partBytes = fewestParts(net);
    expect(partsOf(net, partBytes).consts).toBeGreaterThan(1);
    const engine = await WebGpuEngine.create({ gpu: gpu!, maxPartBytes: partBytes });
    try {
      await expectSplitSame('fig5 batched, split', net, { engine, partBytes });
    } finally {
      engine.dispose();
    }
  });

  it('refuses constants too large for all their parts, naming buffer, size and limit', async () => {
    const net = tinyEINetwork({ sizeE: 600, sizeI: 600, steps: 50, synapse: SYNAPSES[1] });
    expect(partsOf(net, 256).consts).toBeGreaterThan(MAX_PARTS.consts);
    const engine = await WebGpuEngine.create({ gpu: gpu!, maxPartBytes: 256 });
    try {
      const message = engine.bindingError(net);
      expect(message).toMatch(/the constants \(.*\) buffer needs \d+ bytes .* above the 4 × 0\.0 MiB/);
      expect(message).toMatch(/maxPartBytes 256/);
      await expect(engine.run(net)).rejects.toThrow(message!);
      expect(
        split!.bindingError(tinyEINetwork({ sizeE: 60, sizeI: 60, steps: 50, synapse: SYNAPSES[1] })),
      ).toBeNull();
    } finally {
      engine.dispose();
    }
  });
});
