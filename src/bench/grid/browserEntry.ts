// The grid's in-page half: loaded by Vite into the app page in headless Chromium
// (src/bench/grid/browser.ts imports it through /@fs/), it builds the same network as Node
// (network.ts), runs it with the same WebGPU engine on the browser's adapter and returns the
// point's measurement as JSON. One device and engine for the page's lifetime.

import { acquireDevice, type GpuDevice } from '../../engine/webgpu/device.ts';
import { WebGpuEngine } from '../../engine/webgpu/webgpuEngine.ts';
import { compileNetwork } from '../../model/compile.ts';
import { viteShaderLoader } from '../../web/viteShaderLoader.ts';
import {
  meterDeviceMemory,
  networkBytes,
  networkMeasurement,
  timeEngine,
  type AdapterFacts,
  type DeviceMemoryMeter,
  type GridPoint,
  type GridSettings,
  type Measurement,
} from './core.ts';
import { gridNetwork } from './network.ts';

interface PageGpu {
  gpu: GpuDevice;
  engine: WebGpuEngine;
  meter: DeviceMemoryMeter;
  adapter: AdapterFacts;
}

let opened: Promise<PageGpu> | null = null;

function open(): Promise<PageGpu> {
  opened ??= (async () => {
    const gpu = await acquireDevice();
    const meter = meterDeviceMemory(gpu.device);
    const engine = await WebGpuEngine.create({ gpu, shaderLoader: viteShaderLoader });
    const a = gpu.adapterInfo;
    const adapter: AdapterFacts = {
      description: a.description,
      vendor: a.vendor,
      architecture: a.architecture,
      path: gpu.path,
      software: a.software,
    };
    return { gpu, engine, meter, adapter };
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
  const start = performance.now();
  const { spec } = gridNetwork({
    neurons: point.requestedNeurons,
    rank: point.rank!,
    rule: point.rule!,
    synapse: point.synapse!,
    steps: settings.steps,
    dt: settings.dt,
    sigmaV: settings.sigmaV,
    seed: settings.seed,
  });
  const net = compileNetwork(spec);
  const buildSeconds = (performance.now() - start) / 1000;
  g.meter.reset();
  const timed = await timeEngine(g.engine, net, settings.repetitions, { maxSeconds });
  return networkMeasurement(net, timed, {
    buildSeconds,
    networkBytes: networkBytes(net),
    stateBytes: g.meter.peak(),
    memoryKind: 'device',
    adapter: g.adapter,
  });
}
