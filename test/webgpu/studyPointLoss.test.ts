// A study point whose WebGPU device is lost for good (docs/device-loss.md): runPoint records it as
// `failed` with the DeviceLostError's message, in bounded time, instead of hanging or throwing an
// AbortError that would stop the study as if interrupted. The point's engine is a real WebGPU
// engine given a device (so it cannot replace it), on llvmpipe; the device is destroyed from the
// point's first progress report.

import { afterAll, describe, expect, it, vi } from 'vitest';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { runPoint } from '../../src/study/runPoint.ts';
import { studyPoints } from '../../src/study/points.ts';
import type { Study } from '../../src/study/types.ts';
import { tryAcquireDeviceOn } from './gpu.ts';

const held = vi.hoisted(() => ({ engine: null as Engine | null }));
vi.mock('../../src/engine/select.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/engine/select.ts')>()),
  createEngine: async () => held.engine!,
}));

const gpu = await tryAcquireDeviceOn('opengl');
held.engine = gpu ? await WebGpuEngine.create({ gpu }) : null;
afterAll(() => {
  held.engine?.dispose();
  gpu?.release();
});

const STUDY: Study = {
  format: 'latentspike/study@1',
  name: 'device-loss',
  base: { kind: 'preset', name: 'fig12a', index: 0 },
  axes: [{ name: 'seed', path: null, values: [1] }],
  zip: [],
  sample: null,
  settings: { backend: 'webgpu', steps: 600, trials: null, threads: 1, jitter: 1, every: null, retries: 0 },
};

describe.skipIf(!gpu)('a study point that loses its device', () => {
  it('is recorded as failed with the loss named', async () => {
    const [point] = studyPoints(STUDY);
    const record = await runPoint(STUDY, point, { onProgress: () => gpu!.device.destroy() });
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/^WebGPU device lost on .+ \(destroyed\): .*cannot replace it/);
  });
});
