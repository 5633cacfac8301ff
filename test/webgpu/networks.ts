// Small networks for the cross-backend tests, built as NetworkSpec directly (no run file) so
// these tests depend only on the model types and compileNetwork.

import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';
import type {
  ModelKind,
  NetworkSpec,
  PopulationSpec,
  Sign,
  SpikeRule,
  Synapse,
} from '../../src/model/spec.ts';

/** What every population of a network shares unless its own entry says otherwise. */
interface NeuronOptions {
  synapse: Synapse;
  sigmaV?: number;
  refractoryMs?: number;
}

interface RunOptions {
  steps: number;
  trials?: number;
  seed?: number;
  readout?: boolean;
  /** Extra readouts beyond `readout`'s one (alternating sources, from the second population), to make K > 4. */
  extraReadouts?: number;
  /** Latents recorded every this many steps (default 1). */
  every?: number;
}

export interface TinyOptions extends NeuronOptions, RunOptions {
  sizeE: number;
  sizeI: number;
}

/** One population of `layeredNetwork`: its sign and size, and what it does not share with the rest. */
export interface LayerOptions extends Partial<NeuronOptions> {
  sign: Sign;
  size: number;
  /** Priority class (default: 1 excitatory, 0 inhibitory). */
  priority?: number;
  clampAtThreshold?: boolean;
}

export interface LayeredOptions extends NeuronOptions, RunOptions {
  populations: LayerOptions[];
  model?: ModelKind;
  spikeRule?: SpikeRule;
}

/** A deterministic spread in [lo, hi] over n neurons. */
function spread(n: number, lo: number, hi: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => lo + (hi - lo) * ((i * 0.618034) % 1));
}

/** The range of the encoders of a population of sign `to` for the channel a population of sign `from` sources. */
const ENCODER_RANGE: Record<Sign, Record<Sign, [number, number]>> = {
  excitatory: { excitatory: [0.5, 1], inhibitory: [-1.2, -0.8] },
  inhibitory: { excitatory: [0.8, 1.2], inhibitory: [-1, -0.6] },
};

function population(name: string, layer: LayerOptions, o: LayeredOptions): PopulationSpec {
  const { size, sign } = layer;
  const synapse = layer.synapse ?? o.synapse;
  const excitatory = sign === 'excitatory';
  return {
    name,
    size,
    sign,
    leak: 100,
    threshold: spread(size, excitatory ? 0.3 : 0.2, excitatory ? 0.8 : 0.6),
    inputWeights: spread(size, -1, 1),
    mu: 0.02,
    sigmaV: layer.sigmaV ?? o.sigmaV ?? 0,
    synapse,
    refractoryMs: layer.refractoryMs ?? o.refractoryMs ?? 0,
    selfReset: excitatory && synapse.kind !== 'exponential' ? 'synaptic' : 'fast',
    clampAtThreshold: layer.clampAtThreshold ?? false,
    recurrence: true,
    priority: layer.priority ?? (excitatory ? 1 : 0),
    current: excitatory ? { t: Float64Array.of(0, 0.005), value: Float64Array.of(0, 1.5) } : null,
    initial: null,
  };
}

/**
 * Populations of the given signs and sizes, each sourcing one latent channel that every population
 * reads (with the sign Dale's law asks of its source), driven by a ramp and, in the excitatory
 * ones, a step current.
 */
export function layeredNetwork(o: LayeredOptions): CompiledNetwork {
  const { populations: layers, steps } = o;
  const P = layers.length;
  const names = layers.map((l, p) => {
    const letter = l.sign === 'excitatory' ? 'E' : 'I';
    return layers.filter((m) => m.sign === l.sign).length > 1 ? `${letter}${p}` : letter;
  });
  const spec: NetworkSpec = {
    model: o.model ?? 'spiking',
    dt: 1e-4,
    steps,
    seed: o.seed ?? 7,
    trials: o.trials ?? 1,
    spikeRule: o.spikeRule ?? 'all',
    beta: 1,
    allowDaleViolation: false,
    input: { dims: 1, kind: 'keyframes', t: Float64Array.of(0, steps * 1e-4), x: [Float64Array.of(-1, 1)] },
    populations: layers.map((l, p) => population(names[p], l, o)),
    latents: layers.map(({ size, sign }, p) => ({
      name: `y${names[p]}`,
      source: p,
      decoder: spread(size, 0.5, 1.5).map((d) => ((sign === 'excitatory' ? 1 : 2) * d) / size),
    })),
    encoders: layers.map((to) => layers.map((from) => spread(to.size, ...ENCODER_RANGE[to.sign][from.sign]))),
    initialLatent: null,
    readouts: [
      ...(o.readout ? [{ name: 'diff', source: 1 % P, weights: spread(layers[1 % P].size, -0.5, 0.5) }] : []),
      ...Array.from({ length: o.extraReadouts ?? 0 }, (_, q) => {
        const source = (1 + q) % P;
        return { name: `extra${q}`, source, weights: spread(layers[source].size, -0.1 * q, 0.3) };
      }),
    ],
    readoutLeak: 100,
    record: { spikes: true, latents: true, every: o.every ?? 1 },
    meta: {},
  };
  return compileNetwork(spec);
}

/** One excitatory and one inhibitory population. */
export function tinyEINetwork(o: TinyOptions): CompiledNetwork {
  const { sizeE, sizeI, ...rest } = o;
  return layeredNetwork({
    ...rest,
    populations: [
      { sign: 'excitatory', size: sizeE },
      { sign: 'inhibitory', size: sizeI },
    ],
  });
}

/** A preset's run cut to its first `steps` input samples (a short horizon for the slow paths). */
export function truncated(run: RunFileJson, steps: number): RunFileJson {
  const input = run.input as { dims: number; samples: number[][] };
  return { ...run, steps, input: { ...input, samples: input.samples.map((x) => x.slice(0, steps)) } };
}
