// The E/I difference-of-convex construction for a 1-D target (MODEL.md §9, EXPERIMENTS.md fig5 and
// tutorial), in paper units.
//
// Boundaries as surfaces over (x, y^E), in units of |y^I|:
//   E boundary  B_E(x, y^E) = q(x) + a_E·y^E + c_E,   I boundary  B_I(x, y^E) = p(x) + a_I·y^E + c_I,
// with q and p convex piecewise-linear. They meet where q − p + c_E − c_I = (a_I − a_E)·y^E, so
//   y^E*(x) = (q(x) − p(x) + c_E − c_I)/(a_I − a_E),   |y^I|*(x) = p(x) + a_I·y^E*(x) + c_I,
// a stable crossing only if a_I > a_E. To make y^E* equal the piecewise-linear interpolant f_PL of
// the target on the knots, q − p must equal g = (a_I − a_E)·f_PL up to a constant:
// - the slope changes of g at the knots are split: increases go to q (E), decreases to p (I);
// - both start with slope `baseSlope`, except that the first slope of g is added to q's start if
//   positive, to p's if negative, so q′ − p′ = g′ on every segment and both boundaries keep rising
//   in x (fig5: both start at 0.4, g′ = 0 on its first segment);
// - q(x₀) = p(x₀) = 0 at the first knot; c_E − c_I = (a_I − a_E)·f(x₀) fixes y^E*, and the one
//   remaining freedom, a common shift of both boundaries, is set by `minYI`: the smallest |y^I|*
//   over the knots (fig5: 1.37, at x = 0).
// Each linear piece of q becomes one E neuron and each piece of p one I neuron, as the tangent
// plane of its boundary at (midpoint of the piece, yEv). The boundary is linear on a piece, so the
// plane is the piece itself and the result does not depend on where it is taken: yEv (5 in the
// paper) is kept only so the construction reads as the paper's. Adjacent segments with no slope
// change for a population share one neuron. The geometry holds for any target, but y^E is a
// filtered spike count: a spiking network can only realise the parts where f_PL > 0.

import { linspace } from './grid.ts';
import type { EINetworkArrays } from './eiBoundary.ts';
import { tangentPlaneNeuron } from './tangentPlane.ts';

export interface DifferenceOfConvexOptions {
  /** The target, sampled at the knots. Give this or `samples`. */
  f?: (x: number) => number;
  /** The target's values at the knots. */
  samples?: ArrayLike<number>;
  /** Strictly increasing knots of f_PL. Give these, or `xRange` and `segments`. */
  knots?: ArrayLike<number>;
  xRange?: readonly [number, number];
  /** Equal segments over xRange: knots = linspace(a, b, segments + 1). */
  segments?: number;
  /** a_E = ∂B_E/∂y^E, every E neuron's E_EE (default 0.3, fig5). */
  slopeE?: number;
  /** a_I = ∂B_I/∂y^E, every I neuron's E_IE; must exceed slopeE (default 0.9, fig5). */
  slopeI?: number;
  /** Starting slope in x of both boundaries (default 0.4, fig5). */
  baseSlope?: number;
  /** y^E of the tangent points (default 5, the paper's). */
  yEv?: number;
  /** The smallest |y^I|* over the knots (default 1). */
  minYI?: number;
}

export interface DifferenceOfConvexNetwork extends EINetworkArrays {
  knots: Float64Array;
  /** f_PL at the knots. */
  values: Float64Array;
  slopeE: number;
  slopeI: number;
  /** c_E and c_I. */
  offsetE: number;
  offsetI: number;
  /** f_PL, extended linearly beyond the knots. */
  targetPL: (x: number) => number;
  /** The convex parts, q(x₀) = p(x₀) = 0; max over their neurons' lines, so defined for every x. */
  q: (x: number) => number;
  p: (x: number) => number;
  /** The predicted boundary intersection. */
  yEStar: (x: number) => number;
  yIStar: (x: number) => number;
}

/** A convex piecewise-linear function as its pieces: line k is slope[k]·x + intercept[k]. */
interface ConvexPieces {
  starts: number[];
  slopes: number[];
  intercepts: number[];
}

function resolveKnots(options: DifferenceOfConvexOptions): Float64Array {
  const { knots, xRange, segments } = options;
  if (knots !== undefined) {
    if (xRange !== undefined || segments !== undefined) {
      throw new Error('buildDifferenceOfConvex: give knots, or xRange and segments, not both');
    }
    const out = Float64Array.from(knots);
    if (out.length < 2) throw new Error('buildDifferenceOfConvex: needs at least 2 knots');
    for (let j = 1; j < out.length; j++) {
      if (!(out[j] > out[j - 1])) throw new Error(`buildDifferenceOfConvex: knots must increase (knot ${j})`);
    }
    return out;
  }
  if (xRange === undefined || segments === undefined) {
    throw new Error('buildDifferenceOfConvex: give knots, or xRange and segments');
  }
  if (!Number.isInteger(segments) || segments < 1 || !(xRange[1] > xRange[0])) {
    throw new Error(`buildDifferenceOfConvex: need segments ≥ 1 and xRange[1] > xRange[0]`);
  }
  return linspace(xRange[0], xRange[1], segments + 1);
}

function resolveValues(options: DifferenceOfConvexOptions, knots: Float64Array): Float64Array {
  const { f, samples } = options;
  if ((f === undefined) === (samples === undefined)) {
    throw new Error('buildDifferenceOfConvex: give exactly one of f and samples');
  }
  const values = f !== undefined ? knots.map(f) : Float64Array.from(samples as ArrayLike<number>);
  if (values.length !== knots.length) {
    throw new Error(`buildDifferenceOfConvex: ${values.length} samples for ${knots.length} knots`);
  }
  values.forEach((v, j) => {
    if (!Number.isFinite(v)) throw new Error(`buildDifferenceOfConvex: target at knot ${j} is ${v}`);
  });
  return values;
}

/** Integrates a slope sequence (starting at x₀ with value 0) into line pieces. */
function integrate(starts: number[], slopes: number[]): ConvexPieces {
  const intercepts: number[] = [];
  let value = 0;
  for (let k = 0; k < starts.length; k++) {
    if (k > 0) value += slopes[k - 1] * (starts[k] - starts[k - 1]);
    intercepts.push(value - slopes[k] * starts[k]);
  }
  return { starts, slopes, intercepts };
}

function maxOfPieces(pieces: ConvexPieces, x: number): number {
  let best = -Infinity;
  for (let k = 0; k < pieces.slopes.length; k++) {
    best = Math.max(best, pieces.slopes[k] * x + pieces.intercepts[k]);
  }
  return best;
}

function interpolate(knots: Float64Array, values: Float64Array, x: number): number {
  let lo = 0;
  let hi = knots.length - 2;
  // The segment whose left knot is the last one ≤ x (clamped to the end segments).
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (knots[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  const slope = (values[lo + 1] - values[lo]) / (knots[lo + 1] - knots[lo]);
  return values[lo] + slope * (x - knots[lo]);
}

export function buildDifferenceOfConvex(options: DifferenceOfConvexOptions): DifferenceOfConvexNetwork {
  const { slopeE = 0.3, slopeI = 0.9, baseSlope = 0.4, yEv = 5, minYI = 1 } = options;
  if (!(slopeI > slopeE)) {
    throw new Error(
      `buildDifferenceOfConvex: slopeI (${slopeI}) must exceed slopeE (${slopeE}) for a stable crossing`,
    );
  }
  const knots = resolveKnots(options);
  const values = resolveValues(options, knots);
  const gain = slopeI - slopeE;
  const segments = knots.length - 1;
  const g = (j: number): number => (gain * (values[j + 1] - values[j])) / (knots[j + 1] - knots[j]);

  const qStarts = [knots[0]];
  const pStarts = [knots[0]];
  const qSlopes = [baseSlope + Math.max(g(0), 0)];
  const pSlopes = [baseSlope + Math.max(-g(0), 0)];
  for (let j = 1; j < segments; j++) {
    const change = g(j) - g(j - 1);
    if (change > 0) {
      qStarts.push(knots[j]);
      qSlopes.push(qSlopes[qSlopes.length - 1] + change);
    } else if (change < 0) {
      pStarts.push(knots[j]);
      pSlopes.push(pSlopes[pSlopes.length - 1] - change);
    }
  }
  const q = integrate(qStarts, qSlopes);
  const p = integrate(pStarts, pSlopes);

  let lowest = Infinity;
  knots.forEach((x, j) => {
    lowest = Math.min(lowest, maxOfPieces(p, x) + slopeI * values[j]);
  });
  const offsetI = minYI - lowest;
  const offsetE = offsetI + gain * values[0];

  const xEnd = knots[segments];
  const neurons = (pieces: ConvexPieces, slopeY: number, offset: number) =>
    pieces.slopes.map((slope, k) => {
      const start = pieces.starts[k];
      const end = k + 1 < pieces.starts.length ? pieces.starts[k + 1] : xEnd;
      const intercept = pieces.intercepts[k];
      const surface = {
        value: (x: number, yE: number) => slope * x + intercept + slopeY * yE + offset,
        dx: () => slope,
        dyE: () => slopeY,
      };
      return tangentPlaneNeuron(surface, (start + end) / 2, yEv);
    });
  const eNeurons = neurons(q, slopeE, offsetE);
  const iNeurons = neurons(p, slopeI, offsetI);

  const yEStar = (x: number): number => (maxOfPieces(q, x) - maxOfPieces(p, x) + offsetE - offsetI) / gain;
  return {
    E_EE: Float64Array.from(eNeurons, (n) => n.self),
    E_EI: Float64Array.from(eNeurons, (n) => n.cross),
    F_E: Float64Array.from(eNeurons, (n) => n.F),
    T_E: Float64Array.from(eNeurons, (n) => n.T),
    E_IE: Float64Array.from(iNeurons, (n) => n.self),
    E_II: Float64Array.from(iNeurons, (n) => n.cross),
    F_I: Float64Array.from(iNeurons, (n) => n.F),
    T_I: Float64Array.from(iNeurons, (n) => n.T),
    knots,
    values,
    slopeE,
    slopeI,
    offsetE,
    offsetI,
    targetPL: (x) => interpolate(knots, values, x),
    q: (x) => maxOfPieces(q, x),
    p: (x) => maxOfPieces(p, x),
    yEStar,
    yIStar: (x) => maxOfPieces(p, x) + slopeI * yEStar(x) + offsetI,
  };
}
