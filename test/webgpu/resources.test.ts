// GPU-free: planBindings, the check of createRunResources' inputs. consts and state larger than
// one storage binding are split into power-of-two parts (up to MAX_PARTS of each); what cannot be
// bound is refused with a message naming the buffer, the size and the limit.

import { describe, expect, it } from 'vitest';
import { MAX_PARTS, SPLIT_STORAGE_BUFFERS } from '../../src/engine/webgpu/layout.ts';
import { planBindings, stateCapacity, type RunSizes } from '../../src/engine/webgpu/resources.ts';
import { stateSections, type GpuNetwork } from '../../src/engine/webgpu/gpuNetwork.ts';
import type { GpuDevice } from '../../src/engine/webgpu/device.ts';
import type { Pipelines } from '../../src/engine/webgpu/pipelines.ts';
import { TrialRunner } from '../../src/engine/webgpu/trialRunner.ts';
import type { CompiledNetwork } from '../../src/model/compile.ts';

const MiB = 2 ** 20;
/** llvmpipe's limits (WEBGPU_WITHOUT_A_GPU.md). */
const limits = {
  maxStorageBufferBindingSize: 128 * MiB,
  maxBufferSize: 2048 * MiB,
  maxStorageBuffersPerShaderStage: 16,
} as GPUSupportedLimits;

function sizes(o: {
  constsBytes?: number;
  stateBytes?: number;
  eventsBytes?: number;
  neurons?: number;
}): RunSizes {
  return {
    // planBindings reads only the constants' byteLength (hundreds of MiB here).
    consts: { byteLength: o.constsBytes ?? 64 } as Uint32Array<ArrayBuffer>,
    stateBytes: o.stateBytes ?? 64,
    latentBytes: 16,
    partialsBytes: 64,
    trials: 1,
    eventsBytes: o.eventsBytes ?? 0,
    latentRecordBytes: 16,
    neurons: o.neurons ?? 5_000_000,
    maxWorkgroups: 1,
    workgroupSize: 256,
  };
}

describe('planBindings', () => {
  it('binds arrays up to the limit whole', () => {
    expect(planBindings(limits, sizes({ constsBytes: 128 * MiB, stateBytes: 128 * MiB }))).toEqual({
      partBytes: 128 * MiB,
      constsParts: 1,
      stateParts: 1,
      split: false,
    });
  });

  it('splits consts and state past the limit into parts of the largest power of two within it', () => {
    expect(planBindings(limits, sizes({ constsBytes: 40 * 5_000_000, stateBytes: 28 * 5_000_000 }))).toEqual({
      partBytes: 128 * MiB,
      constsParts: 2,
      stateParts: 2,
      split: true,
    });
    // A limit that is not a power of two: parts of the power of two below it.
    const odd = { ...limits, maxStorageBufferBindingSize: 100 * MiB } as GPUSupportedLimits;
    expect(planBindings(odd, sizes({ constsBytes: 150 * MiB }))).toMatchObject({
      partBytes: 64 * MiB,
      constsParts: 3,
      stateParts: 1,
    });
  });

  it('takes maxPartBytes (tests, benchmarks) as the limit when it is smaller', () => {
    expect(planBindings(limits, sizes({ constsBytes: 10_000, stateBytes: 4096 }), 4096)).toEqual({
      partBytes: 4096,
      constsParts: 3,
      stateParts: 1,
      split: true,
    });
  });

  it(`refuses consts above ${MAX_PARTS.consts} parts and state above ${MAX_PARTS.state}, naming size and limit`, () => {
    const consts = planBindings(limits, sizes({ constsBytes: 40 * 14_000_000, neurons: 14_000_000 }));
    expect(consts).toBeInstanceOf(Error);
    expect((consts as Error).message).toMatch(/the constants \(.*\) buffer needs 560000000 bytes/);
    expect((consts as Error).message).toMatch(/40\.0 bytes per neuron at N = 14000000/);
    expect((consts as Error).message).toMatch(
      /4 × 128\.0 MiB = 512\.0 MiB .*maxStorageBufferBindingSize 134217728/,
    );
    const state = planBindings(limits, sizes({ stateBytes: 3 * 128 * MiB + 4 }));
    expect((state as Error).message).toMatch(/the state \(.*\) buffer needs 402653188 bytes.*3 × 128\.0 MiB/);
  });

  it('refuses a split run where maxStorageBuffersPerShaderStage cannot take the extra parts', () => {
    const few = { ...limits, maxStorageBuffersPerShaderStage: 10 } as GPUSupportedLimits;
    expect(planBindings(few, sizes({ constsBytes: 100 * MiB }))).toMatchObject({ split: false });
    const error = planBindings(few, sizes({ stateBytes: 200 * MiB }));
    expect((error as Error).message).toMatch(
      new RegExp(
        `state .* needs 209715200 bytes.*needs ${SPLIT_STORAGE_BUFFERS} storage buffers .*maxStorageBuffersPerShaderStage is 10`,
      ),
    );
  });

  it('refuses an array that is never split (spike events) above the limit', () => {
    const error = planBindings(limits, sizes({ eventsBytes: 200 * MiB }));
    expect((error as Error).message).toMatch(/spike events \(per chunk\) buffer needs 209715200 bytes/);
    expect((error as Error).message).toMatch(/limit of 134217728 bytes .*maxBufferSize 2147483648\)/);
  });

  // The spike-event buffer and the latent record are bound whole. The record is a ring of two
  // chunks' samples (latentRecord.ts); a chunk's events take 8 bytes per neuron and step, and past
  // 2^22 neurons a chunk is one step, while the state takes at least 28 bytes per neuron in at most
  // MAX_PARTS.state parts: so at the most neurons the state can hold, the events still fit.
  it.each([
    ['llvmpipe', limits],
    [
      'SwiftShader',
      { ...limits, maxStorageBufferBindingSize: 1024 * MiB, maxStorageBuffersPerShaderStage: 12 },
    ],
    [
      'a GPU (4 GiB − 4)',
      { ...limits, maxStorageBufferBindingSize: 4 * 1024 * MiB - 4, maxBufferSize: 4 * 1024 * MiB },
    ],
    ['no splitting (8 buffers)', { ...limits, maxStorageBuffersPerShaderStage: 8 }],
  ])('%s: the per-chunk event buffer fits wherever the state does', (_, deviceLimits) => {
    const device = { limits: deviceLimits as GPUSupportedLimits } as GPUDevice;
    const pipelines = { maxPartBytes: undefined, workgroupSize: 256 } as unknown as Pipelines;
    const capacity = stateCapacity(device.limits);
    // The last: about the most neurons whose state the device can bind (quads round N up).
    for (const N of [1000, 2 ** 22 - 1, 2 ** 22 + 1, Math.floor(capacity / 28) - 4]) {
      const stride = Math.ceil(N / 4) * 4;
      const stateWords = stateSections(N, stride, 0).words;
      expect(stateWords * 4).toBeLessThanOrEqual(capacity);
      const net = {
        N,
        S: 10_000,
        trials: 1,
        model: 'spiking',
        spikeRule: 'all',
        record: { spikes: true, latents: true, every: 1 },
      } as CompiledNetwork;
      const gpuNet = {
        N,
        K: 2,
        samples: 10_000,
        stateWords,
        allWorkgroups: Math.ceil(N / 8192),
        consts: { byteLength: 64 },
      } as unknown as GpuNetwork;
      const { sizes: run } = TrialRunner.sizes({ device } as GpuDevice, pipelines, net, gpuNet);
      expect(run.eventsBytes).toBeGreaterThanOrEqual(N * 8);
      expect(planBindings(device.limits, { ...run, consts: sizes({}).consts })).not.toBeInstanceOf(Error);
    }
  });
});
