// The study file's fields (docs/studies.md) as data (model/fields.ts): studyFile.ts takes their keys,
// bounds and choices from these tables, and `studyFileSchema` writes schemas/study.schema.json from
// the same tables, the preset names, the scale functions and the run-file fields an axis may name.

import { jsonSchema, type Field, type Fields, type NumberRule, type Schema } from '../model/fields.ts';
import { POPULATION_FIELDS, RUN_FIELDS } from '../model/runFields.ts';
import { PRESETS } from '../experiments/presets/index.ts';
import { SCALE_FUNCTIONS } from '../experiments/scale/functions.ts';
import { BUILTIN_AXES, STUDY_FORMAT, type BuiltinAxis, type StudyBackend } from './types.ts';

export const STUDY_BACKENDS: readonly StudyBackend[] = ['cpu', 'webgpu', 'browser'];
/** Points one study may declare: a product past this is a typo more often than a plan. */
export const MAX_POINTS = 100_000;

/** Population fields an axis may name bare (`sigmaV` is short for `populations.*.sigmaV`). */
export const AXIS_POPULATION_FIELDS = [
  'leak',
  'threshold',
  'inputWeights',
  'mu',
  'sigmaV',
  'synapse',
  'refractoryMs',
  'selfReset',
  'clampAtThreshold',
  'recurrence',
  'priority',
] as const satisfies readonly (keyof typeof POPULATION_FIELDS)[];
/** Root fields an axis may name bare. */
export const AXIS_ROOT_FIELDS = [
  'dt',
  'steps',
  'spikeRule',
  'beta',
  'allowDaleViolation',
  'model',
] as const satisfies readonly (keyof typeof RUN_FIELDS)[];

/** The values each built-in axis takes; counts (`ROUNDED_AXES`) are rounded to whole numbers. */
export const BUILTIN_AXIS_RULES: Record<Exclude<BuiltinAxis, 'backend'>, NumberRule & { min: number }> = {
  redundancy: { min: 1 },
  seed: { integer: true, min: 0, max: 2 ** 53 },
  threads: { min: 1 },
  jitter: { min: 0 },
  trials: { min: 1 },
  costCorrection: { min: 0 },
};
export const ROUNDED_AXES: readonly BuiltinAxis[] = ['redundancy', 'threads', 'trials'];

const BUILTIN_AXIS_ABOUT: Record<BuiltinAxis, string> = {
  redundancy:
    'm-fold copies of every neuron, decoders D/m, thresholds spread by jitter (rounded to whole copies)',
  seed: 'the run file’s noise seed',
  backend: 'the backend a point runs on',
  threads: 'CPU-engine threads per point (rounded)',
  jitter: 'threshold spread of redundant copies, in units of one copy’s spike jump',
  trials: 'trials per point (rounded)',
  costCorrection: 'k: each neuron’s encoder on its own latent raised by k·μ/d',
};

const SCALAR: Field = {
  type: 'anyOf',
  options: [{ type: 'number', rule: {} }, { type: 'string' }, { type: 'boolean' }],
};

/** `{ log | linear: [a, b], count }`: count values from a to b. */
function range(kind: 'log' | 'linear'): Field {
  return {
    type: 'object',
    fields: {
      [kind]: {
        type: 'numbers',
        rule: kind === 'log' ? { above: 0 } : {},
        minItems: 2,
        maxItems: 2,
        required: true,
        description: '[from, to]',
      },
      count: { type: 'number', rule: { integer: true, min: 1, max: MAX_POINTS }, required: true },
    },
  };
}

/** An axis's values: one value, a list, or (numbers only) a log or linear range. */
function axisValues(value: Field, description: string): Field {
  const numeric = value.type === 'number' || value === SCALAR;
  return {
    type: 'anyOf',
    options: [
      value,
      { type: 'list', items: value, minItems: 1 },
      ...(numeric ? [range('log'), range('linear')] : []),
    ],
    description,
  };
}

/** One value of an axis named after a run-file field: the field's own type, one value for all. */
function fieldValue(field: Field): Field {
  switch (field.type) {
    case 'number':
    case 'numbers':
      return { type: 'number', rule: field.rule };
    case 'enum':
      return { type: 'enum', values: field.values };
    case 'boolean':
      return { type: 'boolean' };
    default:
      return SCALAR;
  }
}

const AXES: Field = {
  type: 'map',
  fields: {
    ...Object.fromEntries(
      BUILTIN_AXES.map((name) => [
        name,
        axisValues(
          name === 'backend'
            ? { type: 'enum', values: STUDY_BACKENDS }
            : { type: 'number', rule: BUILTIN_AXIS_RULES[name] },
          `Built-in axis: ${BUILTIN_AXIS_ABOUT[name]}.`,
        ),
      ]),
    ),
    ...Object.fromEntries(
      AXIS_ROOT_FIELDS.map((name) => [
        name,
        axisValues(fieldValue(RUN_FIELDS[name]), `Run-file field ${name}: ${RUN_FIELDS[name].description}`),
      ]),
    ),
    ...Object.fromEntries(
      AXIS_POPULATION_FIELDS.map((name) => [
        name,
        axisValues(
          fieldValue(POPULATION_FIELDS[name]),
          `Short for populations.*.${name}: ${POPULATION_FIELDS[name].description}`,
        ),
      ]),
    ),
  },
  pattern: '^[^.]+(\\.[^.]+)+$',
  values: axisValues(
    SCALAR,
    'A run-file path: dot-separated fields, and over an array an index, * or an element’s name.',
  ),
  description:
    'Axis name → values: built-in axes, run-file fields, or run-file paths such as populations.0.synapse.widthMs.',
};

const PRESET_NAMES = PRESETS.map((p) => p.name);

export const BASE_PRESET_FIELDS = {
  name: { type: 'enum', values: PRESET_NAMES, required: true, description: 'The preset.' },
  index: {
    type: 'number',
    rule: { integer: true, min: 0 },
    nullable: true,
    default: 0,
    description: 'Which of a multi-run preset’s run files.',
  },
} satisfies Fields;

export const BASE_SCALE_FIELDS = {
  function: {
    type: 'enum',
    values: SCALE_FUNCTIONS,
    nullable: true,
    default: 'fig5',
    description: 'The function the scale recipe approximates.',
  },
} satisfies Fields;

export const BASE_FIELDS = {
  preset: { type: 'object', fields: BASE_PRESET_FIELDS },
  runFile: { type: 'string', description: 'A run file, relative to the study file.' },
  scale: { type: 'object', fields: BASE_SCALE_FIELDS },
} satisfies Fields;

export const SAMPLE_FIELDS = {
  count: {
    type: 'number',
    rule: { integer: true, min: 1 },
    required: true,
    description: 'Points drawn (all when the grid has no more).',
  },
  seed: {
    type: 'number',
    rule: { integer: true, min: 0 },
    nullable: true,
    default: 0,
    description: 'Seed of the draw.',
  },
} satisfies Fields;

/** Integers per point; null or absent: the base's own (or, for threads, the cores shared out). */
const perPoint = (min: number, description: string, max?: number) => ({
  type: 'number' as const,
  rule: { integer: true, min, ...(max === undefined ? {} : { max }) },
  nullable: true,
  description,
});

export const STUDY_FIELDS = {
  $schema: {
    type: 'string',
    description: 'Where editors find the JSON Schema of this file; latentspike ignores it.',
  },
  format: { type: 'const', value: STUDY_FORMAT, required: true, description: 'The format and its version.' },
  name: {
    type: 'string',
    pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
    required: true,
    description: '1–64 letters, digits, _ . -',
  },
  description: { type: 'string', description: 'Free text.' },
  base: {
    type: 'anyOf',
    options: [
      { type: 'enum', values: PRESET_NAMES },
      { type: 'string', pattern: '\\.json$' },
      { type: 'object', fields: BASE_FIELDS, exactlyOne: Object.keys(BASE_FIELDS) },
    ],
    required: true,
    description: 'A preset name, a run file (x.json, relative to this file), or { scale: { function } }.',
  },
  axes: AXES,
  zip: {
    type: 'list',
    items: { type: 'list', items: { type: 'string' }, minItems: 2 },
    description: 'Groups of axes that advance together, e.g. [[dt, steps]].',
  },
  sample: {
    type: 'object',
    fields: SAMPLE_FIELDS,
    description: 'A seeded random sample of count points from the grid.',
  },
  backend: { type: 'enum', values: STUDY_BACKENDS, default: 'cpu', description: 'Where the points run.' },
  steps: perPoint(2, 'Steps per point, overriding the base’s.'),
  trials: perPoint(1, 'Trials per point, overriding the base’s.'),
  threads: perPoint(1, 'CPU-engine threads per point.'),
  jitter: {
    type: 'number',
    rule: { min: 0 },
    default: 1,
    description: 'Threshold spread of redundant copies, in units of one copy’s spike jump.',
  },
  every: perPoint(1, 'Latents recorded every this many steps, overriding the base’s.'),
  retries: perPoint(0, 'Attempts a failed point gets beyond the first.', 100),
  kernelTimes: {
    type: 'boolean',
    default: false,
    description: 'WebGPU points time each kernel into the gpu_us_* columns.',
  },
  maxNeurons: perPoint(1, 'Points above this many neurons are left out.'),
} satisfies Fields;

/**
 * The JSON Schema of a study file: the tables above. What depends on the base (run-file paths that
 * exist, every point's run file) or on other fields (zip names, zipped lengths) stays studyFile.ts's.
 */
export function studyFileSchema(): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `latentspike study file (${STUDY_FORMAT})`,
    description:
      'A declared sweep (docs/studies.md). Generated from src/study/studyFields.ts by `npm run schema`.',
    ...jsonSchema({ type: 'object', fields: STUDY_FIELDS }),
  };
}
