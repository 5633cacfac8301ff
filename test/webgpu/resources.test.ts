// The binding-size check of createRunResources: a run whose per-neuron array exceeds the device's
// maxStorageBufferBindingSize is refused with a message naming the buffer, the size and the limit.

import { describe, expect, it } from 'vitest';
import { bindingLimitError, type RunSizes } from '../../src/engine/webgpu/resources.ts';

const MiB = 2 ** 20;
const limits = { maxStorageBufferBindingSize: 128 * MiB, maxBufferSize: 2048 * MiB } as GPUSupportedLimits;

function sizes(stateBytes: number): RunSizes {
  return {
    consts: new Uint32Array(16),
    stateBytes,
    latentBytes: 16,
    partialsBytes: 64,
    eventsBytes: 0,
    latentRecordBytes: 16,
    neurons: stateBytes / 28,
    maxWorkgroups: 1,
    workgroupSize: 256,
  };
}

describe('bindingLimitError', () => {
  it('accepts buffers up to the limit', () => {
    expect(bindingLimitError(limits, sizes(128 * MiB))).toBeNull();
  });

  it('names the buffer, the bytes asked for, the per-neuron size and the limit', () => {
    const error = bindingLimitError(limits, sizes(28 * 5_000_000));
    expect(error?.message).toMatch(/the state \(per-neuron .*\) buffer needs 140000000 bytes/);
    expect(error?.message).toMatch(/28\.0 bytes per neuron at N = 5000000/);
    expect(error?.message).toMatch(/limit of 134217728 bytes .*maxStorageBufferBindingSize 134217728/);
  });

  it('takes maxBufferSize when it is the smaller limit', () => {
    const small = { maxStorageBufferBindingSize: 2048 * MiB, maxBufferSize: 64 * MiB } as GPUSupportedLimits;
    expect(bindingLimitError(small, sizes(100 * MiB))?.message).toMatch(/limit of 67108864 bytes/);
  });
});
