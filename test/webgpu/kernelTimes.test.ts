// Per-kernel GPU time (RunOptions.kernelTimes, kernelTimer.ts) on both software adapters. SwiftShader
// offers 'timestamp-query': there a timed run gives every dispatch a timed pass of its own, and it
// must still reproduce the CPU engine's f32 mode spike for spike (latents within 1e-5 relative, as
// webgpuEngine.test.ts) and the untimed run bit for bit, while every kernel the plan lists gets a
// positive time, the right number of dispatches, and all of them together no more than the wall
// time of the run. Dawn's OpenGL path has no timestamps: there the run says why and is otherwise
// the same run. A study with `kernelTimes: true` gets the gpu_us_* columns from such a run, and
// otherwise the same metrics as without it.

import { afterAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../src/engine/engine.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import {
  NO_TIMESTAMP_QUERY,
  WebGpuEngine,
  type WebGpuEngineOptions,
} from '../../src/engine/webgpu/webgpuEngine.ts';
import { planNetwork } from '../../src/engine/webgpu/plan.ts';
import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { figS2Run } from '../../src/experiments/presets/figS2.ts';
import { parseStudy } from '../../src/study/studyFile.ts';
import { studyPoints } from '../../src/study/points.ts';
import { runPoint } from '../../src/study/runPoint.ts';
import type { Metrics } from '../../src/study/metrics.ts';
import { tryAcquireDeviceOn } from './gpu.ts';
import { tinyEINetwork, truncated } from './networks.ts';
import { events, relativeDifference } from './compare.ts';

const cpu = new CpuEngine({ precision: 'f32' });

interface Case {
  name: string;
  net: () => CompiledNetwork;
  options: WebGpuEngineOptions;
  chunkSteps?: number;
  /** Dispatches of each kernel the run makes, when known in advance (per-step path: one per step). */
  dispatches: ((net: CompiledNetwork) => number) | null;
}

const CASES: Case[] = [
  {
    // Two trials in one batch, chunks of 64 steps: both pipeline slots' query sets in use.
    name: '`all` rule, 2 trials together (stepAll, latents)',
    net: () =>
      tinyEINetwork({
        sizeE: 130,
        sizeI: 126,
        steps: 300,
        trials: 2,
        synapse: { kind: 'exponential', rate: 200 },
        sigmaV: 0.2,
        readout: true,
      }),
    options: {},
    chunkSteps: 64,
    dispatches: (net) => net.S - 1,
  },
  {
    name: 'one-per-step on the per-step path, 2 trials one after another (stepDelta, selectOne)',
    net: () => compileNetwork(parseRunFile(truncated(figS2Run(0.1, true, 0, 2), 800))),
    options: { batchSmallNetworks: false },
    dispatches: (net) => (net.S - 1) * net.trials,
  },
  {
    name: 'one-per-step on the batched path (smallNetwork)',
    net: () => compileNetwork(parseRunFile(truncated(figS2Run(0.1, true, 0, 2), 1500))),
    options: {},
    dispatches: null,
  },
];

function expectMatchesCpu(result: SimulationResult, reference: SimulationResult) {
  expect(result.trials.length).toBe(reference.trials.length);
  result.trials.forEach((trial, t) => {
    expect(events(trial)).toEqual(events(reference.trials[t]));
    expect(trial.spikeCounts).toEqual(reference.trials[t].spikeCounts);
    expect(relativeDifference(trial.latents!, reference.trials[t].latents!)).toBeLessThan(1e-5);
  });
}

function expectSameBits(a: SimulationResult, b: SimulationResult) {
  a.trials.forEach((trial, t) => {
    expect(events(trial)).toEqual(events(b.trials[t]));
    expect(trial.spikeCounts).toEqual(b.trials[t].spikeCounts);
    expect(trial.latents).toEqual(b.trials[t].latents);
    expect(trial.readouts).toEqual(b.trials[t].readouts);
  });
}

describe.each(['swiftshader', 'opengl'] as const)('kernel times on %s', async (path) => {
  const gpu = await tryAcquireDeviceOn(path);
  afterAll(() => gpu?.release());

  it.skipIf(!gpu)('the device has timestamp-query exactly where the adapter offers it', async () => {
    const engine = await WebGpuEngine.create({ gpu: gpu! });
    try {
      // Measured on Dawn 0.6.2: SwiftShader offers the feature, the OpenGL ES path does not.
      expect(engine.canTimeKernels).toBe(path === 'swiftshader');
    } finally {
      engine.dispose();
    }
  });

  it.skipIf(!gpu).each(CASES)('$name', { timeout: 300_000 }, async (c) => {
    const net = c.net();
    const reference = await cpu.run(net);
    const engine = await WebGpuEngine.create({ gpu: gpu!, ...c.options });
    try {
      const untimed = await engine.run(net, { chunkSteps: c.chunkSteps });
      expect(untimed.timing.kernels).toBeUndefined();
      const timed = await engine.run(net, { chunkSteps: c.chunkSteps, kernelTimes: true });
      expectMatchesCpu(timed, reference);
      expectSameBits(timed, untimed);
      const times = timed.timing.kernels!;
      if (!engine.canTimeKernels) {
        expect(times).toEqual({ kernels: null, unavailable: NO_TIMESTAMP_QUERY });
        return;
      }
      expect(times.unavailable).toBeNull();
      const kernels = times.kernels!;
      // The kernels the plan lists for this run on this adapter, in its order.
      const plan = planNetwork(
        net,
        { profile: engine.profile, limits: engine.shape.limits, source: 'this device' },
        { ...c.options, chunkSteps: c.chunkSteps },
      );
      expect(kernels.map((k) => k.kernel)).toEqual(plan.kernels.map((k) => k.kernel));
      const total = kernels.reduce((s, k) => s + k.gpuSeconds, 0);
      console.log(
        `${path} ${c.name}: wall ${(timed.timing.simulateSeconds * 1e3).toFixed(1)} ms ` +
          `(untimed ${(untimed.timing.simulateSeconds * 1e3).toFixed(1)} ms), ` +
          kernels
            .map((k) => `${k.kernel} ${(k.gpuSeconds * 1e3).toFixed(1)} ms / ${k.dispatches}`)
            .join(', '),
      );
      for (const k of kernels) {
        expect(k.gpuSeconds).toBeGreaterThan(0);
        if (c.dispatches) expect(k.dispatches).toBe(c.dispatches(net));
        else expect(k.dispatches).toBeGreaterThanOrEqual(Math.ceil((net.S - 1) / 256));
      }
      expect(total).toBeLessThanOrEqual(timed.timing.simulateSeconds);
    } finally {
      engine.dispose();
    }
  });

  it.skipIf(!gpu)(
    'a study point with kernelTimes: gpu_us_* columns, the other metrics unchanged',
    async () => {
      const point = async (kernelTimes: boolean): Promise<Metrics> => {
        const { study } = parseStudy(
          {
            format: 'latentspike/study@1',
            name: 'timed',
            base: 'fig5',
            backend: 'webgpu',
            steps: 1000,
            kernelTimes,
          },
          '.',
        );
        const saved = process.env.LATENTSPIKE_WEBGPU_PATH;
        process.env.LATENTSPIKE_WEBGPU_PATH = path;
        try {
          const record = await runPoint(study, studyPoints(study)[0]);
          expect(record.status, record.error ?? '').toBe('done');
          return record.metrics;
        } finally {
          if (saved === undefined) delete process.env.LATENTSPIKE_WEBGPU_PATH;
          else process.env.LATENTSPIKE_WEBGPU_PATH = saved;
        }
      };
      const timed = await point(true);
      const untimed = await point(false);
      const timing = /^(us_per_step|updates_per_s|peak_rss_mib|gpu_us_.*)$/;
      const rest = (m: Metrics) => Object.entries(m).filter(([k]) => !timing.test(k));
      expect(rest(timed)).toEqual(rest(untimed));
      expect(Object.keys(untimed).filter((k) => k.startsWith('gpu_us'))).toEqual([]);
      if (path !== 'swiftshader') {
        expect(Object.keys(timed).filter((k) => k.startsWith('gpu_us'))).toEqual([]);
        return;
      }
      // fig5 takes the batched path: one kernel.
      expect(timed.gpu_us_small_network).toBeGreaterThan(0);
      expect(timed.gpu_us_per_step).toBe(timed.gpu_us_small_network);
      expect(timed.gpu_us_per_step).toBeLessThanOrEqual(timed.us_per_step!);
    },
  );
});
