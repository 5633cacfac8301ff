// A single inhibitory population whose stable boundary approximates a concave target f
// (MODEL.md §9). Paper units and signs: neuron i has encoder E_i = 1 on the (negative) latent y,
// input weights F_i and threshold T_i, and fires when F_i·x + E_i·y ≥ T_i. Choosing
//   F_i = −∇f(x_i),  T_i = F_i·x_i + f(x_i)
// puts neuron i's threshold plane y = T_i − F_i·x exactly on the tangent of f at x_i, so the
// boundary min_i (T_i − F_i·x)/E_i is an inner polyhedral approximation of f from above.
// (The reference's 2-D helper returns F = +∇f, T = F·x − f; this project never uses that sign.)

export interface TangentNetwork {
  /** F, row-major [n][J] (J = 1 or 2 here). */
  F: Float64Array;
  /** Thresholds T_i, paper units. */
  T: Float64Array;
  /** Paper encoders E_i (all 1). */
  E: Float64Array;
  /** Input dimension J. */
  dims: number;
}

export function tangentNetwork1D(options: {
  f: (x: number) => number;
  df: (x: number) => number;
  points: ArrayLike<number>;
}): TangentNetwork {
  const { f, df, points } = options;
  const n = points.length;
  const F = new Float64Array(n);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = points[i];
    F[i] = -df(x);
    T[i] = F[i] * x + f(x);
  }
  return { F, T, E: new Float64Array(n).fill(1), dims: 1 };
}

export function tangentNetwork2D(options: {
  f: (x1: number, x2: number) => number;
  grad: (x1: number, x2: number) => readonly [number, number];
  points: readonly (readonly [number, number])[];
}): TangentNetwork {
  const { f, grad, points } = options;
  const n = points.length;
  const F = new Float64Array(2 * n);
  const T = new Float64Array(n);
  points.forEach(([x1, x2], i) => {
    const [g1, g2] = grad(x1, x2);
    F[2 * i] = -g1;
    F[2 * i + 1] = -g2;
    T[i] = F[2 * i] * x1 + F[2 * i + 1] * x2 + f(x1, x2);
  });
  return { F, T, E: new Float64Array(n).fill(1), dims: 2 };
}

export interface Quadratic2DParams {
  a1: number;
  a2: number;
  a3: number;
  b1: number;
  b2: number;
  c: number;
}

/**
 * The fig2e target, read (as the reference does) as
 *   f(x1, x2) = a1·x1² + a2·x2² + a3·x1·x2 + b1·x1 + b2·x2 + c,
 * with its gradient. Concave when 4·a1·a2 > a3² and a1 < 0 (fig2e: a1 = a2 = −0.5, a3 = −0.1).
 */
export function quadratic2D(params: Quadratic2DParams): {
  f: (x1: number, x2: number) => number;
  grad: (x1: number, x2: number) => [number, number];
} {
  const { a1, a2, a3, b1, b2, c } = params;
  return {
    f: (x1, x2) => a1 * x1 * x1 + a2 * x2 * x2 + a3 * x1 * x2 + b1 * x1 + b2 * x2 + c,
    grad: (x1, x2) => [2 * a1 * x1 + a3 * x2 + b1, 2 * a2 * x2 + a3 * x1 + b2],
  };
}
