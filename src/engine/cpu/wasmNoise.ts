// The WebAssembly noise fill for Node: noise.wasm (assembled from noise.wat, npm run assemble-noise),
// beside this module, compiled once per process and handed to noiseFill.ts.

import { readFile } from 'node:fs/promises';
import { useNoiseModule } from './noiseFill.ts';

let compiled: Promise<WebAssembly.Module> | null = null;

async function compileNoiseModule(): Promise<WebAssembly.Module> {
  return new WebAssembly.Module(await readFile(new URL('./noise.wasm', import.meta.url)));
}

/** Makes later `noiseFill()` calls use the WebAssembly fill. */
export async function loadNoiseFill(): Promise<void> {
  compiled ??= compileNoiseModule();
  useNoiseModule(await compiled);
}
