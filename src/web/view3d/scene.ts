// What the 3-D view shows for a run: each neuron's threshold plane and the recorded trajectory in
// a 3-D space, for the two kinds of network that have one: a 2-D input with one latent channel
// (space (x₁, x₂, y), like fig2e's 36 tangent planes) and three latent channels (space
// (y₁, y₂, y₃), planes at the run's last input, like the 2-D latent plane's default). Neuron i fires
// when its voltage V_i = F_i·x + Σ_l e_{i,l}·y_l reaches T_i (MODEL.md §1), so its boundary is the
// plane F_i·x + Σ_l e_{i,l}·y_l = T_i, with the latents as recorded (an inhibitory channel is |y|,
// its encoders negative) — the 2-D plane's lines (planeGeometry.ts) drawn one dimension up, and,
// like them, without external currents or μ. Redundant copies share a plane and are drawn once.

import { type Sign, type SimulatedRun, afterInitCut } from '../../browser.ts';
import type { Box, Vec3 } from './boxClip.ts';

export interface BoundaryPlane {
  /** The plane is {p : normal·p = offset} in the scene's coordinates. */
  normal: Vec3;
  offset: number;
  sign: Sign;
}

export interface BoundaryScene {
  /** Axis names, in the scene's coordinate order. */
  axes: [string, string, string];
  box: Box;
  planes: BoundaryPlane[];
  /** The trajectory after the 50 ms init cut, as (p₀, p₁, p₂) triples. */
  trajectory: Float64Array;
  /** The input the planes are drawn at (three latents), else null (the input is an axis). */
  atInput: number[] | null;
}

/** Trajectories longer than this are drawn through every k-th sample. */
const MAX_TRAJECTORY_POINTS = 4000;
/** The box reaches this share of each latent's range beyond the trajectory. */
const MARGIN = 0.15;

/** Which 3-D space a network has, or why it has none (the panel is hidden then). */
export function boundarySpace(sim: SimulatedRun): 'input2' | 'latent3' | string {
  const { spec } = sim.net;
  if (spec.model !== 'spiking') return 'the 3-D boundary view is drawn for spiking networks';
  if (spec.input.dims === 2 && spec.latents.length === 1) return 'input2';
  if (spec.latents.length === 3) return 'latent3';
  return 'the 3-D boundary view needs a 2-D input with one latent channel, or three latent channels';
}

function padded(lo: number, hi: number): [number, number] {
  const pad = hi > lo ? MARGIN * (hi - lo) : Math.max(1, Math.abs(lo)) * MARGIN;
  return [lo - pad, hi + pad];
}

/** The scene of a run with a 3-D space, or why it has none. */
export function boundaryScene(sim: SimulatedRun): BoundaryScene | string {
  const space = boundarySpace(sim);
  if (space !== 'input2' && space !== 'latent3') return space;
  const latents = sim.result.trials[0].latents;
  if (!latents) return 'latents were not recorded';
  const range = afterInitCut(sim);
  if (range.end <= range.start) return 'the trajectory is drawn from the end of the 50 ms init cut';
  const { spec, x, J } = sim.net;
  const every = sim.result.every;
  const stride = Math.max(1, Math.ceil((range.end - range.start) / MAX_TRAJECTORY_POINTS));
  const samples: number[] = [];
  for (let k = range.start; k < range.end; k += stride) samples.push(k);
  if (samples[samples.length - 1] !== range.end - 1) samples.push(range.end - 1);

  // Coordinate c of recorded sample k.
  const coordinate: (k: number, c: number) => number =
    space === 'input2' ? (k, c) => (c < 2 ? x[k * every * J + c] : latents[0][k]) : (k, c) => latents[c][k];
  const trajectory = new Float64Array(samples.length * 3);
  samples.forEach((k, s) => [0, 1, 2].forEach((c) => (trajectory[3 * s + c] = coordinate(k, c))));

  const box: Box = { min: [0, 0, 0], max: [0, 0, 0] };
  for (let c = 0; c < 3; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    if (space === 'input2' && c < 2) {
      // The input's whole range: the planes are drawn over every input the run saw.
      for (let t = 0; t < sim.net.S; t++) [lo, hi] = [Math.min(lo, x[t * J + c]), Math.max(hi, x[t * J + c])];
      if (hi === lo) [lo, hi] = padded(lo, hi);
    } else {
      for (let s = 0; s < samples.length; s++) {
        [lo, hi] = [Math.min(lo, trajectory[3 * s + c]), Math.max(hi, trajectory[3 * s + c])];
      }
      [lo, hi] = padded(lo, hi);
    }
    box.min[c] = lo;
    box.max[c] = hi;
  }

  const last = range.end - 1;
  const atInput = space === 'latent3' ? Array.from({ length: J }, (_, j) => x[last * every * J + j]) : null;
  const planes: BoundaryPlane[] = [];
  const seen = new Set<string>();
  spec.populations.forEach((p, pi) => {
    const encoder = (n: number, l: number) => spec.encoders[pi][l][n];
    p.threshold.forEach((T, n) => {
      const F = p.inputWeights.subarray(n * J, n * J + J);
      let normal: Vec3;
      let offset: number;
      if (space === 'input2') {
        normal = [F[0], F[1], encoder(n, 0)];
        offset = T;
      } else {
        normal = [encoder(n, 0), encoder(n, 1), encoder(n, 2)];
        offset = T - F.reduce((sum, f, j) => sum + f * atInput![j], 0);
      }
      if (normal.every((v) => v === 0)) return;
      const key = [...normal, offset, p.sign].join(',');
      if (seen.has(key)) return;
      seen.add(key);
      planes.push({ normal, offset, sign: p.sign });
    });
  });

  // An inhibitory channel is recorded as |y|: the axis says so.
  const channelNames = sim.net.channels.map((c) =>
    spec.populations[c.source].sign === 'inhibitory' ? `|${c.name}|` : c.name,
  );
  const names = space === 'input2' ? ['x₁', 'x₂', channelNames[0]] : channelNames;
  return { axes: names as [string, string, string], box, planes, trajectory, atInput };
}
