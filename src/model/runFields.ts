// The run file's fields (RUN_FORMAT.md) as data (fields.ts): parse.ts takes their keys, bounds and
// choices from these tables, and `runFileSchema` writes schemas/run.schema.json from the same tables
// and from the rules between fields that are data here too (the synapses each spike rule works with,
// the fields the rate model refuses).

import { DEFAULTS } from './defaults.ts';
import { jsonSchema, type Fields, type NumberRule, type Schema } from './fields.ts';
import { RUN_FORMAT } from './runFile.ts';
import type { ModelKind, SelfReset, Sign, SpikeRule, Synapse } from './spec.ts';

/** Neurons, steps and trials are indexed by 32-bit integers in the engines (spike trains, noise keys). */
export const MAX_INDEX = 2 ** 31 - 1;

/**
 * The largest magnitude of a real-valued field. Products of a few such values (encoder × decoder ×
 * spikes × neurons) stay far below float32's 3.4e38, so no accepted file can overflow a latent or a
 * voltage to ±Infinity or NaN on any backend; no physical quantity of a network needs more.
 */
export const MAX_MAGNITUDE = 1e12;

export const MODELS: readonly ModelKind[] = ['spiking', 'rate'];
export const SPIKE_RULES: readonly SpikeRule[] = ['one-per-step', 'all', 'sequential'];
export const SIGNS: readonly Sign[] = ['excitatory', 'inhibitory'];
export const SELF_RESETS: readonly SelfReset[] = ['fast', 'synaptic'];

/** MODEL.md §5: the synapse kinds each spike rule works with. */
export const SPIKE_RULE_SYNAPSES: Record<SpikeRule, readonly Synapse['kind'][]> = {
  'one-per-step': ['delta'],
  all: ['pulse', 'exponential'],
  sequential: ['delta'],
};

/** `clampAtThreshold` is defined for this spike rule only. */
export const CLAMP_SPIKE_RULE: SpikeRule = 'one-per-step';

/** Spiking-only population fields; the rate model refuses them rather than ignore them (RUN_FORMAT.md). */
export const RATE_REFUSED_POPULATION_KEYS = [
  'mu',
  'sigmaV',
  'synapse',
  'selfReset',
  'clampAtThreshold',
  'refractoryMs',
] as const;

/** Rate-model initial rates go through logit (MODEL.md §8); spiking ones are filtered spike counts. */
export const RATE_INITIAL_RATES: NumberRule = { above: 0, below: 1 };

const REAL: NumberRule = {};
const NAME = { type: 'string', minLength: 1, required: true } as const;

export const SYNAPSE_VARIANTS = {
  delta: {},
  pulse: {
    widthMs: {
      type: 'number',
      rule: { above: 0 },
      required: true,
      description: 'Width of the square synaptic pulse in ms; at least one step of dt.',
    },
  },
  exponential: {
    rate: {
      type: 'number',
      rule: { above: 0 },
      required: true,
      description: 'Decay rate of the synaptic current (1/s); rate × dt from 1e-9 to 1.',
    },
  },
} satisfies Record<Synapse['kind'], Fields>;

export const SYNAPSE_KINDS = Object.keys(SYNAPSE_VARIANTS) as Synapse['kind'][];

export const KEYFRAME_FIELDS = {
  t: {
    type: 'numbers',
    rule: REAL,
    minItems: 1,
    required: true,
    description: 'Keyframe times in seconds, strictly increasing.',
  },
  x: {
    type: 'list',
    items: { type: 'numbers', rule: REAL },
    minItems: 1,
    required: true,
    description: 'One row per input dimension, one value per keyframe time.',
  },
} satisfies Fields;

export const INPUT_FIELDS = {
  dims: {
    type: 'number',
    rule: { integer: true, min: 1 },
    description: 'Input dimensions J; defaults to the number of rows given, and must match them.',
  },
  samples: {
    type: 'list',
    items: { type: 'numbers', rule: REAL },
    minItems: 1,
    description: 'x[t]: one row per input dimension, one value per step.',
  },
  keyframes: {
    type: 'object',
    fields: KEYFRAME_FIELDS,
    description:
      'x piecewise-linear in seconds: sample k is the value at k·dt, held constant outside the keyframes.',
  },
} satisfies Fields;

export const CURRENT_FIELDS = {
  t: {
    type: 'numbers',
    rule: REAL,
    minItems: 1,
    required: true,
    description: 'Times in seconds, non-decreasing.',
  },
  value: {
    type: 'numbers',
    rule: REAL,
    required: true,
    description: 'One value per time; sample k takes the value of the last time ≤ k·dt.',
  },
} satisfies Fields;

export const INITIAL_FIELDS = {
  V: {
    type: 'numbers',
    rule: REAL,
    broadcast: true,
    description: 'Initial voltages, one per neuron (rate model: in paper units).',
  },
  rates: {
    type: 'numbers',
    rule: { min: 0 },
    broadcast: true,
    description: 'Initial rates, one per neuron (rate model: in (0, 1)).',
  },
} satisfies Fields;

export const POPULATION_FIELDS = {
  name: { ...NAME, description: 'Unique population name; latents, readouts and encoders refer to it.' },
  size: {
    type: 'number',
    rule: { integer: true, min: 1, max: MAX_INDEX },
    required: true,
    description: 'Number of neurons.',
  },
  sign: { type: 'enum', values: SIGNS, required: true, description: 'Excitatory or inhibitory.' },
  leak: {
    type: 'number',
    rule: { above: 0 },
    default: DEFAULTS.leak,
    description: 'Leak rate λ (1/s); leak × dt from 1e-9 to 1.',
  },
  threshold: {
    type: 'numbers',
    rule: REAL,
    broadcast: true,
    required: true,
    description: 'Thresholds T, one per neuron (rate model: in paper units).',
  },
  inputWeights: {
    type: 'anyOf',
    options: [
      { type: 'number', rule: REAL },
      {
        type: 'list',
        items: {
          type: 'anyOf',
          options: [
            { type: 'number', rule: REAL },
            { type: 'numbers', rule: REAL },
          ],
        },
      },
    ],
    description:
      'F: one row of J weights per neuron (a bare number per neuron when J = 1), or one number for all; absent: no input.',
  },
  mu: { type: 'number', rule: { min: 0 }, default: DEFAULTS.mu, description: 'Spike cost μ (spiking only).' },
  sigmaV: {
    type: 'number',
    rule: { min: 0 },
    default: DEFAULTS.sigmaV,
    description: 'Voltage noise σ_V (spiking only).',
  },
  synapse: {
    type: 'tagged',
    tag: 'kind',
    variants: SYNAPSE_VARIANTS,
    default: DEFAULTS.synapse,
    description:
      'Synapse kind (spiking only): delta under the one-per-step and sequential rules, pulse or exponential under all.',
  },
  refractoryMs: {
    type: 'number',
    rule: { min: 0 },
    default: DEFAULTS.refractoryMs,
    description: 'Refractory period in ms (spiking only).',
  },
  selfReset: {
    type: 'enum',
    values: SELF_RESETS,
    default: DEFAULTS.selfReset,
    description: 'How a neuron resets itself after a spike (spiking only).',
  },
  clampAtThreshold: {
    type: 'boolean',
    default: DEFAULTS.clampAtThreshold,
    description: `Clamp voltages at the threshold (spiking only, spikeRule "${CLAMP_SPIKE_RULE}" only).`,
  },
  recurrence: { type: 'boolean', default: DEFAULTS.recurrence, description: 'Recurrent input on or off.' },
  priority: {
    type: 'number',
    rule: REAL,
    description: `Lower spikes first under one-per-step; default ${DEFAULTS.priorityInhibitory} if inhibitory, else ${DEFAULTS.priorityExcitatory}.`,
  },
  current: {
    type: 'object',
    fields: CURRENT_FIELDS,
    description: 'Piecewise-constant external current, the same for every neuron of the population.',
  },
  initial: {
    type: 'object',
    fields: INITIAL_FIELDS,
    exactlyOne: ['V', 'rates'],
    description: 'Initial state: voltages or rates.',
  },
} satisfies Fields;

export const LATENT_FIELDS = {
  name: { ...NAME, description: 'Unique latent name (a result file key).' },
  source: { ...NAME, description: 'The population whose spikes the channel decodes.' },
  decoder: {
    type: 'numbers',
    rule: { min: 0 },
    broadcast: true,
    required: true,
    description: 'Non-negative decoder, one per neuron of the source population.',
  },
} satisfies Fields;

export const READOUT_FIELDS = {
  name: { ...NAME, description: 'Unique readout name (a result file key).' },
  source: { ...NAME, description: 'The population read out.' },
  weights: {
    type: 'numbers',
    rule: REAL,
    broadcast: true,
    required: true,
    description: 'Signed weights, one per neuron of the source population.',
  },
} satisfies Fields;

export const READOUT_LEAK_FIELDS = {
  leak: {
    type: 'number',
    rule: { above: 0 },
    default: DEFAULTS.readoutLeak,
    description: 'Leak of the latent readout filter (1/s).',
  },
} satisfies Fields;

export const RECORD_FIELDS = {
  spikes: { type: 'boolean', default: DEFAULTS.record.spikes, description: 'Record spike events.' },
  latents: { type: 'boolean', default: DEFAULTS.record.latents, description: 'Record latent traces.' },
  every: {
    type: 'number',
    rule: { integer: true, min: 1 },
    default: DEFAULTS.record.every,
    description: 'Latents are sampled at t = 0, every, 2·every, …',
  },
} satisfies Fields;

/** Encoders of one channel, per neuron (signed; Dale's law unless allowDaleViolation). */
const ENCODER = { type: 'numbers', rule: REAL, broadcast: true } as const;

export const RUN_FIELDS = {
  $schema: {
    type: 'string',
    description: 'Where editors find the JSON Schema of this file; latentspike ignores it.',
  },
  format: { type: 'const', value: RUN_FORMAT, required: true, description: 'The format and its version.' },
  model: {
    type: 'enum',
    values: MODELS,
    default: DEFAULTS.model,
    description: 'Spiking network or its rate model.',
  },
  dt: { type: 'number', rule: { above: 0 }, required: true, description: 'Time step in seconds.' },
  steps: {
    type: 'number',
    rule: { integer: true, min: 2, max: MAX_INDEX },
    required: true,
    description: 'Number of samples S, t = 0 … S-1.',
  },
  seed: {
    type: 'number',
    rule: { integer: true, min: 0, max: 2 ** 53 },
    default: DEFAULTS.seed,
    description: 'Noise seed.',
  },
  trials: {
    type: 'number',
    rule: { integer: true, min: 1, max: MAX_INDEX },
    default: DEFAULTS.trials,
    description: 'Independent trials, differing only in their noise streams.',
  },
  spikeRule: {
    type: 'enum',
    values: SPIKE_RULES,
    default: DEFAULTS.spikeRule,
    description: 'Which neurons above threshold spike in a step (spiking only).',
  },
  beta: {
    type: 'number',
    rule: { above: 0 },
    default: DEFAULTS.beta,
    description: 'Sigmoid gain (rate model).',
  },
  allowDaleViolation: {
    type: 'boolean',
    default: DEFAULTS.allowDaleViolation,
    description: 'Accept encoders whose sign differs from their channel’s source population.',
  },
  input: {
    type: 'object',
    fields: INPUT_FIELDS,
    exactlyOne: ['samples', 'keyframes'],
    required: true,
    description: 'The input x[t]: samples or keyframes.',
  },
  populations: {
    type: 'list',
    items: { type: 'object', fields: POPULATION_FIELDS },
    minItems: 1,
    required: true,
    description: 'Populations, concatenated in file order.',
  },
  initialLatent: {
    type: 'map',
    values: { type: 'number', rule: REAL },
    description: 'Initial latent y0 by latent name.',
  },
  latents: {
    type: 'list',
    items: { type: 'object', fields: LATENT_FIELDS },
    required: true,
    description: 'Latent channels, each decoded from one population.',
  },
  encoders: {
    type: 'map',
    values: { type: 'map', values: ENCODER, description: 'Encoders by latent name.' },
    description: 'Encoders by population name, then latent name; absent: 0.',
  },
  readouts: {
    type: 'list',
    items: { type: 'object', fields: READOUT_FIELDS },
    description: 'Report-only signed readouts.',
  },
  readout: { type: 'object', fields: READOUT_LEAK_FIELDS, description: 'The latent readout filter.' },
  record: { type: 'object', fields: RECORD_FIELDS, description: 'What the result file records.' },
  meta: { type: 'anyObject', description: 'Free-form provenance (preset name, parameters); ignored.' },
} satisfies Fields;

/** Population fields that every population of the file must satisfy, as a schema over `populations`. */
function everyPopulation(properties: Schema, required: string[] = []): Schema {
  const population = { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
  return { type: 'object', properties: { populations: { type: 'array', items: population } } };
}

/** The file's spike rule is `rule`, given or by default. */
function spikeRuleIs(rule: SpikeRule): Schema {
  const is = { type: 'object', properties: { spikeRule: { const: rule } } };
  return rule === DEFAULTS.spikeRule ? is : { ...is, required: ['spikeRule'] };
}

const RATE_MODEL: Schema = { type: 'object', properties: { model: { const: 'rate' } }, required: ['model'] };

/**
 * The JSON Schema of a run file: the tables above, and the rules between fields that a schema can
 * state — the rate model's refusals, the synapse kinds of each spike rule (absent synapses are
 * delta), clampAtThreshold under one-per-step only. Lengths, names and Dale's law stay parse.ts's.
 */
export function runFileSchema(): Schema {
  const rate = {
    if: RATE_MODEL,
    then: {
      allOf: [
        { type: 'object', properties: { spikeRule: false } },
        everyPopulation({
          ...Object.fromEntries(RATE_REFUSED_POPULATION_KEYS.map((k) => [k, false])),
          initial: {
            type: 'object',
            properties: { rates: jsonSchema({ type: 'numbers', rule: RATE_INITIAL_RATES, broadcast: true }) },
          },
        }),
      ],
    },
  };
  const perSpikeRule = SPIKE_RULES.map((rule) => {
    const kinds = SPIKE_RULE_SYNAPSES[rule];
    return {
      if: { allOf: [{ not: RATE_MODEL }, spikeRuleIs(rule)] },
      then: everyPopulation(
        {
          synapse: { type: 'object', properties: { kind: { enum: kinds } } },
          ...(rule === CLAMP_SPIKE_RULE ? {} : { clampAtThreshold: { const: false } }),
        },
        kinds.includes(DEFAULTS.synapse.kind) ? [] : ['synapse'],
      ),
    };
  });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `latentspike run file (${RUN_FORMAT})`,
    description:
      'One network and one stimulus (docs/run-format.md). Generated from src/model/runFields.ts by `npm run schema`.',
    ...jsonSchema({ type: 'object', fields: RUN_FIELDS }, { maxMagnitude: MAX_MAGNITUDE }),
    allOf: [rate, ...perSpikeRule],
  };
}
