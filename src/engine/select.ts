// Picks a backend by name. `auto` prefers WebGPU when a hardware adapter can be had and otherwise
// uses the CPU engine, saying which was chosen and why: a software adapter (SwiftShader, llvmpipe)
// emulates the GPU on the same cores the CPU engine uses, with far more work per neuron, so it is
// never the faster choice (docs/decisions.md: --backend auto); `--backend webgpu` still selects it. A network the
// WebGPU engine cannot run (a rule it lacks) goes to the CPU engine too, with a notice.

import type { CompiledNetwork } from '../model/compile.ts';
import type { Engine, RunOptions, SimulationResult } from './engine.ts';
import { CpuEngine, type CpuEngineOptions } from './cpu/cpuEngine.ts';
import type { ShaderLoader } from './webgpu/shaderLoader.ts';
import type { WebGpuEngine } from './webgpu/webgpuEngine.ts';
import { runtime } from './runtime.ts';

export type BackendChoice = 'cpu' | 'webgpu' | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['cpu', 'webgpu', 'auto'];

export interface CreateEngineOptions {
  /** 'auto' (default), 'cpu' or 'webgpu'. */
  backend?: BackendChoice;
  /** Told which backend `auto` chose and why, and when a run falls back to the CPU engine. */
  onNotice?: (line: string) => void;
  /** The CPU engine's precision and threads. */
  cpu?: CpuEngineOptions;
  /**
   * Where the WebGPU engine reads its kernels (shaders/*.wgsl). Node reads the package's shaders/ by
   * default; a browser must pass one (fetchShaderLoader, or its bundler's raw imports).
   */
  shaderLoader?: ShaderLoader;
}

// Loaded on demand so the CPU path never pays for Dawn's start-up. In Node the engine takes this
// adapter's entry in the tuning cache (the runtime's resolveTuning) unless LATENTSPIKE_TUNING=off.
// Returns the engine and the adapter line's words for it: "webgpu (adapter); tuning: …".
async function createWebGpuEngine(
  shaderLoader: ShaderLoader | undefined,
  notice: (line: string) => void,
): Promise<{ engine: WebGpuEngine; words: string }> {
  const { WebGpuEngine } = await import('./webgpu/webgpuEngine.ts');
  const { describeTuning } = await import('./webgpu/tuning.ts');
  const resolve = runtime()?.resolveTuning;
  const engine = await WebGpuEngine.create({
    shaderLoader,
    ...(resolve ? { tuning: (gpu) => resolve(gpu, notice) } : {}),
  });
  const a = engine.adapter;
  const name = a?.description || a?.vendor || 'adapter';
  return { engine, words: `webgpu (${name})${engine.tuning ? `; ${describeTuning(engine.tuning)}` : ''}` };
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

export async function createEngine(options: CreateEngineOptions = {}): Promise<Engine> {
  const {
    backend: choice = 'auto',
    onNotice: notice = () => {},
    cpu: cpuOptions = {},
    shaderLoader,
  } = options;
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new RangeError(`backend: one of ${BACKEND_CHOICES.join(', ')} (got ${String(choice)})`);
  }
  if (choice === 'cpu') return new CpuEngine(cpuOptions);
  if (choice === 'webgpu') {
    const { engine, words } = await createWebGpuEngine(shaderLoader, notice);
    notice(`backend: ${words}`);
    return engine;
  }
  try {
    const { engine, words } = await createWebGpuEngine(shaderLoader, notice);
    const a = engine.adapter;
    const name = a?.description || a?.vendor || 'adapter';
    if (a?.software) {
      engine.dispose();
      notice(
        `backend: cpu — the only WebGPU adapter is a software one (${name}), slower than the CPU engine; ` +
          '--backend webgpu uses it anyway',
      );
      return new CpuEngine(cpuOptions);
    }
    notice(`backend: ${words}`);
    return new PreferGpuEngine(engine, notice, cpuOptions);
  } catch (e) {
    notice(`backend: cpu — WebGPU unavailable: ${(e as Error).message}; falling back to the CPU engine`);
    return new CpuEngine(cpuOptions);
  }
}
