// Picks a backend by name. `auto` prefers WebGPU when an adapter can be had and otherwise falls
// back to the CPU engine, saying which was chosen and why.

import type { Engine } from './engine.ts';
import { CpuEngine } from './cpu/cpuEngine.ts';

export type BackendChoice = 'cpu' | 'webgpu' | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['cpu', 'webgpu', 'auto'];

async function createWebGpuEngine(): Promise<Engine> {
  throw new Error('the WebGPU engine is not part of this build yet (see README, "Backends")');
}

export async function createEngine(choice: BackendChoice, notice: (line: string) => void): Promise<Engine> {
  if (choice === 'cpu') return new CpuEngine();
  if (choice === 'webgpu') return createWebGpuEngine();
  try {
    const engine = await createWebGpuEngine();
    notice(`backend: webgpu (${engine.adapter?.description ?? 'adapter'})`);
    return engine;
  } catch (e) {
    notice(`backend: cpu — WebGPU unavailable: ${(e as Error).message}; falling back to the CPU engine`);
    return new CpuEngine();
  }
}
