// The engine the page runs on: WebGPU when navigator.gpu gives an adapter (with the shaders
// bundled by Vite), otherwise the CPU engine with a notice saying why. The same engine code as the
// command line; only the choice and its messages live here.

import { type Engine, CpuEngine, WebGpuEngine } from '../browser.ts';
import type { BackendPreference } from './appState.ts';
import { viteShaderLoader } from './viteShaderLoader.ts';
import type { BindingCheck } from './gpuFit.ts';

export interface Backend {
  engine: Engine;
  /** Why the CPU engine runs although WebGPU was wanted (null: no notice needed). */
  notice: string | null;
  /** The WebGPU engine's check of a network against the device's binding limits, else null. */
  bindings: BindingCheck | null;
  close(): void;
}

function cpu(notice: string | null): Backend {
  return { engine: new CpuEngine(), notice, bindings: null, close: () => {} };
}

export async function openBackend(preference: BackendPreference): Promise<Backend> {
  if (preference === 'cpu') return cpu(null);
  if (!navigator.gpu) {
    return cpu(
      'WebGPU is not available in this browser (navigator.gpu is missing: it needs a recent Chrome or ' +
        'Edge, and a secure context such as localhost or https). Running on the CPU engine instead.',
    );
  }
  try {
    // The engine owns its device, so it can replace a lost one (docs/device-loss.md).
    const engine = await WebGpuEngine.create({ shaderLoader: viteShaderLoader });
    return { engine, notice: null, bindings: engine, close: () => engine.dispose() };
  } catch (e) {
    return cpu(`WebGPU could not start (${(e as Error).message}). Running on the CPU engine instead.`);
  }
}
