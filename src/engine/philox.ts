// Counter-based noise shared by every engine (MODEL.md §10): Philox4x32-10 (Salmon et al. 2011,
// Random123) plus Box–Muller. A counter-based generator has no state to carry, so the CPU engine and a
// WGSL kernel that computes the same function of (seed, trial, neuron, step) draw identical noise,
// whatever their thread layout or the order in which neurons are visited.
//
// The exact mapping, which a WGSL kernel must mirror word for word. One Philox call feeds four
// neurons (two Box–Muller pairs, cosine and sine of each), so a draw costs a quarter of a call:
//   counter = (c0, c1, c2, c3) = (step, floor(neuron / 4), trial, 0) — `neuron` is the global neuron
//             index (populations concatenated in file order), so the population is part of the key;
//   key     = (k0, k1) = (seed mod 2^32, floor(seed / 2^32) mod 2^32);
//   (x0, x1, x2, x3) = philox4x32_10(counter, key);
//   neuron mod 4 = 2p + j takes the pair (a, b) = (x_{2p}, x_{2p+1}):
//   u1 = ((a >> 8) + 1) · 2^-24  ∈ (0, 1]   (never 0, so log(u1) is finite)
//   u2 =  (b >> 8)      · 2^-24  ∈ [0, 1)
//   z  = sqrt(−2·ln u1) · (j = 0 ? cos(2π·u2) : sin(2π·u2))
// u1 and u2 have 24 significant bits, so they are exact in f32: a WGSL mirror produces the very same
// uniforms bit for bit (`f32((a >> 8u) + 1u) * 0x1p-24f`). Only the Box–Muller part differs: the
// float64 engine evaluates ln, cos and sin with the polynomials below (a few ulp from correctly
// rounded, and identical in noise.wat, the CPU engine's WebAssembly fill), WGSL with f32 versions;
// `standardNormalF32` is the f32 evaluation a GPU approximates, good to a few ulp of it.
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
const TWO_PI_F32 = Math.fround(2 * Math.PI);

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

// Scratch for the hot path: draws must not allocate.
const words = new Uint32Array(4);
const quad = new Float64Array(4);

/** Key word k1 of a seed (k0 is seed >>> 0): seeds are integers below 2^53. */
export function seedKeyHigh(seed: number): number {
  return Math.floor(seed / TWO_POW_32) >>> 0;
}

/** The four Philox words behind the draw for (seed, trial, neuron, step), per the mapping above. */
export function noiseWords(
  seed: number,
  trial: number,
  neuron: number,
  step: number,
  out: Uint32Array,
): void {
  philox4x32(step, neuron >>> 2, trial, 0, seed >>> 0, seedKeyHigh(seed), out);
}

/** u1 ∈ (0, 1] from word a: 24 bits, exact in f32. */
function uniformOpen(a: number): number {
  return ((a >>> 8) + 1) * TWO_POW_MINUS_24;
}

/** u2 ∈ [0, 1) from word b: 24 bits, exact in f32. */
function uniformHalfOpen(b: number): number {
  return (b >>> 8) * TWO_POW_MINUS_24;
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
  const p = neuron & 2;
  out[0] = uniformOpen(words[p]);
  out[1] = uniformHalfOpen(words[p + 1]);
}

// Box–Muller in float64 from tables and short polynomials. The tables are computed here once, from
// polynomials and exact arguments only (no Math.log/cos/sin, whose last bits differ between
// JavaScript engines), and noise.wat reads these very arrays; every other step is one IEEE double
// operation in the same order there, so both give the same bits.
const LN2 = 0.6931471805599453;
const HALF_PI = 1.5707963267948966;
const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
/** 2·atanh(s)/(2s) = Σ s^2k/(2k+1), k = 0…11: the truncation is below 1e-18 for |s| ≤ 0.1716. */
const ATANH = Array.from({ length: 12 }, (_, k) => 1 / (2 * k + 1));
/** cos x = Σ (−1)^k x^2k/(2k)!, sin x = x·Σ (−1)^k x^2k/(2k+1)!, k = 0…8, |x| ≤ π/4. */
const COS = Array.from({ length: 9 }, (_, k) => (k % 2 ? -1 : 1) / factorial(2 * k));
const SIN = Array.from({ length: 9 }, (_, k) => (k % 2 ? -1 : 1) / factorial(2 * k + 1));
/** ln(1 + r)/r = Σ (−r)^k/(k + 1), k = 0…5: the truncation is below 1e-18 for |r| ≤ 2^-9. */
const LN1P = Array.from({ length: 6 }, (_, k) => (k % 2 ? -1 : 1) / (k + 1));

/** Σ c_k·v^k by Horner's rule, highest power first. */
function horner(c: number[], v: number): number {
  let p = c[c.length - 1];
  for (let k = c.length - 2; k >= 0; k--) p = c[k] + v * p;
  return p;
}

/** ln m for m ∈ [√½, √2] by 2·atanh((m − 1)/(m + 1)). Tables only. */
function lnTable(m: number): number {
  const s = (m - 1) / (m + 1);
  return 2 * s * horner(ATANH, s * s);
}

/** (cos, sin)(2π·f/4) for f ∈ [0, 4) exact: quadrant q = round(f), Taylor in x = (f − q)·π/2. */
function sinCosQuarterTurns(f: number): [number, number] {
  const q = Math.floor(f + 0.5);
  const x = (f - q) * HALF_PI;
  const c = horner(COS, x * x);
  const s = x * horner(SIN, x * x);
  return [[c, -s, -c, s][q & 3], [s, c, -s, -c][q & 3]];
}

const LOG_BITS = 8;
const ANGLE_BITS = 12;
/**
 * For c_j = 1 + j/256, j = 0…256: 1/c_j, and ln c_j split as lnC[j] + (fold_j)·ln 2 with c_j folded
 * into [√½, √2] (fold_j = 1 above √2), so that u1 near 1 sums no large cancelling terms; expC[j] is
 * fold_j − 24, the rest of the exponent. Then cos and sin of 2π·h/2^12 (high half of a 24-bit angle)
 * and of 2π·l/2^24 (low half). 134 KiB in all: they stay in cache.
 */
export const BOX_MULLER_TABLES = (() => {
  const size = 1 << ANGLE_BITS;
  const logSize = (1 << LOG_BITS) + 1;
  const t = {
    lnC: new Float64Array(logSize),
    expC: new Float64Array(logSize),
    invC: new Float64Array(logSize),
    cosHi: new Float64Array(size),
    sinHi: new Float64Array(size),
    cosLo: new Float64Array(size),
    sinLo: new Float64Array(size),
  };
  for (let j = 0; j < logSize; j++) {
    const c = 1 + j / (1 << LOG_BITS);
    const fold = c > Math.SQRT2 ? 1 : 0;
    t.lnC[j] = lnTable(fold ? c * 0.5 : c);
    t.expC[j] = fold - 24;
    t.invC[j] = 1 / c;
  }
  for (let k = 0; k < size; k++) {
    [t.cosHi[k], t.sinHi[k]] = sinCosQuarterTurns((4 * k) / size);
    [t.cosLo[k], t.sinLo[k]] = sinCosQuarterTurns((4 * k) / (size * size));
  }
  return t;
})();

const { lnC, expC, invC, cosHi, sinHi, cosLo, sinLo } = BOX_MULLER_TABLES;
/** 2^-e, e = 0…31, exactly (a table: `2 ** -e` takes V8's slow Math.pow path). */
const INV_POW2 = Float64Array.from({ length: 32 }, (_, e) => 2 ** -e);

/**
 * sqrt(−2·ln u1) for u1 = n·2^-24, n = (a >> 8) + 1 = m·2^e with m ∈ [1, 2) (exact): m = c_j·(1 + r)
 * with c_j = 1 + j/256 the nearest to m (j from m's top nine fraction bits, rounded half up),
 * r = (m − c_j)/c_j ∈ [−2^-9, 2^-9], and ln u1 = ln c_j + ln(1 + r) + (e − 24)·ln 2.
 */
function boxMullerRadius(a: number): number {
  const n = (a >>> 8) + 1;
  const z = Math.clz32(n);
  const e = 31 - z;
  const m = n * INV_POW2[e];
  const j = ((((n << z) >>> 22) & 0x1ff) + 1) >>> 1;
  const r = (m - (1 + j / 256)) * invC[j];
  const lnU = lnC[j] + r * horner(LN1P, r) + (e + expC[j]) * LN2;
  return Math.sqrt(-2 * lnU);
}

/**
 * Writes out[o] = cos(2π·u2), out[o + 1] = sin(2π·u2) for u2 = (b >> 8)·2^-24 = (h·2^12 + l)·2^-24,
 * by the angle-sum formulas over the two table halves.
 */
function turnsSinCos(b: number, out: Float64Array, o: number): void {
  const t = b >>> 8;
  const h = t >>> ANGLE_BITS;
  const l = t & ((1 << ANGLE_BITS) - 1);
  out[o] = cosHi[h] * cosLo[l] - sinHi[h] * sinLo[l];
  out[o + 1] = sinHi[h] * cosLo[l] + cosHi[h] * sinLo[l];
}

/**
 * The four float64 draws of neurons 4·group … 4·group + 3 at `step`, into out[o … o + 3]: the
 * reference for noise.wat, which fills whole blocks of them for the CPU engine.
 */
export function normalQuad(
  seed: number,
  trial: number,
  group: number,
  step: number,
  out: Float64Array,
  o: number,
): void {
  philox4x32(step, group, trial, 0, seed >>> 0, seedKeyHigh(seed), words);
  for (let p = 0; p < 4; p += 2) {
    const r = boxMullerRadius(words[p]);
    turnsSinCos(words[p + 1], out, o + p);
    out[o + p] *= r;
    out[o + p + 1] *= r;
  }
}

/** The N(0, 1) draw for (seed, trial, neuron, step) in float64 (the CPU engine's noise). */
export function standardNormal(seed: number, trial: number, neuron: number, step: number): number {
  normalQuad(seed, trial, neuron >>> 2, step, quad, 0);
  return quad[neuron & 3];
}

/**
 * The same draw with every Box–Muller operation rounded to f32 (correctly rounded log, cos, sin), as
 * a WGSL kernel evaluates it.
 */
export function standardNormalF32(seed: number, trial: number, neuron: number, step: number): number {
  noiseWords(seed, trial, neuron, step, words);
  const p = neuron & 2;
  const u1 = uniformOpen(words[p]);
  const u2 = uniformHalfOpen(words[p + 1]);
  const radius = Math.fround(Math.sqrt(Math.fround(-2 * Math.fround(Math.log(u1)))));
  const angle = Math.fround(TWO_PI_F32 * u2);
  const trig = neuron & 1 ? Math.sin(angle) : Math.cos(angle);
  return Math.fround(radius * Math.fround(trig));
}
