// Assembles src/engine/cpu/noise.wat into noise.wasm beside it: the binary the CPU engine loads, so
// that running needs no assembler. Run after editing noise.wat (`npm run assemble-noise`);
// test/engine/noiseFill.test.ts fails while the committed binary differs from what the text gives.

import { readFileSync, writeFileSync } from 'node:fs';
import initWabt from 'wabt';

export const NOISE_WAT = new URL('../src/engine/cpu/noise.wat', import.meta.url);
export const NOISE_WASM = new URL('../src/engine/cpu/noise.wasm', import.meta.url);

/** noise.wat's text assembled to WebAssembly bytes, validated. */
export async function assembleNoise(): Promise<Uint8Array> {
  const wabt = await initWabt();
  const parsed = wabt.parseWat('noise.wat', readFileSync(NOISE_WAT, 'utf8'));
  try {
    parsed.validate();
    return new Uint8Array(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bytes = await assembleNoise();
  writeFileSync(NOISE_WASM, bytes);
  process.stderr.write(`wrote ${NOISE_WASM.pathname} (${bytes.length} bytes)\n`);
}
