// window.runLatentspike(runFileJson): parses, compiles and simulates a run file with the WebGPU
// engine in this page, and returns a JSON-safe summary that a Node test compares with the CPU
// engine. The engine (and its device) is made once, on the first call, and reused.

import {
  type AdapterInfo,
  WebGpuEngine,
  compileNetwork,
  parseRunFile,
  type RunFileJson,
} from '../browser.ts';
import { viteShaderLoader } from './viteShaderLoader.ts';

export interface RunSummary {
  backend: string;
  adapter: AdapterInfo | null;
  neurons: number;
  steps: number;
  /** Per trial: spike count per neuron, one array per population. */
  spikeCounts: number[][][];
  totalSpikes: number;
  /** Per trial: each latent channel's last recorded sample (empty when latents are not recorded). */
  finalLatents: number[][];
  setupSeconds: number;
  simulateSeconds: number;
}

declare global {
  interface Window {
    runLatentspike(run: RunFileJson): Promise<RunSummary>;
  }
}

let engine: Promise<WebGpuEngine> | null = null;
const status = document.getElementById('status');

window.runLatentspike = async (run) => {
  engine ??= WebGpuEngine.create({ shaderLoader: viteShaderLoader });
  const net = compileNetwork(parseRunFile(run));
  const result = await (await engine).run(net);
  const spikeCounts = result.trials.map((t) => t.spikeCounts.map((c) => Array.from(c)));
  const summary: RunSummary = {
    backend: result.backend,
    adapter: result.adapter,
    neurons: net.N,
    steps: result.steps,
    spikeCounts,
    totalSpikes: spikeCounts.flat(2).reduce((a, b) => a + b, 0),
    finalLatents: result.trials.map((t) => (t.latents ?? []).map((y) => y[y.length - 1])),
    setupSeconds: result.timing.setupSeconds,
    simulateSeconds: result.timing.simulateSeconds,
  };
  if (status) status.textContent = JSON.stringify({ ...summary, spikeCounts: undefined }, null, 2);
  return summary;
};

if (status) status.textContent = 'ready: call window.runLatentspike(runFileJson)';
