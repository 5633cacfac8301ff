// Whether a network fits the adapter before the WebGPU engine tries: the largest storage buffer a
// run binds against device.limits.maxStorageBufferBindingSize, so the page can say "needs X, the
// adapter allows Y" instead of surfacing a validation error from deep inside buffer creation.
// The sizes are the ones the engine allocates (gpuNetwork.ts, trialRunner.ts); the spike-event
// buffer is left out because the engine sizes its chunks to keep it near 32 MiB, below the state
// buffer from 4 M neurons on and below the 128 MiB every adapter must allow.

import type { CompiledNetwork } from '../model/compile.ts';
import { buildGpuNetwork } from '../engine/webgpu/gpuNetwork.ts';

export interface BufferNeed {
  buffer: string;
  bytes: number;
}

export function largestBuffer(net: CompiledNetwork): BufferNeed {
  const gpu = buildGpuNetwork(net);
  const needs: BufferNeed[] = [
    { buffer: 'constants (per-neuron parameters and encoders)', bytes: gpu.consts.byteLength },
    { buffer: 'state (voltages, synapses, spike bookkeeping)', bytes: gpu.stateWords * 4 },
    { buffer: 'latent record', bytes: gpu.scalars.record_stride * 4 },
  ];
  return needs.reduce((a, b) => (b.bytes > a.bytes ? b : a));
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** The message to show when `need` exceeds `limit` (bytes), or null when it fits. */
export function tooLargeMessage(net: CompiledNetwork, need: BufferNeed, limit: number): string | null {
  if (need.bytes <= limit) return null;
  return (
    `This network is too large for the WebGPU adapter: ${net.N.toLocaleString('en')} neurons need a ` +
    `${mib(need.bytes)} ${need.buffer} buffer, but the adapter's maxStorageBufferBindingSize is ` +
    `${mib(limit)}. Use fewer neurons (lower the redundancy m) or the CPU backend.`
  );
}
