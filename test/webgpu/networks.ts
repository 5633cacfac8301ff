// Small E/I networks for the cross-backend tests, built as NetworkSpec directly (no run file) so
// these tests depend only on the model types and compileNetwork.

import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';
import type { NetworkSpec, PopulationSpec, Synapse } from '../../src/model/spec.ts';

export interface TinyOptions {
  sizeE: number;
  sizeI: number;
  steps: number;
  synapse: Synapse;
  sigmaV?: number;
  refractoryMs?: number;
  trials?: number;
  seed?: number;
  readout?: boolean;
  /** Extra readouts beyond `readout`'s one (alternating sources I, E), to make K > 4. */
  extraReadouts?: number;
  /** Latents recorded every this many steps (default 1). */
  every?: number;
}

/** A deterministic spread in [lo, hi] over n neurons. */
function spread(n: number, lo: number, hi: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => lo + (hi - lo) * ((i * 0.618034) % 1));
}

function population(
  name: string,
  size: number,
  sign: PopulationSpec['sign'],
  o: TinyOptions,
): PopulationSpec {
  const excitatory = sign === 'excitatory';
  return {
    name,
    size,
    sign,
    leak: 100,
    threshold: spread(size, excitatory ? 0.3 : 0.2, excitatory ? 0.8 : 0.6),
    inputWeights: spread(size, -1, 1),
    mu: 0.02,
    sigmaV: o.sigmaV ?? 0,
    synapse: o.synapse,
    refractoryMs: o.refractoryMs ?? 0,
    selfReset: excitatory && o.synapse.kind !== 'exponential' ? 'synaptic' : 'fast',
    clampAtThreshold: false,
    recurrence: true,
    priority: excitatory ? 1 : 0,
    current: excitatory ? { t: Float64Array.of(0, 0.005), value: Float64Array.of(0, 1.5) } : null,
    initial: null,
  };
}

export function tinyEINetwork(o: TinyOptions): CompiledNetwork {
  const { sizeE, sizeI, steps } = o;
  const spec: NetworkSpec = {
    model: 'spiking',
    dt: 1e-4,
    steps,
    seed: o.seed ?? 7,
    trials: o.trials ?? 1,
    spikeRule: 'all',
    beta: 1,
    allowDaleViolation: false,
    input: { dims: 1, kind: 'keyframes', t: Float64Array.of(0, steps * 1e-4), x: [Float64Array.of(-1, 1)] },
    populations: [population('E', sizeE, 'excitatory', o), population('I', sizeI, 'inhibitory', o)],
    latents: [
      { name: 'yE', source: 0, decoder: spread(sizeE, 0.5, 1.5).map((d) => d / sizeE) },
      { name: 'yI', source: 1, decoder: spread(sizeI, 0.5, 1.5).map((d) => (2 * d) / sizeI) },
    ],
    encoders: [
      [spread(sizeE, 0.5, 1), spread(sizeE, -1.2, -0.8)],
      [spread(sizeI, 0.8, 1.2), spread(sizeI, -1, -0.6)],
    ],
    initialLatent: null,
    readouts: [
      ...(o.readout ? [{ name: 'diff', source: 1, weights: spread(sizeI, -0.5, 0.5) }] : []),
      ...Array.from({ length: o.extraReadouts ?? 0 }, (_, q) => {
        const size = q % 2 === 0 ? sizeI : sizeE;
        return { name: `extra${q}`, source: q % 2 === 0 ? 1 : 0, weights: spread(size, -0.1 * q, 0.3) };
      }),
    ],
    readoutLeak: 100,
    record: { spikes: true, latents: true, every: o.every ?? 1 },
    meta: {},
  };
  return compileNetwork(spec);
}

/** A preset's run cut to its first `steps` input samples (a short horizon for the slow paths). */
export function truncated(run: RunFileJson, steps: number): RunFileJson {
  const input = run.input as { dims: number; samples: number[][] };
  return { ...run, steps, input: { ...input, samples: input.samples.map((x) => x.slice(0, steps)) } };
}
