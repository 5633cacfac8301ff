// Dispatch shapes (src/engine/webgpu/adapterProfile.ts): sliced (1-D slices, SwiftShader's) and
// folded (one dispatch, a 2-D or 3-D grid past maxComputeWorkgroupsPerDimension, the kernels
// ignoring the grid's workgroups past the end) give the same bits on both software adapters:
// SwiftShader through Dawn's Vulkan backend and llvmpipe through Dawn's OpenGL ES backend.
// WebGpuEngineOptions.dispatchWidth cuts the slices and grid rows to a few workgroups, so that
// small networks are sliced and folded as networks of millions of neurons are (a 6-workgroup
// dispatch becomes 3 slices of 2, a 2×2×2 grid with 2 workgroups past its end, or a 3×2 grid).
// Oracles: every shape gives the run of the adapter's own default bit for bit (spike events,
// counts, latents, readouts), and the spike trains of the CPU engine's f32 mode with latents within
// its tolerance (1e-5 relative; the rate model's 1e-4, as test/webgpu/rules.test.ts). Also: which
// profile each adapter gets, and LATENTSPIKE_DISPATCH forcing the shape.

import { afterAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../src/engine/engine.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { WebGpuEngine, type WebGpuEngineOptions } from '../../src/engine/webgpu/webgpuEngine.ts';
import {
  DISPATCH_VARIABLE,
  dispatchCalls,
  foldGrid,
  profileOf,
} from '../../src/engine/webgpu/adapterProfile.ts';
import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';
import { fig5Run } from '../../src/experiments/presets/fig5.ts';
import { fig12bRun } from '../../src/experiments/presets/fig12.ts';
import { tryAcquireDeviceOn } from './gpu.ts';
import { tinyEINetwork, truncated } from './networks.ts';
import { events, relativeDifference } from './compare.ts';

const cpu = new CpuEngine({ precision: 'f32' });

describe('foldGrid and dispatchCalls', () => {
  it('fold a dispatch into the fewest rows and layers within the width, covering it', () => {
    expect(foldGrid(7, 10)).toEqual([7, 1, 1]);
    expect(foldGrid(15, 4)).toEqual([4, 4, 1]);
    expect(foldGrid(15, 3)).toEqual([3, 3, 2]);
    expect(foldGrid(28, 3)).toBeNull();
    // N = 10⁸ at 256 neurons per workgroup, within maxComputeWorkgroupsPerDimension.
    expect(foldGrid(390_626, 65_535)).toEqual([65_105, 6, 1]);
    for (let w = 1; w <= 200; w++) {
      for (const width of [2, 3, 7, 16]) {
        const grid = foldGrid(w, width);
        if (!grid) continue;
        const [x, y, z] = grid;
        expect(Math.max(x, y, z)).toBeLessThanOrEqual(width);
        expect(x * y * z).toBeGreaterThanOrEqual(w);
        // Fewer workgroups past the end than one row per row and layer.
        expect(x * y * z - w).toBeLessThan(y * z);
      }
    }
  });

  it('slice a dispatch into 1-D slices of the width, or fold it into one call', () => {
    expect(dispatchCalls({ shape: 'sliced', width: 256 }, 600)).toEqual([
      { first: 0, grid: [256, 1, 1] },
      { first: 256, grid: [256, 1, 1] },
      { first: 512, grid: [88, 1, 1] },
    ]);
    expect(dispatchCalls({ shape: 'folded', width: 256 }, 600)).toEqual([{ first: 0, grid: [200, 3, 1] }]);
  });

  it('choose profiles from the adapter info, not the software flag alone', () => {
    const swiftshader = {
      vendor: 'google',
      architecture: 'swiftshader',
      description: 'SwiftShader driver 5.0.0',
    };
    expect(profileOf({ ...swiftshader, software: true })).toMatchObject({
      name: 'swiftshader',
      dispatch: 'sliced',
    });
    const llvmpipe = {
      vendor: '',
      architecture: '',
      device: 'llvmpipe-llvm-15-0-6-256-bits-',
      description: 'OpenGL version 4.5 (Core Profile) Mesa 22.3.6',
    };
    expect(profileOf({ ...llvmpipe, software: true })).toMatchObject({
      name: 'llvmpipe',
      dispatch: 'folded',
    });
    expect(profileOf({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' })).toMatchObject(
      {
        name: 'h200',
        software: false,
        dispatch: 'folded',
      },
    );
    expect(profileOf({ vendor: 'nvidia', description: 'NVIDIA L4' })).toMatchObject({
      name: 'gpu',
      dispatch: 'folded',
    });
    expect(profileOf({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })).toMatchObject({
      name: 'software',
      dispatch: 'sliced',
    });
    expect(profileOf({ description: 'some emulator', software: true })).toMatchObject({ dispatch: 'sliced' });
  });
});

/** fig5 (batched small-network kernel) with voltage noise, so that its trials differ. */
function noisyFig5(trials: number): CompiledNetwork {
  const run = truncated(fig5Run(), 2000);
  return compileNetwork(
    parseRunFile({
      ...run,
      trials,
      populations: run.populations.map((p) => ({ ...p, sigmaV: 0.05 })),
    } as RunFileJson),
  );
}

/** A delta-synapse network under one-per-step, N = 1200: stepDelta runs 5 workgroups. */
function deltaNetwork(): CompiledNetwork {
  const base = tinyEINetwork({
    sizeE: 700,
    sizeI: 500,
    steps: 150,
    synapse: { kind: 'delta' },
    sigmaV: 0.1,
    refractoryMs: 0.2,
    seed: 5,
  });
  return compileNetwork({ ...base.spec, spikeRule: 'one-per-step' });
}

interface Case {
  name: string;
  net: () => CompiledNetwork;
  /** Engine options besides the shape. */
  options: WebGpuEngineOptions;
  /** Widths: [sliced, folded in 3-D or 2-D, folded in 2-D]. */
  widths: [number, number, number];
  tolerance: number;
}

const CASES: Case[] = [
  {
    // stepAll over 2 workgroups per trial (one per population), 5 trials in batches of 3 and 2:
    // dispatches of 6 and 4 workgroups (a 2×2×2 grid with 2 past its end at width 2), latents
    // over 3 and 2.
    name: '`all` rule, exponential synapses, noisy, 5 trials in batches of 3 (stepAll + latents)',
    net: () =>
      tinyEINetwork({
        sizeE: 600,
        sizeI: 400,
        steps: 120,
        synapse: { kind: 'exponential', rate: 200 },
        sigmaV: 0.2,
        trials: 5,
        readout: true,
      }),
    options: { maxTrialsPerBatch: 3 },
    widths: [2, 2, 4],
    tolerance: 1e-5,
  },
  {
    name: 'one-per-step on the per-step path, N = 1200 (stepDelta over 5 workgroups + selectOne)',
    net: deltaNetwork,
    options: { batchSmallNetworks: false },
    widths: [2, 2, 3],
    tolerance: 1e-5,
  },
  {
    name: 'the rate model on the per-step path, 7 trials (stepRate + latents)',
    net: () => compileNetwork(parseRunFile({ ...truncated(fig12bRun(), 120), trials: 7 })),
    options: { batchSmallNetworks: false },
    widths: [2, 2, 3],
    tolerance: 1e-4,
  },
  {
    name: 'the batched small-network kernel, fig5 with noise, 5 trials',
    net: () => noisyFig5(5),
    options: {},
    widths: [2, 2, 3],
    tolerance: 1e-5,
  },
];

/** Every recorded bit of two runs. */
function expectSameBits(a: SimulationResult, b: SimulationResult) {
  expect(a.trials.length).toBe(b.trials.length);
  a.trials.forEach((trial, t) => {
    expect(trial.spikeCounts).toEqual(b.trials[t].spikeCounts);
    expect(trial.latents).toEqual(b.trials[t].latents);
    expect(trial.readouts).toEqual(b.trials[t].readouts);
    if (trial.spikes) expect(events(trial)).toEqual(events(b.trials[t]));
  });
}

describe.each(['swiftshader', 'opengl'] as const)('dispatch shapes on %s', async (path) => {
  const gpu = await tryAcquireDeviceOn(path);
  afterAll(() => gpu?.release());

  it.skipIf(!gpu)('gets its own profile, and LATENTSPIKE_DISPATCH forces the shape', async () => {
    const expected = path === 'swiftshader' ? ['swiftshader', 'sliced'] : ['llvmpipe', 'folded'];
    expect([gpu!.profile.name, gpu!.profile.dispatch]).toEqual(expected);
    const natural = await WebGpuEngine.create({ gpu: gpu! });
    expect(natural.shape.dispatch.shape).toBe(expected[1]);
    natural.dispose();
    const saved = process.env[DISPATCH_VARIABLE];
    try {
      for (const shape of ['sliced', 'folded'] as const) {
        process.env[DISPATCH_VARIABLE] = shape;
        const forced = await WebGpuEngine.create({ gpu: gpu! });
        expect(forced.shape.dispatch.shape).toBe(shape);
        forced.dispose();
      }
      process.env[DISPATCH_VARIABLE] = 'diagonal';
      await expect(WebGpuEngine.create({ gpu: gpu! })).rejects.toThrow(
        /LATENTSPIKE_DISPATCH='diagonal' is not one of: sliced, folded/,
      );
    } finally {
      if (saved === undefined) delete process.env[DISPATCH_VARIABLE];
      else process.env[DISPATCH_VARIABLE] = saved;
    }
  });

  it.skipIf(!gpu).each(CASES)(
    '$name: sliced and folded give the same bits',
    { timeout: 600_000 },
    async (c) => {
      const started = performance.now();
      const net = c.net();
      const reference = await cpu.run(net);
      const shapes: [string, WebGpuEngineOptions][] = [
        ['default', {}],
        [`sliced, ${c.widths[0]} workgroups a slice`, { dispatch: 'sliced', dispatchWidth: c.widths[0] }],
        [`folded, width ${c.widths[1]}`, { dispatch: 'folded', dispatchWidth: c.widths[1] }],
        [`folded, width ${c.widths[2]}`, { dispatch: 'folded', dispatchWidth: c.widths[2] }],
      ];
      let first: SimulationResult | null = null;
      for (const [label, shape] of shapes) {
        const engine = await WebGpuEngine.create({ gpu: gpu!, ...c.options, ...shape });
        try {
          const result = await engine.run(net);
          if (first) expectSameBits(result, first);
          first ??= result;
          result.trials.forEach((trial, t) => {
            expect(trial.spikeCounts).toEqual(reference.trials[t].spikeCounts);
            if (trial.spikes) expect(events(trial)).toEqual(events(reference.trials[t]));
            const dy = relativeDifference(trial.latents!, reference.trials[t].latents!);
            expect(dy).toBeLessThan(c.tolerance);
            if (t === 0) {
              console.log(
                `[${((performance.now() - started) / 1000).toFixed(1)} s] ${path}, ${c.name}, ${label}: ${engine.shape.dispatch.shape} (width ${engine.shape.dispatch.width}), ` +
                  `${trial.spikes ? `${events(trial).length} spikes as the CPU's, ` : ''}relative |Δy| = ${dy.toExponential(2)}`,
              );
            }
          });
        } finally {
          engine.dispose();
        }
      }
    },
  );
});
