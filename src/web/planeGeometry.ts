// The boundary geometry of any E/I run file, read back from its validated spec, so the latent plane
// can be drawn for presets, formula networks and uploaded files alike: one excitatory and one
// inhibitory population, one latent channel sourced by each, a 1-D input (src/construct/eiBoundary.ts
// gives the conventions: inhibitory encoders are negative in run files, positive in the geometry).

import type { EINetwork } from '../construct/eiBoundary.ts';
import type { NetworkSpec } from '../model/spec.ts';

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

/** The geometry, or why this network has no (y^E, |y^I|) plane. */
export function planeGeometry(spec: NetworkSpec): EINetwork | string {
  if (spec.model !== 'spiking') return 'the latent plane is drawn for spiking networks';
  if (spec.input.dims !== 1)
    return `the latent plane is drawn for a 1-D input (this one has ${spec.input.dims})`;
  const e = spec.populations.findIndex((p) => p.sign === 'excitatory');
  const i = spec.populations.findIndex((p) => p.sign === 'inhibitory');
  if (spec.populations.length !== 2 || e < 0 || i < 0 || spec.latents.length !== 2) {
    return 'the latent plane needs one E and one I population with one latent channel each';
  }
  const lE = spec.latents.findIndex((l) => l.source === e);
  const lI = spec.latents.findIndex((l) => l.source === i);
  if (lE < 0 || lI < 0) return 'the latent plane needs a latent channel sourced by each population';
  const E = distinctLines(spec, e, lE, lI);
  const I = distinctLines(spec, i, lE, lI);
  return { E_EE: E.yE, E_EI: E.yI, F_E: E.F, T_E: E.T, E_IE: I.yE, E_II: I.yI, F_I: I.F, T_I: I.T };
}
