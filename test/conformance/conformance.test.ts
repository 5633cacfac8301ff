// One conformance suite for every engine configuration: the CPU engine in float64 (the reference)
// and float32, and the WebGPU engine on both software adapters (SwiftShader through Dawn's Vulkan
// backend, llvmpipe through its OpenGL ES backend), over the networks of cases.ts. Each pair is
// held to a named oracle tier (oracles.ts) against its reference: cpu-f32 against cpu-f64 to
// `statistics`, each WebGPU configuration against cpu-f32 to the tier its case names.
// docs/conformance.md lists the pairs that are not bit-equal and why.

import { afterAll, describe, expect, it } from 'vitest';
import type { SimulationResult, TrialResult } from '../../src/engine/engine.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import type { GpuDevice } from '../../src/engine/webgpu/device.ts';
import type { NodeAdapterPath } from '../../src/engine/webgpu/nodeAdapter.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine.ts';
import type { CompiledNetwork } from '../../src/model/compile.ts';
import { tryAcquireDeviceOn } from '../webgpu/gpu.ts';
import { events } from '../webgpu/compare.ts';
import { CASES, type ConformanceCase } from './cases.ts';
import { expectTier, type Tier } from './oracles.ts';

/** The next float64 above x > 0. */
function nextUp(x: number): number {
  const bits = new BigInt64Array(Float64Array.of(x).buffer);
  bits[0] += 1n;
  return new Float64Array(bits.buffer)[0];
}

const cpu = { f64: new CpuEngine({ precision: 'f64' }), f32: new CpuEngine({ precision: 'f32' }) };
afterAll(() => {
  cpu.f64.dispose();
  cpu.f32.dispose();
});

/** Each case's network and CPU results, computed once and shared by the configurations. */
const memo = new Map<
  ConformanceCase,
  { net: CompiledNetwork; runs: Partial<Record<'f64' | 'f32', Promise<SimulationResult>>> }
>();
function network(c: ConformanceCase): CompiledNetwork {
  if (!memo.has(c)) memo.set(c, { net: c.net(), runs: {} });
  return memo.get(c)!.net;
}
function cpuRun(c: ConformanceCase, precision: 'f64' | 'f32'): Promise<SimulationResult> {
  network(c);
  const runs = memo.get(c)!.runs;
  runs[precision] ??= cpu[precision].run(memo.get(c)!.net);
  return runs[precision];
}

describe('cpu-f64 (the reference)', () => {
  it.each(CASES)('$name: active, finite', async (c) => {
    const result = await cpuRun(c, 'f64');
    const spikes = result.trials.reduce((n, t) => n + events(t).length, 0);
    expect(spikes).toBeGreaterThanOrEqual(c.minSpikes);
    for (const trial of result.trials) {
      expect(trial.latents!.every((y) => y.every(Number.isFinite))).toBe(true);
      const swing = Math.max(...trial.latents!.map((y) => Math.max(...y) - Math.min(...y)));
      expect(swing).toBeGreaterThan(1e-3);
    }
  });
});

describe('cpu-f32 against cpu-f64: statistics', () => {
  it.each(CASES)('$name', async (c) => {
    console.log(
      `cpu-f32 ${c.name}: ${expectTier('statistics', network(c), await cpuRun(c, 'f32'), await cpuRun(c, 'f64'))}`,
    );
  });
});

describe('the oracles fail where they should', () => {
  const c = CASES[0];
  /** cpu-f32's result with trial 0 changed by `edit` (a deep copy). */
  async function edited(edit: (trial: TrialResult) => void): Promise<SimulationResult> {
    const result = structuredClone(await cpuRun(c, 'f32'));
    edit(result.trials[0]);
    return result;
  }
  /** Removes the first spike of the busiest neuron of population 0 from the train and the counts. */
  function dropSpike(trial: TrialResult, times = 1): void {
    const counts = trial.spikeCounts[0];
    const neuron = counts.indexOf(Math.max(...counts));
    for (let n = 0; n < times; n++) {
      const train = trial.spikes![0];
      const e = train.neuron.indexOf(neuron);
      trial.spikes![0] = {
        step: train.step.filter((_, j) => j !== e),
        neuron: train.neuron.filter((_, j) => j !== e),
      };
      counts[neuron] -= 1;
    }
  }
  const check = async (tier: Tier, edit: (trial: TrialResult) => void) =>
    expectTier(tier, network(c), await edited(edit), await cpuRun(c, 'f32'));

  it('bit-equal: one latent sample one ulp off', async () => {
    await expect(check('bit-equal', (t) => (t.latents![0][7] = nextUp(t.latents![0][7])))).rejects.toThrow();
  });
  it('±1 spike: a neuron two spikes short, or a latent moved more than a missing spike can move it', async () => {
    expect(await check('±1 spike', (t) => dropSpike(t))).toMatch(/ 1 in one run only/);
    await expect(check('±1 spike', (t) => dropSpike(t, 2))).rejects.toThrow(/spike-count/);
    await expect(check('±1 spike', (t) => (t.latents![1][50] += 0.01))).rejects.toThrow(/bound/);
  });
  it('statistics: a population a tenth short', async () => {
    await expect(
      check('statistics', (t) => t.spikeCounts[1].forEach((n, i, a) => (a[i] = Math.floor(n * 0.9)))),
    ).rejects.toThrow(/population 1/);
  });
});

const ADAPTERS: [string, NodeAdapterPath][] = [
  ['webgpu-swiftshader', 'swiftshader'],
  ['webgpu-llvmpipe', 'opengl'],
];

describe.each(ADAPTERS)('%s against cpu-f32', async (label, path) => {
  const gpu: GpuDevice | null = await tryAcquireDeviceOn(path);
  /** One engine per set of options, made on first use. */
  const engines = new Map<string, Promise<WebGpuEngine>>();
  const engine = (options: ConformanceCase['options'] = {}): Promise<WebGpuEngine> => {
    const key = JSON.stringify(options);
    if (!engines.has(key)) engines.set(key, WebGpuEngine.create({ gpu: gpu!, ...options }));
    return engines.get(key)!;
  };
  afterAll(async () => {
    for (const e of engines.values()) (await e).dispose();
    gpu?.release();
  });

  it.skipIf(!gpu).each(CASES)('$webgpu: $name', async (c) => {
    const result = await (await engine(c.options)).run(network(c));
    console.log(`${label} ${c.name}: ${expectTier(c.webgpu, network(c), result, await cpuRun(c, 'f32'))}`);
  });
});
