// GPU-free: planBindings, the check of createRunResources' inputs, and planResources, the list of
// buffers and dispatch entries it makes. consts and state larger than one storage binding are
// split into power-of-two parts (up to MAX_PARTS of each); what cannot be bound is refused with a
// message naming the buffer, the size and the limit.

import { describe, expect, it } from 'vitest';
import { DoesNotFitError } from '../../src/model/errors.ts';
import { MAX_PARTS, SPLIT_STORAGE_BUFFERS } from '../../src/engine/webgpu/layout.ts';
import {
  planBindings,
  planResources,
  stateCapacity,
  type RunSizes,
} from '../../src/engine/webgpu/resources.ts';
import { stateSections, type RunDims } from '../../src/engine/webgpu/gpuNetwork.ts';
import { chooseKernelShape } from '../../src/engine/webgpu/pipelines.ts';
import { PROFILES, type PlanLimits } from '../../src/engine/webgpu/adapterProfile.ts';
import { perStepSizes } from '../../src/engine/webgpu/perStepLoop.ts';

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
    constsBytes: o.constsBytes ?? 64,
    stateBytes: o.stateBytes ?? 64,
    latentBytes: 16,
    partialsBytes: 64,
    trials: 1,
    eventsBytes: o.eventsBytes ?? 0,
    latentRecordBytes: 16,
    neurons: o.neurons ?? 5_000_000,
    dispatches: [1],
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
    // A valid run too large for the device: the command line exits 3, as for host memory.
    expect(consts).toBeInstanceOf(DoesNotFitError);
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
    expect(error).toBeInstanceOf(DoesNotFitError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `state .* needs 209715200 bytes.*needs ${SPLIT_STORAGE_BUFFERS} storage buffers .*maxStorageBuffersPerShaderStage is 10`,
      ),
    );
  });

  it('refuses an array that is never split (spike events) above the limit', () => {
    const error = planBindings(limits, sizes({ eventsBytes: 200 * MiB }));
    expect(error).toBeInstanceOf(DoesNotFitError);
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
    const full: PlanLimits = { ...PROFILES.h200.limits!, ...deviceLimits };
    const shape = chooseKernelShape(full, { software: true, dispatch: 'sliced' });
    const capacity = stateCapacity(full);
    // The last: about the most neurons whose state the device can bind (quads round N up).
    for (const N of [1000, 2 ** 22 - 1, 2 ** 22 + 1, Math.floor(capacity / 28) - 4]) {
      const stride = Math.ceil(N / 4) * 4;
      const stateWords = stateSections(N, stride, 0).words;
      expect(stateWords * 4).toBeLessThanOrEqual(capacity);
      const dims: RunDims = {
        N,
        K: 2,
        S: 10_000,
        trials: 1,
        model: 'spiking',
        spikeRule: 'all',
        record: { spikes: true, latents: true, every: 1 },
        constsBytes: 64,
        stateWords,
        allWorkgroups: Math.ceil(N / 8192),
        samples: 10_000,
      };
      const { sizes: run } = perStepSizes(shape, dims);
      expect(run.eventsBytes).toBeGreaterThanOrEqual(N * 8);
      expect(planBindings(full, run)).not.toBeInstanceOf(Error);
    }
  });
});

describe('planResources', () => {
  const binding = { partBytes: 128 * MiB, constsParts: 1, stateParts: 1, split: false };
  const run = (dispatches: number[]) => ({ ...sizes({}), dispatches });

  it('sliced: one entry per slice of the largest dispatch, none past its range', () => {
    const plan = planResources(run([600, 300, 2, 1]), binding, { shape: 'sliced', width: 256 });
    expect(plan.sliceEntries).toEqual([
      [0, 0xffffffff],
      [256, 0xffffffff],
      [512, 0xffffffff],
    ]);
    expect(plan.buffers.find((b) => b.name === 'slice')!.bytes).toBe(3 * 256);
  });

  it('folded: one entry for 1-D dispatches, one per count that folds, giving its end', () => {
    const plan = planResources(run([70_000, 35_000, 12, 70_000]), binding, {
      shape: 'folded',
      width: 65_535,
    });
    expect(plan.sliceEntries).toEqual([
      [0, 0xffffffff],
      [0, 70_000],
    ]);
    expect([...plan.foldEntries]).toEqual([[70_000, 1]]);
  });

  it('lists every buffer with its binding, spares for the parts a split run does not use', () => {
    const split = { partBytes: 4096, constsParts: 3, stateParts: 1, split: true };
    const plan = planResources(
      { ...run([1]), constsBytes: 10_000, stateBytes: 4000, controlStaging: 2 },
      split,
      { shape: 'folded', width: 65_535 },
    );
    expect(plan.buffers.map((b) => `${b.name}@${b.binding}:${b.bytes}`)).toEqual([
      'params@0/0:1200',
      'consts[0]@0/1:4096',
      'consts[1]@0/3:4096',
      'consts[2]@0/4:1808',
      'slice@0/2:256',
      'state@1/0:4000',
      'latent@1/1:16',
      'partials@1/2:64',
      'control@1/3:16',
      'events0@2/0:16',
      'latentRecord@2/1:16',
      'constsSpare[3]@0/5:16',
      'stateSpare[1]@1/4:16',
      'stateSpare[2]@1/5:16',
      'controlStaging[0]@null:16',
      'controlStaging[1]@null:16',
    ]);
  });
});
