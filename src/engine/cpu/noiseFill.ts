// Voltage noise for the CPU engine's hot loop, a block at a time: one call fills the float64 draws
// of up to BLOCK_GROUPS·4 consecutive neurons at one step (MODEL.md §10, mapping in philox.ts).
// Two implementations with the same bits: noise.wasm, assembled from noise.wat (Node; WebAssembly
// has the 64-bit multiply Philox needs and JavaScript lacks), and `normalQuad` in JavaScript (the
// reference, and the fill wherever the WebAssembly has not been loaded, e.g. the browser app's CPU
// fallback).
// Loading noise.wasm needs Node (wasmNoise.ts), so this module imports nothing of Node's.

import { BOX_MULLER_TABLES, normalQuad, seedKeyHigh, standardNormalF32 } from '../philox.ts';

/** Groups of four neurons per fill: 8 KiB of draws, which stay in L1 while the kernel reads them. */
export const BLOCK_GROUPS = 256;

export interface NoiseFill {
  readonly kind: 'wasm' | 'js';
  /** out[4·(g − group0) + j] is the draw of neuron 4g + j after `fill`. */
  readonly out: Float64Array;
  /** Draws of neurons 4·group0 … 4·(group0 + count) − 1 at `step`; count ≤ BLOCK_GROUPS. */
  fill(seed: number, trial: number, step: number, group0: number, count: number): void;
}

type TableName = keyof typeof BOX_MULLER_TABLES;

interface NoiseExports extends Record<TableName, WebAssembly.Global> {
  memory: WebAssembly.Memory;
  normals: (step: number, group0: number, count: number, trial: number, k0: number, k1: number) => void;
}

export function jsNoiseFill(): NoiseFill {
  const out = new Float64Array(BLOCK_GROUPS * 4);
  return {
    kind: 'js',
    out,
    fill(seed, trial, step, group0, count) {
      for (let g = 0; g < count; g++) normalQuad(seed, trial, group0 + g, step, out, 4 * g);
    },
  };
}

/** float32 mode: each draw as a GPU evaluates it (`standardNormalF32`), one Philox call per draw. */
export function f32NoiseFill(): NoiseFill {
  const out = new Float64Array(BLOCK_GROUPS * 4);
  return {
    kind: 'js',
    out,
    fill(seed, trial, step, group0, count) {
      for (let k = 0; k < 4 * count; k++) out[k] = standardNormalF32(seed, trial, 4 * group0 + k, step);
    },
  };
}

function wasmNoiseFill(exports: NoiseExports): NoiseFill {
  // The module reads philox.ts's tables at the addresses it exports.
  for (const [name, table] of Object.entries(BOX_MULLER_TABLES)) {
    new Float64Array(exports.memory.buffer, exports[name as TableName].value as number, table.length).set(
      table,
    );
  }
  const out = new Float64Array(exports.memory.buffer, 0, BLOCK_GROUPS * 4);
  return {
    kind: 'wasm',
    out,
    fill(seed, trial, step, group0, count) {
      exports.normals(step, group0, count, trial, seed >>> 0, seedKeyHigh(seed));
    },
  };
}

let loaded: WebAssembly.Module | null = null;
let instance: NoiseFill | null = null;

/** Makes later `noiseFill()` calls use this compiled noise.wasm (wasmNoise.ts), or JavaScript (null). */
export function useNoiseModule(module: WebAssembly.Module | null): void {
  if (module !== loaded) instance = null;
  loaded = module;
}

/**
 * The fill a kernel uses: WebAssembly once a module is in use, else a fresh JavaScript one. The
 * WebAssembly one is a single instance per thread, shared by every trial: a fill depends only on
 * its arguments, and a kernel reads `out` right after filling it, with no await in between, so
 * trials sharing it never see each other's draws, and a short trial does not pay for an instance.
 */
export function noiseFill(): NoiseFill {
  if (!loaded) return jsNoiseFill();
  instance ??= wasmNoiseFill(new WebAssembly.Instance(loaded, {}).exports as unknown as NoiseExports);
  return instance;
}
