// Node's pieces of the engines' runtime (runtime.ts), installed on import: worker threads and the
// WebAssembly noise fill for the CPU engine, Dawn's adapter and the shaders/ folder on disk for the
// WebGPU engine. Dawn is loaded only when an adapter is asked for, so CPU-only runs never start it.

import { availableParallelism } from 'node:os';
import { installRuntime } from './runtime.ts';
import { KernelTeam } from './cpu/kernelTeam.ts';
import { TrialPool } from './cpu/trialPool.ts';
import { loadNoiseFill } from './cpu/wasmNoise.ts';
import { nodeShaderLoader } from './webgpu/nodeShaderLoader.ts';
import { resolveTuning } from './webgpu/tuningCache.ts';

installRuntime({
  cores: availableParallelism,
  startTeam: (workers) => KernelTeam.create(workers),
  startTrialPool: () => new TrialPool(),
  loadNoiseFill,
  async requestAdapter(only) {
    const { requestNodeAdapter } = await import('./webgpu/nodeAdapter.ts');
    return requestNodeAdapter(only);
  },
  shaderLoader: nodeShaderLoader,
  resolveTuning: (gpu, notice) => resolveTuning(gpu, notice),
});
