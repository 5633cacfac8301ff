// Pausing, stepping and watching a run of the WebGPU engine through RunOptions.gate
// (test/engine/gateChecks.ts), on both of its paths: the batched small-network kernel (fig5, one
// trial of a delta rule) and the per-step runner (the `all` rule, three trials in batches of two,
// so a gate sees a batch of several trials and a second batch).

import { afterAll, describe, expect, it } from 'vitest';
import type { RunCheckpoint } from '../../src/engine/engine.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine.ts';
import { checkOpenGate, checkPauseAndStep, expectSameResult } from '../engine/gateChecks.ts';
import { fig5Network, noisyPulseNetwork } from '../engine/gateNetworks.ts';
import { tryAcquireDevice } from './gpu.ts';

const gpu = await tryAcquireDevice();
const engine = gpu ? await WebGpuEngine.create({ gpu }) : null;
const byTwo = gpu ? await WebGpuEngine.create({ gpu, maxTrialsPerBatch: 2 }) : null;
afterAll(() => {
  engine?.dispose();
  byTwo?.dispose();
  gpu?.release();
});

const NETWORKS = [
  {
    name: 'fig5, batched path',
    net: fig5Network,
    engine: () => engine!,
    trialsPerBatch: 1,
  },
  {
    name: '3 trials of 20 E + 20 I, per-step path, two trials per batch',
    engine: () => byTwo!,
    trialsPerBatch: 2,
    net: () => noisyPulseNetwork({ steps: 601, trials: 3 }),
  },
];

describe.skipIf(!gpu).each(NETWORKS)('WebGpuEngine gate: $name', ({ net: make, engine, trialsPerBatch }) => {
  it('stops before every chunk of chunkSteps, shows the run so far, and changes nothing', async () => {
    const net = make();
    const reference = await engine().run(net);
    await checkOpenGate(engine(), net, 100, reference, trialsPerBatch);
    await checkOpenGate(engine(), net, 333, reference, trialsPerBatch);
  });

  it('pauses, steps one chunk at a time, resumes to the same result, and aborts while paused', async () => {
    const net = make();
    await checkPauseAndStep(engine(), net, 250, await engine().run(net), trialsPerBatch);
  });
});

describe.skipIf(!gpu).each(NETWORKS)(
  'WebGpuEngine gate after an abort: $name',
  ({ net: make, engine: of }) => {
    it('refuses a partial read once the run is freed, and the device runs on unharmed', async () => {
      const net = make();
      const engine = of();
      const reference = await engine.run(net);
      const controller = new AbortController();
      let saved: RunCheckpoint | null = null;
      const run = engine.run(net, {
        chunkSteps: 200,
        signal: controller.signal,
        gate: (at) => {
          if (at.step === 0) return Promise.resolve();
          saved = at;
          controller.abort();
          return new Promise<void>(() => {});
        },
      });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      await expect(saved!.partial()).rejects.toMatchObject({ name: 'AbortError' });
      expectSameResult(await engine.run(net), reference);
      expect(gpu!.failure()).toBeNull();
    });
  },
);
