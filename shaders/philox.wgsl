// philox.wgsl: shared functions (no bindings, no entry point), appended to every kernel that draws
// voltage noise. MODEL.md §10; the word-for-word mirror of src/engine/philox.ts:
//   counter = (step, neuron / 4, trial, 0), key = (seed mod 2^32, floor(seed / 2^32))
//   (x0, x1, x2, x3) = Philox4x32-10(counter, key); neuron mod 4 = 2p + j takes (a, b) = (x_2p, x_2p+1)
//   u1 = ((a >> 8) + 1)·2^-24 ∈ (0, 1], u2 = (b >> 8)·2^-24 ∈ [0, 1)   (exact in f32)
//   z  = sqrt(−2·ln u1)·(j = 0 ? cos(2π·u2) : sin(2π·u2))
// One Philox call serves four neurons on the CPU, and in stepAll's vector path (philox_quad_normals);
// elsewhere each invocation computes its own call and keeps its pair.
// WGSL has no 64-bit product: the high word of m·x is built from 16-bit halves (every partial
// product fits in 32 bits), the low word is the wrapping u32 product.

const PHILOX_M0: u32 = 0xd2511f53u;
const PHILOX_M1: u32 = 0xcd9e8d57u;
const PHILOX_W0: u32 = 0x9e3779b9u;
const PHILOX_W1: u32 = 0xbb67ae85u;

fn philox_mulhi(m: u32, x: u32) -> u32 {
  let m_hi = m >> 16u;
  let m_lo = m & 0xffffu;
  let x_hi = x >> 16u;
  let x_lo = x & 0xffffu;
  let lo_lo = m_lo * x_lo;
  let hi_lo = m_hi * x_lo;
  let lo_hi = m_lo * x_hi;
  // Carry out of the low word: top half of lo_lo plus the low halves of the cross terms.
  let carry = ((lo_lo >> 16u) + (hi_lo & 0xffffu) + (lo_hi & 0xffffu)) >> 16u;
  return m_hi * x_hi + (hi_lo >> 16u) + (lo_hi >> 16u) + carry;
}

fn philox4x32_10(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    let hi0 = philox_mulhi(PHILOX_M0, c.x);
    let lo0 = PHILOX_M0 * c.x;
    let hi1 = philox_mulhi(PHILOX_M1, c.z);
    let lo1 = PHILOX_M1 * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2<u32>(PHILOX_W0, PHILOX_W1);
  }
  return c;
}

/** Philox4x32-10 of the quad of neurons 4·quad … 4·quad + 3 at (trial, step): their four draws' words. */
fn philox_quad_block(key: vec2<u32>, trial: u32, quad: u32, step: u32) -> vec4<u32> {
  return philox4x32_10(vec4<u32>(step, quad, trial, 0u), key);
}

/** (u1, u2) of one word pair (a, b): the Box–Muller inputs. */
fn philox_uniforms(pair: vec2<u32>) -> vec2<f32> {
  return vec2<f32>(f32((pair.x >> 8u) + 1u) * 0x1p-24f, f32(pair.y >> 8u) * 0x1p-24f);
}

/** (u1, u2): the Box–Muller inputs of the draw; key = (seed low word, seed high word). */
fn philox_uniform_pair(key: vec2<u32>, trial: u32, neuron: u32, step: u32) -> vec2<f32> {
  let x = philox_quad_block(key, trial, neuron >> 2u, step);
  return philox_uniforms(select(x.xy, x.zw, (neuron & 2u) != 0u));
}

// Box–Muller with our own log, cos and sin: WGSL only bounds the builtins' error loosely (log 2^-21
// absolute near 1, cos 2^-11 absolute), and SwiftShader's really are ~1e-4 off, which would make
// the noise depend on the adapter. These two are within a few ulp of the correctly rounded values
// (what standardNormalF32 uses) on every adapter, for a few dozen flops next to Philox's rounds.

/** −ln(u) for u ∈ [2^-24, 1]: u = m·2^e with m ∈ [√½, √2), ln m = 2·atanh(s), s = (m − 1)/(m + 1). */
fn philox_neg_log(u: f32) -> f32 {
  let bits = bitcast<u32>(u);
  var e = i32((bits >> 23u) & 0xffu) - 126;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f000000u); // [0.5, 1)
  if (m < 0.70710678f) {
    m = m * 2.0;
    e = e - 1;
  }
  let s = (m - 1.0) / (m + 1.0); // m − 1 is exact; |s| ≤ 0.1716
  let s2 = s * s;
  let ln_m = 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (0.2 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0)))));
  return -(ln_m + f32(e) * 0.69314718055994531f);
}

/**
 * (cos(2π·t), sin(2π·t)) for t ∈ [0, 1): t·4 = q + r with q an integer quadrant and r ∈ [−½, ½]
 * (both exact for the 24-bit t of a Philox uniform), then Taylor polynomials in x = r·π/2 ∈ [−π/4, π/4].
 */
fn philox_sincos_turns(t: f32) -> vec2<f32> {
  let q = round(4.0 * t);
  let x = (4.0 * t - q) * 1.57079632679489662f;
  let x2 = x * x;
  let c = 1.0 - x2 * (0.5 - x2 * (1.0 / 24.0 - x2 * (1.0 / 720.0 - x2 * (1.0 / 40320.0))));
  let s = x * (1.0 - x2 * (1.0 / 6.0 - x2 * (1.0 / 120.0 - x2 * (1.0 / 5040.0 - x2 * (1.0 / 362880.0)))));
  switch (u32(q) & 3u) {
    case 0u: { return vec2<f32>(c, s); }
    case 1u: { return vec2<f32>(-s, c); }
    case 2u: { return vec2<f32>(-c, -s); }
    default: { return vec2<f32>(s, -c); }
  }
}

/** The two normals of one word pair: sqrt(−2·ln u1)·(cos(2π·u2), sin(2π·u2)), for j = 0 and j = 1. */
fn philox_box_muller(pair: vec2<u32>) -> vec2<f32> {
  let u = philox_uniforms(pair);
  return sqrt(2.0 * philox_neg_log(u.x)) * philox_sincos_turns(u.y);
}

/** The N(0, 1) draw for (seed, trial, neuron, step). */
fn philox_standard_normal(key: vec2<u32>, trial: u32, neuron: u32, step: u32) -> f32 {
  let x = philox_quad_block(key, trial, neuron >> 2u, step);
  let z = philox_box_muller(select(x.xy, x.zw, (neuron & 2u) != 0u));
  return select(z.x, z.y, (neuron & 1u) != 0u);
}

/**
 * The draws of neurons 4·quad … 4·quad + 3 at once, the same bits as philox_standard_normal of
 * each: one Philox call serves the quad (the stepAll kernel's vector path, stepAll.wgsl).
 */
fn philox_quad_normals(key: vec2<u32>, trial: u32, quad: u32, step: u32) -> vec4<f32> {
  let x = philox_quad_block(key, trial, quad, step);
  return vec4<f32>(philox_box_muller(x.xy), philox_box_muller(x.zw));
}
