// Boundary geometry of a rank-2 E/I network (paper units, MODEL.md §1, §9), in the plane
// (y^E, |y^I|) at a fixed input x. Neuron voltages:
//   E neuron:  V = E_EE·y^E − E_EI·|y^I| + F_E·x,  spikes when V ≥ T_E
//   I neuron:  V = E_IE·y^E − E_II·|y^I| + F_I·x,  spikes when V ≥ T_I
// so each threshold is the line |y^I| = (E_self·y^E + F·x − T)/E_cross. A neuron is silent above
// its line, so each population is silent on or above the *maximum* of its lines: both boundaries
// are convex piecewise-linear functions of y^E. I spikes push |y^I| up (the I boundary holds the
// state from below: stable); E spikes push y^E right. Sliding along the I boundary, y^E grows
// where it lies below the E boundary (E fires) and decays where it lies above (E silent), so the
// network settles where I − E changes sign from − to + with increasing y^E: the I boundary
// crossing the E boundary from below, steeper (a_I > a_E in the difference-of-convex design).

import { evaluateEnvelope, upperEnvelope } from './lineEnvelope.ts';
import type { Line, UpperEnvelope } from './lineEnvelope.ts';

export interface EINetwork {
  /** E neurons: encoder on y^E (E_EE), on |y^I| (E_EI > 0), input weight F_E, threshold T_E. */
  E_EE: ArrayLike<number>;
  E_EI: ArrayLike<number>;
  F_E: ArrayLike<number>;
  T_E: ArrayLike<number>;
  /** I neurons: encoder on y^E (E_IE), on |y^I| (E_II > 0), input weight F_I, threshold T_I. */
  E_IE: ArrayLike<number>;
  E_II: ArrayLike<number>;
  F_I: ArrayLike<number>;
  T_I: ArrayLike<number>;
}

/** A point of the latent plane; yI is |y^I| (the inhibitory latent as simulated). */
export interface LatentPoint {
  yE: number;
  yI: number;
}

function thresholdLines(
  population: string,
  self: ArrayLike<number>,
  cross: ArrayLike<number>,
  F: ArrayLike<number>,
  T: ArrayLike<number>,
  x: number,
): Line[] {
  const n = T.length;
  if (n === 0) throw new Error(`${population} population is empty`);
  if (self.length !== n || cross.length !== n || F.length !== n) {
    throw new Error(`${population} parameter arrays differ in length (T has ${n})`);
  }
  const lines: Line[] = [];
  for (let i = 0; i < n; i++) {
    // E_cross = 0 would make the threshold a vertical line in this plane: not a boundary over y^E.
    if (!(cross[i] > 0))
      throw new Error(`${population} neuron ${i}: cross encoder must be > 0, got ${cross[i]}`);
    lines.push({ slope: self[i] / cross[i], intercept: (F[i] * x - T[i]) / cross[i] });
  }
  return lines;
}

const eLines = (net: EINetwork, x: number): Line[] =>
  thresholdLines('E', net.E_EE, net.E_EI, net.F_E, net.T_E, x);
const iLines = (net: EINetwork, x: number): Line[] =>
  thresholdLines('I', net.E_IE, net.E_II, net.F_I, net.T_I, x);

function maxOfLines(lines: readonly Line[], yE: number): number {
  let best = -Infinity;
  for (const { slope, intercept } of lines) best = Math.max(best, slope * yE + intercept);
  return best;
}

/** The E boundary |y^I|_E(x, y^E): E is silent on or above it. */
export function boundaryE(net: EINetwork, x: number, yE: number): number {
  return maxOfLines(eLines(net, x), yE);
}

/** The I boundary |y^I|_I(x, y^E): I is silent on or above it. */
export function boundaryI(net: EINetwork, x: number, yE: number): number {
  return maxOfLines(iLines(net, x), yE);
}

/**
 * Every stable intersection at input x (I boundary crossing the E boundary from below as y^E
 * grows), by increasing y^E. Exact: on each interval between break points of either boundary the
 * difference I − E is linear, so its roots are found by linear interpolation.
 */
export function boundaryIntersections(net: EINetwork, x: number): LatentPoint[] {
  const hullE = upperEnvelope(eLines(net, x));
  const hullI = upperEnvelope(iLines(net, x));
  // Any extra point is harmless (I − E is linear across it); 0 guarantees at least one.
  const points = [0, ...hullE.breaks, ...hullI.breaks].sort((a, b) => a - b);
  const diff = (yE: number): number => evaluateEnvelope(hullI, yE) - evaluateEnvelope(hullE, yE);
  const at = (yE: number): LatentPoint => ({ yE, yI: evaluateEnvelope(hullI, yE) });
  const d = points.map(diff);
  const found: LatentPoint[] = [];

  const slopeLeft = hullI.lines[0].slope - hullE.lines[0].slope;
  if (slopeLeft > 0 && d[0] >= 0) found.push(at(points[0] - d[0] / slopeLeft));
  for (let j = 0; j + 1 < points.length; j++) {
    if (d[j] < 0 && d[j + 1] >= 0) {
      const t = points[j] + ((points[j + 1] - points[j]) * -d[j]) / (d[j + 1] - d[j]);
      found.push(at(t));
    }
  }
  const last = points.length - 1;
  const slopeRight = lastSlope(hullI) - lastSlope(hullE);
  if (slopeRight > 0 && d[last] < 0) found.push(at(points[last] - d[last] / slopeRight));
  return found;
}

function lastSlope(envelope: UpperEnvelope): number {
  return envelope.lines[envelope.lines.length - 1].slope;
}

/**
 * The stable intersection with the smallest y^E at input x, or null when the boundaries never
 * cross that way. With one y^E-slope per population (every network built here) I − E is linear in
 * y^E with slope a_I − a_E > 0, so there is exactly one; several would mean multistability, and
 * which one a simulation reaches then depends on its history (see `boundaryIntersections`).
 */
export function boundaryIntersection(net: EINetwork, x: number): LatentPoint | null {
  return boundaryIntersections(net, x)[0] ?? null;
}

/** An E/I network's boundary parameters as built by this module's constructors. */
export type EINetworkArrays = { [K in keyof EINetwork]: Float64Array };
