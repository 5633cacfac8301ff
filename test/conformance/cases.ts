// The conformance suite's networks: every rule, synapse kind, noise on and off, refractoriness,
// one to three populations, the rate model, both WebGPU paths (batched small networks, per-step),
// with sizes that are not multiples of anything the kernels group by (quads of 4, SIMD groups,
// workgroups of 256) and K from 1 to 8 channels. Each case names the tier its WebGPU runs are held
// to against the CPU engine's f32 mode (docs/conformance.md says why); cpu-f32 against cpu-f64 is
// always `statistics`.

import type { CompiledNetwork } from '../../src/model/compile.ts';
import type { Synapse } from '../../src/model/spec.ts';
import type { WebGpuEngineOptions } from '../../src/engine/webgpu/webgpuEngine.ts';
import { layeredNetwork, type LayerOptions } from '../webgpu/networks.ts';
import type { Tier } from './oracles.ts';

export interface ConformanceCase {
  name: string;
  net: () => CompiledNetwork;
  /** The tier of both WebGPU configurations against cpu-f32. */
  webgpu: Tier;
  /** The WebGPU engine's options beyond the device (a path forced), if any. */
  options?: Omit<WebGpuEngineOptions, 'gpu'>;
  /** cpu-f64 must give at least this many spikes over all trials (the comparison means something). */
  minSpikes: number;
}

const E = (size: number, more: Partial<LayerOptions> = {}): LayerOptions => ({
  sign: 'excitatory',
  size,
  ...more,
});
const I = (size: number, more: Partial<LayerOptions> = {}): LayerOptions => ({
  sign: 'inhibitory',
  size,
  ...more,
});
const exponential: Synapse = { kind: 'exponential', rate: 200 };
const pulse: Synapse = { kind: 'pulse', widthMs: 0.5 };
const delta: Synapse = { kind: 'delta' };

export const CASES: ConformanceCase[] = [
  {
    // Odd sizes: both populations end inside a quad, and I starts inside one.
    name: '`all`, exponential, noisy, refractory, 333 E + 271 I',
    net: () =>
      layeredNetwork({
        populations: [E(333), I(271)],
        steps: 160,
        synapse: exponential,
        sigmaV: 0.2,
        refractoryMs: 0.3,
        readout: true,
      }),
    webgpu: '±1 spike',
    minSpikes: 3000,
  },
  {
    // One neuron per channel: no sum to order, so the `all` rule is exact here.
    name: '`all`, pulse, noiseless, 1 E + 1 I',
    net: () => layeredNetwork({ populations: [E(1), I(1)], steps: 400, synapse: pulse }),
    webgpu: 'bit-equal',
    minSpikes: 10,
  },
  {
    // Three populations of mixed synapses, K = 3 latents and 5 readouts (two trees of four slots).
    name: '`all`, mixed pulse/exponential, noisy, 101 E + 7 I + 53 I, K = 3 + 5 readouts',
    net: () =>
      layeredNetwork({
        populations: [E(101, { synapse: pulse }), I(7), I(53, { synapse: pulse, refractoryMs: 0.2 })],
        steps: 150,
        synapse: exponential,
        sigmaV: 0.15,
        readout: true,
        extraReadouts: 4,
      }),
    webgpu: '±1 spike',
    minSpikes: 300,
  },
  {
    // K = 1: a single inhibitory population on the per-step path.
    name: '`all`, exponential, noisy, 97 I alone (K = 1), 2 trials',
    net: () =>
      layeredNetwork({ populations: [I(97)], steps: 120, synapse: exponential, sigmaV: 0.3, trials: 2 }),
    webgpu: '±1 spike',
    minSpikes: 100,
  },
  {
    name: '`one-per-step`, noisy, refractory, 21 E + 13 I, 3 trials (batched)',
    net: () =>
      layeredNetwork({
        populations: [E(21), I(13)],
        spikeRule: 'one-per-step',
        steps: 600,
        synapse: delta,
        sigmaV: 0.1,
        refractoryMs: 0.2,
        trials: 3,
      }),
    webgpu: 'bit-equal',
    minSpikes: 600,
  },
  {
    name: '`one-per-step`, noisy, 21 E + 13 I on the per-step path',
    net: () =>
      layeredNetwork({
        populations: [E(21), I(13)],
        spikeRule: 'one-per-step',
        steps: 300,
        synapse: delta,
        sigmaV: 0.1,
        refractoryMs: 0.2,
      }),
    options: { batchSmallNetworks: false },
    webgpu: 'bit-equal',
    minSpikes: 100,
  },
  {
    name: '`one-per-step`, noiseless, 5 E alone (K = 1, batched)',
    net: () => layeredNetwork({ populations: [E(5)], spikeRule: 'one-per-step', steps: 500, synapse: delta }),
    webgpu: 'bit-equal',
    minSpikes: 20,
  },
  {
    // One priority class (ties broken by V − 1, then index) and V clamped at threshold; one lane
    // per neuron, as a GPU runs the batched path.
    name: '`one-per-step`, one priority class, clamped, noisy, 20 E + 12 I (batched, 32 lanes)',
    net: () =>
      layeredNetwork({
        populations: [E(20, { priority: 0, clampAtThreshold: true }), I(12, { clampAtThreshold: true })],
        spikeRule: 'one-per-step',
        steps: 300,
        synapse: delta,
        sigmaV: 0.1,
        refractoryMs: 0.2,
        seed: 2,
      }),
    options: { batchLanes: 32 },
    webgpu: 'bit-equal',
    minSpikes: 120,
  },
  {
    // Candidates from two workgroups of 256.
    name: '`one-per-step`, noisy, 201 E + 99 I (per-step)',
    net: () =>
      layeredNetwork({
        populations: [E(201), I(99)],
        spikeRule: 'one-per-step',
        steps: 150,
        synapse: delta,
        sigmaV: 0.1,
        refractoryMs: 0.2,
        readout: true,
      }),
    webgpu: 'bit-equal',
    minSpikes: 50,
  },
  {
    // Fewer lanes than llvmpipe's SIMD width: where an unbounded spike loop was miscompiled.
    name: '`sequential`, noisy, refractory, 21 E + 13 I + 5 I, 2 trials (batched)',
    net: () =>
      layeredNetwork({
        populations: [E(21), I(13), I(5)],
        spikeRule: 'sequential',
        steps: 500,
        synapse: delta,
        sigmaV: 0.1,
        refractoryMs: 0.2,
        trials: 2,
        readout: true,
      }),
    webgpu: 'bit-equal',
    minSpikes: 400,
  },
  {
    name: '`sequential`, noiseless, 1 E + 1 I (batched, 2 lanes)',
    net: () =>
      layeredNetwork({ populations: [E(1), I(1)], spikeRule: 'sequential', steps: 500, synapse: delta }),
    webgpu: 'bit-equal',
    minSpikes: 10,
  },
  {
    name: '`sequential`, one priority class, noisy, 20 E + 12 I on the per-step path',
    net: () =>
      layeredNetwork({
        populations: [E(20, { priority: 0 }), I(12)],
        spikeRule: 'sequential',
        steps: 300,
        synapse: delta,
        sigmaV: 0.1,
        refractoryMs: 0.2,
        seed: 2,
      }),
    options: { batchSmallNetworks: false },
    webgpu: 'bit-equal',
    minSpikes: 100,
  },
  {
    // Latents every 3 steps; 258 neurons: one past a workgroup.
    name: '`sequential`, noisy, 150 E + 77 I + 31 I, latents every 3 steps (per-step)',
    net: () =>
      layeredNetwork({
        populations: [E(150), I(77), I(31)],
        spikeRule: 'sequential',
        steps: 150,
        synapse: delta,
        sigmaV: 0.1,
        every: 3,
      }),
    webgpu: 'bit-equal',
    minSpikes: 100,
  },
  {
    name: 'rate model, 3 E + 2 I, 2 trials (batched)',
    net: () =>
      layeredNetwork({ model: 'rate', populations: [E(3), I(2)], steps: 500, synapse: delta, trials: 2 }),
    webgpu: 'close',
    minSpikes: 0,
  },
  {
    name: 'rate model, 301 E + 257 I (per-step)',
    net: () =>
      layeredNetwork({
        model: 'rate',
        populations: [E(301), I(257)],
        steps: 200,
        synapse: delta,
        readout: true,
      }),
    webgpu: 'close',
    minSpikes: 0,
  },
];
