// The latent plane of any E/I run file, read back from its validated spec, so it can be drawn for
// presets, formula networks and uploaded files alike: one excitatory and one inhibitory population,
// one latent channel sourced by each, a 1-D input. The plane's axes are those channels, found by
// what sources them, never by their names (src/construct/eiBoundary.ts gives the conventions:
// inhibitory encoders are negative in run files, positive in the geometry).

import type { EINetwork } from '../construct/eiBoundary.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { eiPlane, window as afterInitCut } from './figures.ts';
import type { Plot, SimulatedRun } from './preset.ts';

/** The boundary geometry and the latent channels that are the plane's axes (y^E, |y^I|). */
export interface LatentPlane {
  geometry: EINetwork;
  channels: { E: number; I: number };
}

interface Lines {
  /** Encoder on y^E, encoder on |y^I| (made positive), input weight, threshold. */
  yE: number[];
  yI: number[];
  F: number[];
  T: number[];
}

/**
 * Each neuron's threshold line, once: redundant copies share a line, and drawing the boundaries of
 * a 10⁵-neuron redundant network costs seconds if every copy is evaluated at every grid point.
 */
function distinctLines(spec: NetworkSpec, p: number, lE: number, lI: number): Lines {
  const out: Lines = { yE: [], yI: [], F: [], T: [] };
  const seen = new Set<string>();
  const { inputWeights, threshold } = spec.populations[p];
  threshold.forEach((T, n) => {
    const line = [spec.encoders[p][lE][n], -spec.encoders[p][lI][n], inputWeights[n], T];
    const key = line.join(',');
    if (seen.has(key)) return;
    seen.add(key);
    [out.yE, out.yI, out.F, out.T].forEach((column, k) => column.push(line[k]));
  });
  return out;
}

/** The plane of this network, or why it has none (a sentence for the page and the terminal). */
export function latentPlane(spec: NetworkSpec): LatentPlane | string {
  if (spec.model !== 'spiking') return 'the latent plane is drawn for spiking networks';
  if (spec.input.dims !== 1)
    return `the latent plane is drawn for a 1-D input (this one has ${spec.input.dims})`;
  const e = spec.populations.findIndex((p) => p.sign === 'excitatory');
  const i = spec.populations.findIndex((p) => p.sign === 'inhibitory');
  if (spec.populations.length !== 2 || e < 0 || i < 0 || spec.latents.length !== 2) {
    return 'the latent plane needs one excitatory and one inhibitory population with one latent channel each';
  }
  const lE = spec.latents.findIndex((l) => l.source === e);
  const lI = spec.latents.findIndex((l) => l.source === i);
  if (lE < 0 || lI < 0) {
    return 'the latent plane needs a latent channel sourced by each population';
  }
  const E = distinctLines(spec, e, lE, lI);
  const I = distinctLines(spec, i, lE, lI);
  return {
    geometry: { E_EE: E.yE, E_EI: E.yI, F_E: E.F, T_E: E.T, E_IE: I.yE, E_II: I.yI, F_I: I.F, T_I: I.T },
    channels: { E: lE, I: lI },
  };
}

/** The boundary geometry alone, or why there is none. */
export function planeGeometry(spec: NetworkSpec): EINetwork | string {
  const plane = latentPlane(spec);
  return typeof plane === 'string' ? plane : plane.geometry;
}

/** The plane of a simulated run, or why it has none to draw. */
function drawablePlane(sim: SimulatedRun): LatentPlane | string {
  const plane = latentPlane(sim.net.spec);
  if (typeof plane === 'string') return plane;
  if (!sim.result.trials[0].latents) return 'latents were not recorded';
  const range = afterInitCut(sim);
  if (range.end <= range.start) return 'the trajectory is drawn from the end of the 50 ms init cut';
  return plane;
}

/** Why this run has no latent-plane figure, or null when it has one. */
export function planeProblem(sim: SimulatedRun): string | null {
  const plane = drawablePlane(sim);
  return typeof plane === 'string' ? plane : null;
}

/**
 * The trajectory in the plane with both boundaries at input `x` (default: the run's last input), as
 * plot `plane`, or why this run has none.
 */
export function planeFigure(sim: SimulatedRun, title: string, x?: number): Plot | { reason: string } {
  const plane = drawablePlane(sim);
  if (typeof plane === 'string') return { reason: plane };
  return eiPlane(sim, plane.geometry, title, x, plane.channels);
}
