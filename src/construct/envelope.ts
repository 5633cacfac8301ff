// The stable boundary of a single inhibitory population (MODEL.md §9), paper sign:
// y_boundary(x) = min_i (T_i − F_i·x)/E_i. The latent y is held at or below it.

export function envelope1D(
  F: ArrayLike<number>,
  T: ArrayLike<number>,
  E: ArrayLike<number>,
  x: number,
): number {
  let best = Infinity;
  for (let i = 0; i < T.length; i++) best = Math.min(best, (T[i] - F[i] * x) / E[i]);
  return best;
}

/** The same for J-dimensional input: F row-major [n][J] with J = x.length. */
export function envelopeND(
  F: ArrayLike<number>,
  T: ArrayLike<number>,
  E: ArrayLike<number>,
  x: ArrayLike<number>,
): number {
  const dims = x.length;
  if (F.length !== T.length * dims) {
    throw new Error(`envelopeND: F has ${F.length} values, expected ${T.length}·${dims}`);
  }
  let best = Infinity;
  for (let i = 0; i < T.length; i++) {
    let drive = 0;
    for (let j = 0; j < dims; j++) drive += F[i * dims + j] * x[j];
    best = Math.min(best, (T[i] - drive) / E[i]);
  }
  return best;
}
