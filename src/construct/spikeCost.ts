// Spike-cost correction of a network's boundaries. A spike cost μ lowers only the spiking neuron's
// own voltage, by μ, decaying with the membrane's time constant τ = 1/λ. A neuron (or each of m
// copies of it, decoder d/m) that holds its latent y up alone fires at r = y/(τ·d) per copy, so its
// voltage sits on average μ·r·τ = μ·y/d below what its encoders say: the spike cost tilts its own
// boundary as if its encoder on its own latent were smaller by μ/d, whatever m is. Adding k·μ/d to
// that encoder undoes the tilt for k = 1 (docs/studies.md measures k on fig5's construction).

import { RunFileError } from '../model/errors.ts';
import type { RunFileJson } from '../model/runFile.ts';

const perNeuron = (v: number | number[], size: number): number[] =>
  typeof v === 'number' ? new Array<number>(size).fill(v) : [...v];

/** The run with each population's encoder on its own latent raised by k·μ/d (k = 0: unchanged). */
export function correctSpikeCost(run: RunFileJson, k: number): RunFileJson {
  if (k === 0) return run;
  const encoders = structuredClone(run.encoders ?? {});
  for (const latent of run.latents) {
    const pop = run.populations.find((p) => p.name === latent.source);
    const mu = pop?.mu ?? 0;
    if (!pop || mu === 0) continue;
    const own = encoders[pop.name]?.[latent.name];
    if (own === undefined)
      throw new RunFileError(
        `encoders.${pop.name}.${latent.name}`,
        'the spike-cost correction needs this encoder',
      );
    const d = perNeuron(latent.decoder, pop.size);
    encoders[pop.name][latent.name] = perNeuron(own, pop.size).map((e, i) =>
      d[i] > 0 ? e + (k * mu) / d[i] : e,
    );
  }
  return { ...run, encoders };
}
