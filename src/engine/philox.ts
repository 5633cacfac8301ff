// Counter-based noise shared by every engine (MODEL.md §10): Philox4x32-10 (Salmon et al. 2011,
// Random123) plus Box–Muller. A counter-based generator has no state to carry, so the CPU engine and a
// WGSL kernel that computes the same function of (seed, trial, neuron, step) draw identical noise,
// whatever their thread layout or the order in which neurons are visited.
//
// The exact mapping, which a WGSL kernel must mirror word for word:
//   counter = (c0, c1, c2, c3) = (step, neuron, trial, 0)   — `neuron` is the global neuron index
//             (populations concatenated in file order), so the population is part of the key too;
//   key     = (k0, k1) = (seed mod 2^32, floor(seed / 2^32) mod 2^32);
//   (x0, x1, x2, x3) = philox4x32_10(counter, key); x2 and x3 are unused;
//   u1 = ((x0 >> 8) + 1) · 2^-24  ∈ (0, 1]   (never 0, so log(u1) is finite)
//   u2 =  (x1 >> 8)      · 2^-24  ∈ [0, 1)
//   z  = sqrt(−2·ln u1) · cos(2π·u2)
// u1 and u2 have 24 significant bits, so they are exact in f32: a WGSL mirror produces the very same
// uniforms bit for bit (`f32((x0 >> 8u) + 1u) * 0x1p-24f`). Only the Box–Muller part differs, because
// WGSL's log/cos/sqrt are not correctly rounded; `standardNormalF32` is the f32 evaluation a GPU
// approximates, good to a few ulp of it.
//
// One Philox round (Random123's philox4x32round), with (hi, lo) the 64-bit product split in words:
//   (hi0, lo0) = M0·c0,  (hi1, lo1) = M1·c2
//   c = (hi1 ^ c1 ^ k0,  lo1,  hi0 ^ c3 ^ k1,  lo0)
// and between rounds the key is bumped by the Weyl constants: k0 += W0, k1 += W1 (mod 2^32).
// WGSL has no 64-bit multiply, so the high word is computed from 16-bit halves here exactly as a
// shader must compute it.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9 | 0;
const W1 = 0xbb67ae85 | 0;
const ROUNDS = 10;

const M0_HI = M0 >>> 16;
const M0_LO = M0 & 0xffff;
const M1_HI = M1 >>> 16;
const M1_LO = M1 & 0xffff;

const TWO_POW_32 = 4294967296;
const TWO_POW_MINUS_24 = 2 ** -24;
const TWO_PI = 2 * Math.PI;
const TWO_PI_F32 = Math.fround(TWO_PI);

/**
 * High 32 bits of the 64-bit product m·x (as int32 bits), where m = mHi·2^16 + mLo is a constant
 * multiplier and x holds uint32 bits. Every partial product of 16-bit halves fits in 32 bits, so
 * Math.imul keeps the arithmetic in int32 (no doubles in the hot loop) and a shader does the same in
 * u32.
 */
function mulHi(mHi: number, mLo: number, x: number): number {
  const xHi = x >>> 16;
  const xLo = x & 0xffff;
  const loLo = Math.imul(mLo, xLo);
  const hiLo = Math.imul(mHi, xLo);
  const loHi = Math.imul(mLo, xHi);
  // Carry out of the low word: the top half of loLo plus the low halves of the two cross terms.
  const carry = ((loLo >>> 16) + (hiLo & 0xffff) + (loHi & 0xffff)) >>> 16;
  return (Math.imul(mHi, xHi) + (hiLo >>> 16) + (loHi >>> 16) + carry) | 0;
}

/** Philox4x32-10 of counter (c0..c3) under key (k0, k1); writes the four uint32 outputs to `out`. */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): void {
  // Words are carried as int32 bit patterns; the Uint32Array store reinterprets them as uint32.
  c0 |= 0;
  c1 |= 0;
  c2 |= 0;
  c3 |= 0;
  k0 |= 0;
  k1 |= 0;
  for (let round = 0; round < ROUNDS; round++) {
    const hi0 = mulHi(M0_HI, M0_LO, c0);
    const lo0 = Math.imul(M0, c0);
    const hi1 = mulHi(M1_HI, M1_LO, c2);
    const lo1 = Math.imul(M1, c2);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 = (k0 + W0) | 0;
    k1 = (k1 + W1) | 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

// Scratch for the hot path: one draw per neuron per step must not allocate.
const words = new Uint32Array(4);

/** The four Philox words behind the draw for (seed, trial, neuron, step), per the mapping above. */
export function noiseWords(
  seed: number,
  trial: number,
  neuron: number,
  step: number,
  out: Uint32Array,
): void {
  philox4x32(step, neuron, trial, 0, seed >>> 0, Math.floor(seed / TWO_POW_32) >>> 0, out);
}

/** u1 ∈ (0, 1] from word x0: 24 bits, exact in f32. */
function uniformOpen(x0: number): number {
  return ((x0 >>> 8) + 1) * TWO_POW_MINUS_24;
}

/** u2 ∈ [0, 1) from word x1: 24 bits, exact in f32. */
function uniformHalfOpen(x1: number): number {
  return (x1 >>> 8) * TWO_POW_MINUS_24;
}

/** Writes out[0] = u1 ∈ (0, 1] and out[1] = u2 ∈ [0, 1), the Box–Muller inputs of the draw. */
export function uniformPair(
  seed: number,
  trial: number,
  neuron: number,
  step: number,
  out: Float64Array | Float32Array,
): void {
  noiseWords(seed, trial, neuron, step, words);
  out[0] = uniformOpen(words[0]);
  out[1] = uniformHalfOpen(words[1]);
}

/** The N(0, 1) draw for (seed, trial, neuron, step), Box–Muller in float64 (the CPU engine's noise). */
export function standardNormal(seed: number, trial: number, neuron: number, step: number): number {
  noiseWords(seed, trial, neuron, step, words);
  const u1 = uniformOpen(words[0]);
  const u2 = uniformHalfOpen(words[1]);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(TWO_PI * u2);
}

/** The same draw with every Box–Muller operation rounded to f32, as a WGSL kernel evaluates it. */
export function standardNormalF32(seed: number, trial: number, neuron: number, step: number): number {
  noiseWords(seed, trial, neuron, step, words);
  const u1 = uniformOpen(words[0]);
  const u2 = uniformHalfOpen(words[1]);
  const radius = Math.fround(Math.sqrt(Math.fround(-2 * Math.fround(Math.log(u1)))));
  const angle = Math.fround(TWO_PI_F32 * u2);
  return Math.fround(radius * Math.fround(Math.cos(angle)));
}
