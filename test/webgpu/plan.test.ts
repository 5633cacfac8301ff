// The plan of a run (src/engine/webgpu/plan.ts, `latentspike plan`), made without a device.
// Oracles:
//   the bench network (src/bench/cpuBench.ts: fig5 copied m times, `all` rule, exponential synapses)
//     at N = 10⁸, planned from its run file's sizes: on h200 it fits with one dispatch per kernel
//     and step (folded), on swiftshader its step kernel is sliced (⌈W / 256⌉ dispatches);
//   the plan from a run file's sizes equals the plan of the built network (every buffer, byte for
//     byte) on every profile, for each path and rule; the 10⁸ file (per-neuron values given once)
//     plans as the bench's own file does at a size both can build;
//   on llvmpipe, the buffers the engine creates (device.createBuffer observed) are the plan's list
//     exactly, for both dispatch shapes, split arrays, several batches, every path; every staging
//     buffer is within the plan's bound;
//   the command line: exit 0 fits, 3 does not (naming what), 2 bad input (naming what is allowed).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchRunFile } from '../../src/bench/cpuBench.ts';
import { PROFILE_NAMES, SLICE_INVOCATIONS, type PlanLimits } from '../../src/engine/webgpu/adapterProfile.ts';
import {
  builtInTarget,
  planNetwork,
  planRunFile,
  type PlanOptions,
  type PlanTarget,
  type RunPlan,
} from '../../src/engine/webgpu/plan.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine.ts';
import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';
import { fig5Run } from '../../src/experiments/presets/fig5.ts';
import { fig12Run, fig12bRun } from '../../src/experiments/presets/fig12.ts';
import { figS2Run } from '../../src/experiments/presets/figS2.ts';
import { tryAcquireDeviceOn } from './gpu.ts';
import { tinyEINetwork, truncated } from './networks.ts';

const target = (name: string) => builtInTarget(name) as PlanTarget;

/**
 * The bench network's run file at `neurons` with each population's per-neuron values given once
 * (the bench's values repeat every three neurons; here the first stands for all): the bench's
 * shape, sizes and kinds with no per-neuron array, so a file of 10⁸ neurons stays a few KiB.
 */
function benchShapeFile(neurons: number, steps = 1000): RunFileJson {
  const run = benchRunFile({ neurons: 6, steps, sigmaV: 0.01 });
  const m = Math.max(1, Math.round(neurons / 6));
  const first = (v: unknown): number => (Array.isArray(v) ? first(v[0]) : (v as number));
  return {
    ...run,
    populations: run.populations.map((p) => ({
      ...p,
      size: 3 * m,
      threshold: first(p.threshold),
      inputWeights: first(p.inputWeights),
    })),
    latents: run.latents.map((l) => ({ ...l, decoder: first(l.decoder) })),
  };
}

/** Buffers as (name, bytes) pairs, sorted, for comparing lists. */
const pairs = (list: { name: string; bytes: number }[]) => list.map((b) => `${b.name}:${b.bytes}`).sort();

describe('plan of the bench network at N = 10⁸', () => {
  const file = benchShapeFile(1e8);

  it('h200: fits, one dispatch per kernel and step (folded), every array bound whole', () => {
    const plan = planRunFile(file, target('h200'));
    console.log(
      `h200, N = ${plan.network.N}: ${plan.dispatchesPerStep} dispatches per step ` +
        `(${plan.kernels.map((k) => `${k.kernel} ${k.grid.join('×')}`).join(', ')}), ` +
        `${(plan.gpuBytes / 2 ** 30).toFixed(2)} GiB, ${plan.bytesPerStep} B per step, ` +
        `forecast ${plan.forecastUsPerStep!.toFixed(1)} µs per step`,
    );
    expect(plan.network).toMatchObject({ N: 100_000_002, from: 'sizes' });
    expect(plan.fits).toBe(true);
    expect(plan.adapter.dispatch).toBe('folded');
    expect(plan.kernels.map((k) => k.kernel)).toEqual(['stepAll', 'latents']);
    expect(plan.dispatchesPerStep).toBeLessThanOrEqual(plan.kernels.length);
    expect(plan.kernels[0]).toMatchObject({ workgroups: 390_626, calls: 1, grid: [65_105, 6, 1] });
    expect(plan.parts).toMatchObject({ consts: 1, state: 1, split: false });
    expect(plan.workgroupSize).toBe(256);
    expect(plan.neuronsPerInvocation).toBe(1);
    // The GPU total is its buffers and the staging bound.
    expect(plan.gpuBytes).toBe(plan.buffers.reduce((n, b) => n + b.bytes, 0) + plan.stagingBytes);
    // 28 bytes of state per neuron and step kernel traffic of 36 bytes per neuron (no spikes).
    expect(plan.buffers.find((b) => b.name === 'state')!.bytes).toBe(28 * 100_000_004);
    expect(plan.kernels[0].readBytes + plan.kernels[0].writeBytes).toBeGreaterThan(36e8);
    expect(plan.forecastUsPerStep).toBeGreaterThan(0);
    expect(plan.forecastUsPerStep).toBeLessThan(1000);
  });

  it('swiftshader: sliced, ⌈W / 256⌉ dispatches of its step kernel, more than one per kernel', () => {
    const plan = planRunFile(file, target('swiftshader'));
    const step = plan.kernels[0];
    expect(plan.adapter.dispatch).toBe('sliced');
    expect(plan.adapter.dispatchWidth).toBe(SLICE_INVOCATIONS / plan.workgroupSize);
    expect(step.calls).toBe(Math.ceil(step.workgroups / plan.adapter.dispatchWidth));
    expect(plan.dispatchesPerStep).toBe(step.calls + 1);
    expect(plan.dispatchesPerStep).toBeGreaterThan(plan.kernels.length);
    expect(plan.buffers.find((b) => b.name === 'slice')!.bytes).toBe(step.calls * 256);
    console.log(
      `swiftshader, N = ${plan.network.N}: ${plan.dispatchesPerStep} dispatches per step, ` +
        `consts in ${plan.parts!.consts} parts, state in ${plan.parts!.state}, fits: ${plan.fits}`,
    );
  });

  it('forced sliced on h200 slices too; llvmpipe cannot bind it and says why', () => {
    const sliced = planRunFile(file, target('h200'), { dispatch: 'sliced' });
    expect(sliced.dispatchesPerStep).toBe(Math.ceil(390_626 / 256) + 1);
    const llvmpipe = planRunFile(file, target('llvmpipe'));
    expect(llvmpipe.fits).toBe(false);
    expect(llvmpipe.problems.join('\n')).toMatch(/constants .* buffer needs \d+ bytes/);
  });

  it('plans as the bench’s own run file does where both can be built', () => {
    for (const name of PROFILE_NAMES) {
      const own = planRunFile(benchRunFile({ neurons: 6000, steps: 1000, sigmaV: 0.01 }), target(name), {
        sizesOnly: false,
      });
      const shape = planRunFile(benchShapeFile(6000), target(name), { sizesOnly: true });
      expect(pairs(shape.buffers)).toEqual(pairs(own.buffers));
      expect(shape.dispatchesPerStep).toBe(own.dispatchesPerStep);
      expect(shape.bytesPerStep).toBe(own.bytesPerStep);
    }
  });
});

describe('the plan from a run file’s sizes equals the plan of the built network', () => {
  const files: [string, RunFileJson][] = [
    ['bench (all, exponential, noisy)', benchRunFile({ neurons: 30_000, steps: 500, sigmaV: 0.01 })],
    ['fig5 (one-per-step, batched), 40 trials', { ...fig5Run(), trials: 40 }],
    ['fig12a (all, pulse synapses)', fig12Run('a', 0)],
    ['fig12b (rate model)', fig12bRun()],
    ['figS2 (one population, one-per-step, batched), 200 trials', figS2Run(0.1, true, 0, 200)],
  ];
  const options: [string, PlanOptions][] = [
    ['defaults', {}],
    [
      'per-step, sliced by 2, parts of 4 KiB',
      { batchSmallNetworks: false, dispatch: 'sliced', dispatchWidth: 2, maxPartBytes: 4096 },
    ],
  ];
  it.each(files)('%s', (_, file) => {
    for (const name of PROFILE_NAMES) {
      for (const [, o] of options) {
        const built = planRunFile(file, target(name), { ...o, sizesOnly: false });
        const sized = planRunFile(file, target(name), { ...o, sizesOnly: true });
        expect(built.network.from).toBe('built');
        expect(sized.network.from).toBe('sizes');
        expect(pairs(sized.buffers)).toEqual(pairs(built.buffers));
        expect(sized.stagingBytes).toBe(built.stagingBytes);
        expect(sized.kernels.map((k) => [k.kernel, k.calls])).toEqual(
          built.kernels.map((k) => [k.kernel, k.calls]),
        );
        expect(sized.hostBytes).toBe(built.hostBytes);
        expect(sized.fits).toBe(built.fits);
      }
    }
  });

  it('refuses a bad run file from its sizes as parseRunFile does, naming the field', () => {
    const file = benchShapeFile(1e8);
    const bad = { ...file, latents: [{ ...file.latents[0], decoder: -1 }, file.latents[1]] };
    expect(() => planRunFile(bad, target('h200'))).toThrow(/latents\[0\]\.decoder/);
    const short = benchRunFile({ neurons: 600, steps: 100, sigmaV: 0 });
    short.populations[1].threshold = (short.populations[1].threshold as number[]).slice(1);
    expect(() => planRunFile(short, target('h200'), { sizesOnly: true })).toThrow(
      /populations\[1\]\.threshold: must have 300 values, one per neuron of population I \(got 299\)/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// On llvmpipe: the buffers the engine makes are the plan's.

const gpu = await tryAcquireDeviceOn('opengl');
afterAll(() => gpu?.release());

interface Made {
  label: string;
  size: number;
}

/** Runs `net` on an engine with `options` and returns every buffer created meanwhile. */
async function createdBuffers(net: CompiledNetwork, options: PlanOptions): Promise<Made[]> {
  const { device } = gpu!;
  const made: Made[] = [];
  const original = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor) => {
    made.push({ label: descriptor.label ?? '', size: descriptor.size });
    return original(descriptor);
  };
  try {
    const engine = await WebGpuEngine.create({ gpu: gpu!, ...options });
    try {
      await engine.run(net);
    } finally {
      engine.dispose();
    }
  } finally {
    device.createBuffer = original;
  }
  return made;
}

describe.skipIf(!gpu)('on llvmpipe, the engine allocates what the plan lists', () => {
  const networks: [string, () => CompiledNetwork, PlanOptions][] = [
    [
      '`all`, spikes recorded, 3 trials in batches of 2',
      () =>
        tinyEINetwork({
          sizeE: 600,
          sizeI: 400,
          steps: 60,
          synapse: { kind: 'exponential', rate: 200 },
          sigmaV: 0.2,
          trials: 3,
          readout: true,
        }),
      { maxTrialsPerBatch: 2, neuronsPerInvocation: 1 },
    ],
    [
      '`all`, pulse synapses, consts and state in parts of 8 KiB',
      () => tinyEINetwork({ sizeE: 170, sizeI: 130, steps: 60, synapse: { kind: 'pulse', widthMs: 0.5 } }),
      { maxPartBytes: 8192 },
    ],
    [
      'fig5, 7 trials, batched',
      () => compileNetwork(parseRunFile({ ...truncated(fig5Run(), 500), trials: 7 })),
      {},
    ],
    [
      'fig12b, rate model, per-step, 3 trials',
      () => compileNetwork(parseRunFile({ ...truncated(fig12bRun(), 80), trials: 3 })),
      { batchSmallNetworks: false },
    ],
    [
      'one-per-step on the per-step path, N = 1200',
      () => {
        const base = tinyEINetwork({
          sizeE: 700,
          sizeI: 500,
          steps: 40,
          synapse: { kind: 'delta' },
          sigmaV: 0.1,
        });
        return compileNetwork({ ...base.spec, spikeRule: 'one-per-step' });
      },
      { batchSmallNetworks: false },
    ],
  ];
  const shapes: [string, PlanOptions][] = [
    ['folded by 3', { dispatch: 'folded', dispatchWidth: 3 }],
    ['sliced by 2', { dispatch: 'sliced', dispatchWidth: 2 }],
  ];

  it.each(networks)('%s', async (label, build, options) => {
    const net = build();
    const device: PlanTarget = {
      profile: gpu!.profile,
      limits: gpu!.device.limits as unknown as PlanLimits,
      source: 'this device',
    };
    for (const [shapeLabel, shape] of shapes) {
      const o = { ...options, ...shape };
      const plan: RunPlan = planNetwork(net, device, o);
      const made = await createdBuffers(net, o);
      const runBuffers = made
        .filter(
          (b) => b.label.startsWith('WebGpuEngine.') && !b.label.startsWith('WebGpuEngine.chunkStaging'),
        )
        .map((b) => ({ name: b.label.slice('WebGpuEngine.'.length), bytes: b.size }));
      const staging = made.filter((b) => !runBuffers.some((r) => `WebGpuEngine.${r.name}` === b.label));
      expect(pairs(runBuffers)).toEqual(pairs(plan.buffers));
      for (const b of staging) expect(b.size).toBeLessThanOrEqual(plan.stagingBytes);
      const total = runBuffers.reduce((n, b) => n + b.bytes, 0);
      expect(total).toBe(plan.gpuBytes - plan.stagingBytes);
      console.log(
        `llvmpipe, ${label}, ${shapeLabel}: ${runBuffers.length} buffers, ${total} bytes as planned ` +
          `(${plan.path}, ${plan.dispatchesPerStep} dispatches per step); ${staging.length} staging ` +
          `buffers, the largest ${Math.max(0, ...staging.map((b) => b.size))} of at most ${plan.stagingBytes}`,
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The command line.

const BIN = new URL('../../bin/latentspike.js', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('latentspike plan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentspike-plan-'));
  const bench = join(dir, 'bench1e8.json');
  writeFileSync(bench, JSON.stringify(benchShapeFile(1e8)));

  it('--json: fits on h200 (exit 0), with the fields other tools read', () => {
    const r = cli('plan', bench, '--adapter', 'h200', '--json');
    expect(r.status, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    for (const key of [
      'gpuBytes',
      'hostBytes',
      'dispatchesPerStep',
      'bytesPerStep',
      'forecastUsPerStep',
      'fits',
    ]) {
      expect(plan).toHaveProperty(key);
    }
    expect(plan.fits).toBe(true);
    expect(plan.dispatchesPerStep).toBe(2);
  });

  it('exits 3 where the run does not fit, naming what', () => {
    const r = cli('plan', bench, '--adapter', 'llvmpipe');
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/fits: no\n {2}- WebGpuEngine: the constants .* buffer needs/);
  });

  it('exits 2 for an unknown adapter, naming the allowed ones, and for a bad run file', () => {
    const r = cli('plan', bench, '--adapter', 'voodoo2');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`unknown adapter profile "voodoo2"; allowed: ${PROFILE_NAMES.join(', ')}`);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": ');
    expect(cli('plan', bad, '--adapter', 'h200').status).toBe(2);
    expect(cli('plan', bench, '--adapter', 'h200', '--dispatch', 'diagonal').status).toBe(2);
  });

  it.skipIf(!gpu)("--dump-limits writes this machine's adapter, which --limits plans on", () => {
    const dump = join(dir, 'adapter.json');
    expect(cli('plan', '--dump-limits', dump).status).toBe(0);
    const small = join(dir, 'bench6000.json');
    writeFileSync(small, JSON.stringify(benchRunFile({ neurons: 6000, steps: 200, sigmaV: 0 })));
    const r = cli('plan', small, '--limits', dump);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^adapter: (swiftshader|llvmpipe|gpu|software) /);
    expect(r.stdout).toContain(`(${dump})`);
  });
});
