// Closed-loop input (RunOptions.input) on both WebGPU paths — the batched small-network kernel and
// the per-step runner — on both software adapters (closedLoopChecks.ts has the networks and the
// oracles): fed span by span = given ahead of time, bit for bit; a closed loop equal to the CPU
// engine's f32 mode bit for bit (the one-per-step rule, whose latents the GPU sums exactly as the
// CPU does); snapshots; bad sources; and a lost device, after which the trial runs again on the
// input it was given.

import { afterAll, describe, expect, it } from 'vitest';
import type { RunCheckpoint } from '../../src/engine/engine.ts';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine.ts';
import type { NodeAdapterPath } from '../../src/engine/webgpu/nodeAdapter.ts';
import {
  allRule,
  checkBadSources,
  checkClosedLoop,
  checkFedAsGiven,
  checkResume,
  closedLoop,
  deltaRule,
  rateModel,
} from '../engine/closedLoopChecks.ts';
import { expectSameResult } from '../engine/gateChecks.ts';
import { tryAcquireDeviceOn } from './gpu.ts';

const PATHS: NodeAdapterPath[] = ['swiftshader', 'opengl'];
const cpu = new CpuEngine({ precision: 'f32', threads: 1 });
const toRelease: { dispose?: () => void; release?: () => void }[] = [];
afterAll(() => toRelease.forEach((r) => (r.dispose ? r.dispose() : r.release!())));

/** An engine that acquires its own device on `path`, so that it replaces a lost one there. */
async function ownedEngineOn(path: NodeAdapterPath): Promise<WebGpuEngine> {
  const saved = process.env.LATENTSPIKE_WEBGPU_PATH;
  process.env.LATENTSPIKE_WEBGPU_PATH = path;
  try {
    const engine = await WebGpuEngine.create({ batchSmallNetworks: false });
    toRelease.push(engine);
    return engine;
  } finally {
    if (saved === undefined) delete process.env.LATENTSPIKE_WEBGPU_PATH;
    else process.env.LATENTSPIKE_WEBGPU_PATH = saved;
  }
}

const SETUPS = [];
for (const path of PATHS) {
  const gpu = await tryAcquireDeviceOn(path);
  if (gpu) toRelease.push(gpu);
  const batched = gpu ? await WebGpuEngine.create({ gpu }) : null;
  const perStep = gpu ? await WebGpuEngine.create({ gpu, batchSmallNetworks: false }) : null;
  for (const e of [batched, perStep]) if (e) toRelease.push(e);
  SETUPS.push({ path, gpu, batched, perStep });
}

describe.each(SETUPS)('WebGPU closed-loop input on $path', ({ path, gpu, batched, perStep }) => {
  const paths = [
    {
      name: 'batched path',
      engine: () => batched!,
      networks: [
        { name: 'one-per-step', net: () => deltaRule('one-per-step') },
        { name: 'sequential', net: () => deltaRule('sequential') },
        { name: 'rate model', net: rateModel },
      ],
    },
    {
      name: 'per-step path',
      engine: () => perStep!,
      networks: [
        { name: 'all rule', net: allRule },
        { name: 'one-per-step', net: () => deltaRule('one-per-step') },
        { name: 'rate model', net: rateModel },
      ],
    },
  ];

  describe.skipIf(!gpu).each(paths)('$name', ({ engine, networks }) => {
    it.each(networks)('$name: fed span by span = given ahead of time', async ({ net }) => {
      await checkFedAsGiven(engine(), net(), 70);
    });

    it('a closed loop (x = 1 − 4·y₀) gives the CPU engine f32 closed loop bit for bit', async () => {
      await checkClosedLoop(engine(), cpu, deltaRule('one-per-step'), 40);
    });

    it('a snapshot at a span boundary resumes with the input it was given', async () => {
      await checkResume(engine(), deltaRule('one-per-step'), 50, { trial: 1, step: 100 });
    });

    it('a source that breaks the contract rejects the run with an InputError naming the problem', async () => {
      await checkBadSources(engine(), deltaRule('one-per-step'));
    });

    it('the run then works as before on the same engine', async () => {
      const net = deltaRule('one-per-step');
      expectSameResult(await engine().run(net), await engine().run(net));
    });
  });

  it.skipIf(!gpu || path !== 'opengl')(
    'a lost device: the trial in progress runs again on the input it was given, asking no span twice',
    async () => {
      const net = deltaRule('one-per-step');
      const reference = await closedLoop(perStep!, net, 50);
      const owned = await ownedEngineOn(path);
      const first = owned.device;
      const seen: string[] = [];
      const calls: string[] = [];
      const result = await owned.run(net, {
        chunkSteps: 50,
        input: (from, to, soFar) => {
          calls.push(`${soFar.trial}:${from}`);
          return new Float32Array((to - from) * net.J).fill(1 - 4 * soFar.latents[0]);
        },
        gate: async (at: RunCheckpoint) => {
          seen.push(`${at.trial}:${at.step}`);
          if (at.trial === 1 && at.step === 200 && owned.device === first) first.device.destroy();
        },
      });
      expect(owned.device).not.toBe(first);
      expectSameResult(result, reference.result);
      expect(calls).toEqual(reference.calls.map((c) => `${c.trial}:${c.from}`));
      // Trial 1 ran again from its first step after the loss.
      expect(seen.filter((s) => s === '1:0').length).toBe(2);
    },
    120_000,
  );
});
