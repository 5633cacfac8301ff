// The grid's in-page half: loaded by Vite into the app page in headless Chromium
// (src/bench/grid/browser.ts imports it through /@fs/), it builds the same network as Node
// (network.ts), runs it with the same WebGPU engine on the browser's adapter and returns the
// point's measurement as JSON. One device and engine for the page's lifetime.

import { acquireDevice } from '../../engine/webgpu/device.ts';
import { WebGpuEngine } from '../../engine/webgpu/webgpuEngine.ts';
import { viteShaderLoader } from '../../web/viteShaderLoader.ts';
import {
  adapterFacts,
  buildPointNetwork,
  measureOnDevice,
  meterDeviceMemory,
  type AdapterFacts,
  type GridGpu,
  type GridPoint,
  type GridSettings,
  type Measurement,
} from './core.ts';

let opened: Promise<GridGpu> | null = null;

function open(): Promise<GridGpu> {
  opened ??= (async () => {
    const gpu = await acquireDevice();
    const meter = meterDeviceMemory(gpu.device);
    const engine = await WebGpuEngine.create({ gpu, shaderLoader: viteShaderLoader });
    return { gpu, engine, meter, adapter: adapterFacts(gpu.adapterInfo, gpu.path) };
  })();
  return opened;
}

/** The page's adapter (opens the device). */
export async function adapterInPage(): Promise<AdapterFacts> {
  return (await open()).adapter;
}

export async function measureInPage(
  point: GridPoint,
  settings: GridSettings,
  maxSeconds?: number,
): Promise<Measurement> {
  const g = await open();
  const { net, buildSeconds } = buildPointNetwork(point, settings);
  return measureOnDevice(g, net, buildSeconds, settings.repetitions, { maxSeconds });
}
