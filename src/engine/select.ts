// Picks a backend by name. `auto` prefers WebGPU when an adapter can be had and otherwise falls
// back to the CPU engine, saying which was chosen and why; a network the WebGPU engine cannot run
// (a rule it lacks) goes to the CPU engine too, with a notice.

import type { CompiledNetwork } from '../model/compile.ts';
import type { Engine, RunOptions, SimulationResult } from './engine.ts';
import { CpuEngine, type CpuEngineOptions } from './cpu/cpuEngine.ts';

export type BackendChoice = 'cpu' | 'webgpu' | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['cpu', 'webgpu', 'auto'];

// Loaded on demand so the CPU path never pays for Dawn's start-up.
async function createWebGpuEngine(): Promise<Engine> {
  const { WebGpuEngine } = await import('./webgpu/webgpuEngine.ts');
  return WebGpuEngine.create();
}

/** WebGPU first, the CPU engine for whatever WebGPU cannot run. */
class PreferGpuEngine implements Engine {
  readonly backend;
  readonly adapter;
  private readonly cpu: CpuEngine;

  constructor(
    private readonly gpu: Engine,
    private readonly notice: (line: string) => void,
    cpuOptions: CpuEngineOptions,
  ) {
    this.cpu = new CpuEngine(cpuOptions);
    this.backend = gpu.backend;
    this.adapter = gpu.adapter;
  }

  unsupported(): null {
    return null;
  }

  run(net: CompiledNetwork, options?: RunOptions): Promise<SimulationResult> {
    const reason = this.gpu.unsupported(net);
    if (reason === null) return this.gpu.run(net, options);
    this.notice(`backend: cpu for this run — ${reason}`);
    return this.cpu.run(net, options);
  }

  dispose(): void {
    this.gpu.dispose();
  }
}

export async function createEngine(
  choice: BackendChoice,
  notice: (line: string) => void,
  cpuOptions: CpuEngineOptions = {},
): Promise<Engine> {
  if (choice === 'cpu') return new CpuEngine(cpuOptions);
  if (choice === 'webgpu') return createWebGpuEngine();
  try {
    const engine = await createWebGpuEngine();
    const a = engine.adapter;
    notice(
      `backend: webgpu (${a?.description || a?.vendor || 'adapter'}${a?.software ? ', software adapter' : ''})`,
    );
    return new PreferGpuEngine(engine, notice, cpuOptions);
  } catch (e) {
    notice(`backend: cpu — WebGPU unavailable: ${(e as Error).message}; falling back to the CPU engine`);
    return new CpuEngine(cpuOptions);
  }
}
