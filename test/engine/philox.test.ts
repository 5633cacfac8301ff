import { describe, expect, it } from 'vitest';
import {
  noiseWords,
  philox4x32,
  standardNormal,
  standardNormalF32,
  uniformPair,
} from '../../src/engine/philox.ts';

const hex = (words: Uint32Array): string[] => Array.from(words, (w) => w.toString(16).padStart(8, '0'));

// Random123's kat_vectors, "philox4x32 10" lines: counter[4], key[2] → output[4].
const KAT: [number[], number[], string[]][] = [
  [
    [0, 0, 0, 0],
    [0, 0],
    ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8'],
  ],
  [
    [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    [0xffffffff, 0xffffffff],
    ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd'],
  ],
  [
    [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    [0xa4093822, 0x299f31d0],
    ['d16cfe09', '94fdcceb', '5001e420', '24126ea1'],
  ],
];

/** Textbook Philox4x32-10 with BigInt 64-bit products: an independent oracle for the 16-bit split. */
function philoxBigInt(ctr: number[], key: number[]): number[] {
  const mask = 0xffffffffn;
  let [c0, c1, c2, c3] = ctr.map(BigInt);
  let [k0, k1] = key.map(BigInt);
  for (let r = 0; r < 10; r++) {
    if (r > 0) {
      k0 = (k0 + 0x9e3779b9n) & mask;
      k1 = (k1 + 0xbb67ae85n) & mask;
    }
    const p0 = 0xd2511f53n * c0;
    const p1 = 0xcd9e8d57n * c2;
    [c0, c1, c2, c3] = [(p1 >> 32n) ^ c1 ^ k0, p1 & mask, (p0 >> 32n) ^ c3 ^ k1, p0 & mask];
  }
  return [c0, c1, c2, c3].map(Number);
}

/** Small seeded generator for test inputs (mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Φ(z) via erfc (Numerical Recipes' Chebyshev fit, |error| < 1.2e-7: far below the KS bound). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

const N_DRAWS = 200_000;

function draws(seed: number): Float64Array {
  const z = new Float64Array(N_DRAWS);
  for (let i = 0; i < N_DRAWS; i++) z[i] = standardNormal(seed, i % 3, i % 1000, Math.floor(i / 1000));
  return z;
}

describe('philox4x32', () => {
  it.each(KAT)('matches Random123 known answers for counter %j, key %j', (ctr, key, expected) => {
    const out = new Uint32Array(4);
    philox4x32(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1], out);
    expect(hex(out)).toEqual(expected);
  });

  it('agrees with a BigInt reference on random counters and keys', () => {
    const next = mulberry32(12345);
    const out = new Uint32Array(4);
    for (let i = 0; i < 300; i++) {
      const ctr = [next(), next(), next(), next()];
      const key = [next(), next()];
      philox4x32(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1], out);
      expect(Array.from(out)).toEqual(philoxBigInt(ctr, key));
    }
  });
});

describe('noise mapping', () => {
  it('uses counter (step, neuron / 4, trial, 0) and key (seed low, seed high)', () => {
    const seed = 7 * 2 ** 32 + 0x89abcdef;
    const got = new Uint32Array(4);
    const want = new Uint32Array(4);
    for (const neuron of [40, 41, 42, 43]) {
      noiseWords(seed, 3, neuron, 1000, got);
      philox4x32(1000, 10, 3, 0, 0x89abcdef, 7, want);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });

  it('gives neurons 4g + 2p + j the pair (x_2p, x_2p+1), cosine for j = 0 and sine for j = 1', () => {
    const words = new Uint32Array(4);
    const u = new Float64Array(2);
    let worst = 0;
    for (let neuron = 0; neuron < 4000; neuron++) {
      noiseWords(9, 1, neuron, 77, words);
      uniformPair(9, 1, neuron, 77, u);
      const p = neuron & 2;
      expect(u[0]).toBe(((words[p] >>> 8) + 1) / 2 ** 24);
      expect(u[1]).toBe((words[p + 1] >>> 8) / 2 ** 24);
      // Textbook Box–Muller with the correctly rounded library functions.
      const r = Math.sqrt(-2 * Math.log(u[0]));
      const trig = neuron & 1 ? Math.sin(2 * Math.PI * u[1]) : Math.cos(2 * Math.PI * u[1]);
      worst = Math.max(worst, Math.abs(standardNormal(9, 1, neuron, 77) - r * trig));
    }
    // The polynomial log, cos and sin are good to a few ulp of |z| ≤ 5.7.
    expect(worst).toBeLessThan(1e-14);
  });

  it('builds 24-bit uniforms, exact in f32, with u1 in (0, 1] and u2 in [0, 1)', () => {
    const words = new Uint32Array(4);
    const u = new Float64Array(2);
    let bad = 0;
    for (let i = 0; i < 20_000; i++) {
      noiseWords(5, 0, i, 2, words);
      uniformPair(5, 0, i, 2, u);
      const p = i & 2;
      const ok =
        u[0] === ((words[p] >>> 8) + 1) / 2 ** 24 &&
        u[1] === (words[p + 1] >>> 8) / 2 ** 24 &&
        u[0] > 0 &&
        u[0] <= 1 &&
        u[1] >= 0 &&
        u[1] < 1 &&
        Math.fround(u[0]) === u[0] &&
        Math.fround(u[1]) === u[1];
      if (!ok) bad++;
    }
    expect(bad).toBe(0);
  });

  it('is deterministic and changes with every key component', () => {
    const base = standardNormal(11, 2, 30, 400);
    expect(standardNormal(11, 2, 30, 400)).toBe(base);
    const variants = [
      standardNormal(12, 2, 30, 400),
      standardNormal(11 + 2 ** 32, 2, 30, 400),
      standardNormal(11, 3, 30, 400),
      standardNormal(11, 2, 31, 400),
      standardNormal(11, 2, 30, 401),
    ];
    for (const v of variants) expect(v).not.toBe(base);
    expect(new Set([base, ...variants]).size).toBe(6);
  });

  it('has an f32 variant within float32 rounding of the float64 draw', () => {
    let worst = 0;
    for (let i = 0; i < 10_000; i++) {
      const z64 = standardNormal(1, 0, i, 9);
      const z32 = standardNormalF32(1, 0, i, 9);
      expect(Math.fround(z32)).toBe(z32);
      worst = Math.max(worst, Math.abs(z32 - z64) / (1 + Math.abs(z64)));
    }
    expect(worst).toBeLessThan(1e-5);
  });
});

describe('standardNormal statistics', () => {
  const z = draws(2024);

  it('has the moments of N(0, 1)', () => {
    let mean = 0;
    for (const v of z) mean += v;
    mean /= N_DRAWS;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const v of z) {
      const d = v - mean;
      m2 += d * d;
      m3 += d * d * d;
      m4 += d * d * d * d;
    }
    m2 /= N_DRAWS;
    m3 /= N_DRAWS;
    m4 /= N_DRAWS;
    // Standard errors at n = 2e5: mean 0.0022, variance 0.0032, skewness 0.0055, kurtosis 0.011.
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(m2 - 1)).toBeLessThan(0.02);
    expect(Math.abs(m3 / m2 ** 1.5)).toBeLessThan(0.03);
    expect(Math.abs(m4 / m2 ** 2 - 3)).toBeLessThan(0.1);
  });

  it('passes a Kolmogorov–Smirnov test against the normal CDF', () => {
    const sorted = Float64Array.from(z).sort();
    let d = 0;
    for (let i = 0; i < N_DRAWS; i++) {
      const f = normalCdf(sorted[i]);
      d = Math.max(d, (i + 1) / N_DRAWS - f, f - i / N_DRAWS);
    }
    // Critical value at α = 0.001: 1.949 / √n.
    expect(d).toBeLessThan(1.949 / Math.sqrt(N_DRAWS));
  });
});
