// Small seeded generators for the construction helpers (grid jitter, decoder jitter). These only
// shape a network's parameters once, on the host; simulation noise uses the counter-based Philox
// generator instead (MODEL.md §10), so nothing here needs to match another backend.

/** mulberry32: a 32-bit-state generator, uniform in [0, 1). Same seed → same sequence. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from a uniform [0, 1) source. */
export function normalSampler(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    // 1 − u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - rand()));
    const angle = 2 * Math.PI * rand();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** Uniform draws in [−1, 1) from a uniform [0, 1) source. */
export function symmetricUniform(rand: () => number): () => number {
  return () => 2 * rand() - 1;
}
