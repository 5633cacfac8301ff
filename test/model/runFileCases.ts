// Run files for the parser's tests and the schema's: two small valid files, and files the parser
// refuses — each with the path it names and words its message contains (test/model/parse.test.ts);
// test/model/schema.test.ts checks which of them the JSON Schema refuses too.
import type { RunFileJson } from '../../src/model/runFile.ts';

export type Loose = Record<string, unknown>;

export const STEPS = 4;

/** One inhibitory population of 3 neurons and one channel: the smallest file worth simulating. */
export function base(): RunFileJson {
  return {
    format: 'latentspike/run@1',
    dt: 1e-4,
    steps: STEPS,
    input: { samples: [[0, 0.25, 0.5, 0.75]] },
    populations: [
      { name: 'I', size: 3, sign: 'inhibitory', threshold: [0.5, 0.6, 0.7], inputWeights: [1, 2, 3] },
    ],
    latents: [{ name: 'yI', source: 'I', decoder: [0.1, 0.2, 0.3] }],
    encoders: { I: { yI: [-1, -2, -3] } },
  };
}

/** E (2 neurons) and I (3 neurons) coupled through channels yE and yI, Dale-consistent. */
export function eiBase(): RunFileJson {
  const f = base();
  f.populations.unshift({ name: 'E', size: 2, sign: 'excitatory', threshold: 0.5, inputWeights: 1 });
  f.latents.unshift({ name: 'yE', source: 'E', decoder: [0.5, 0.5] });
  f.encoders = { E: { yE: [1, 2], yI: -1 }, I: { yE: 1, yI: -1 } };
  return f;
}

export function edit(make: () => RunFileJson, change: (f: RunFileJson) => void): RunFileJson {
  const f = structuredClone(make());
  change(f);
  return f;
}

/** For assigning values of the wrong type, which RunFileJson rightly forbids. */
export function loose(obj: object): Loose {
  return obj as Loose;
}

/** [description, file, path, words the message must contain]. */
export type Case = [string, () => unknown, string, ...string[]];

export const b = (change: (f: RunFileJson) => void) => () => edit(base, change);
export const ei = (change: (f: RunFileJson) => void) => () => edit(eiBase, change);
export const pop0 = (change: (p: Loose) => void) => b((f) => change(loose(f.populations[0])));

export const refusals: Case[] = [
  // Top level.
  ['a non-object file', () => [], '(root)', 'object'],
  ['a wrong format', b((f) => (f.format = 'latentspike/run@2')), 'format', 'latentspike/run@1'],
  ['a missing format', b((f) => delete loose(f).format), 'format', 'missing'],
  ['an unknown model', b((f) => (loose(f).model = 'lif')), 'model', 'spiking, rate'],
  ['an unknown top-level key', b((f) => (loose(f).sigmav = 0)), 'sigmav', 'unknown field', 'allowed:'],
  ['a missing dt', b((f) => delete loose(f).dt), 'dt', 'missing'],
  ['dt = 0', b((f) => (f.dt = 0)), 'dt', '> 0'],
  ['dt as a string', b((f) => (loose(f).dt = '1e-4')), 'dt', 'number', '"1e-4"'],
  ['dt = Infinity', b((f) => (f.dt = Infinity)), 'dt', 'finite'],
  ['steps not an integer', b((f) => (f.steps = 3.5)), 'steps', 'integer'],
  ['steps < 2', b((f) => (f.steps = 1)), 'steps', '>= 2'],
  ['trials = 0', b((f) => (f.trials = 0)), 'trials', '>= 1'],
  ['trials not an integer', b((f) => (f.trials = 1.5)), 'trials', 'integer'],
  ['a negative seed', b((f) => (f.seed = -1)), 'seed', '>= 0'],
  ['a seed above 2^53', b((f) => (f.seed = 2 ** 53 + 2)), 'seed', '<='],
  ['a fractional seed', b((f) => (f.seed = 0.5)), 'seed', 'integer'],
  [
    'an unknown spike rule',
    b((f) => (loose(f).spikeRule = 'fast')),
    'spikeRule',
    '"fast"',
    'one-per-step, all, sequential',
  ],
  [
    'allowDaleViolation not a boolean',
    b((f) => (loose(f).allowDaleViolation = 1)),
    'allowDaleViolation',
    'true or false',
  ],
  ['meta not an object', b((f) => (loose(f).meta = 'x')), 'meta', 'object'],

  // Input.
  ['a missing input', b((f) => delete loose(f).input), 'input', 'missing'],
  ['input with neither samples nor keyframes', b((f) => (f.input = {})), 'input', 'samples or keyframes'],
  [
    'input with both samples and keyframes',
    b((f) => (f.input.keyframes = { t: [0], x: [[0]] })),
    'input',
    'samples or keyframes',
  ],
  ['an unknown input key', b((f) => (loose(f.input).sample = [])), 'input.sample', 'unknown field'],
  ['samples shorter than steps', b((f) => (f.input.samples = [[0, 0, 0]])), 'input.samples[0]', '4 values'],
  [
    'a null sample',
    b((f) => (loose(f.input.samples![0])[2] = null)),
    'input.samples[0][2]',
    'number',
    'null',
  ],
  ['an infinite sample', b((f) => (f.input.samples![0][1] = -Infinity)), 'input.samples[0][1]', 'finite'],
  ['no sample rows', b((f) => (f.input.samples = [])), 'input.samples', 'at least one row'],
  ['dims not matching the rows', b((f) => (f.input.dims = 2)), 'input.dims', 'must match'],
  ['dims = 0', b((f) => (f.input.dims = 0)), 'input.dims', '>= 1'],
  [
    'keyframe x of another length than t',
    b((f) => (f.input = { keyframes: { t: [0, 0.1], x: [[0, 1, 2]] } })),
    'input.keyframes.x[0]',
    '2 values',
  ],
  [
    'keyframe times not increasing',
    b((f) => (f.input = { keyframes: { t: [0, 0.1, 0.1], x: [[0, 1, 2]] } })),
    'input.keyframes.t[2]',
    'increasing',
  ],
  [
    'keyframes without t',
    b((f) => (f.input = loose({ keyframes: { x: [[0]] } }))),
    'input.keyframes.t',
    'missing',
  ],
  [
    'keyframe dims not matching the rows',
    b((f) => (f.input = { dims: 2, keyframes: { t: [0], x: [[0]] } })),
    'input.dims',
    'input.keyframes.x',
  ],

  // Populations.
  ['no populations', b((f) => (f.populations = [])), 'populations', 'at least one'],
  ['populations not an array', b((f) => (loose(f).populations = {})), 'populations', 'array'],
  [
    'an unknown population key',
    pop0((p) => (p.sigmav = 0.1)),
    'populations[0].sigmav',
    'unknown field',
    'sigmaV',
  ],
  ['a missing name', pop0((p) => delete p.name), 'populations[0].name', 'missing'],
  ['an empty name', pop0((p) => (p.name = '')), 'populations[0].name', 'non-empty string'],
  ['size 0', pop0((p) => (p.size = 0)), 'populations[0].size', '>= 1'],
  ['a fractional size', pop0((p) => (p.size = 2.5)), 'populations[0].size', 'integer'],
  ['an unknown sign', pop0((p) => (p.sign = 'positive')), 'populations[0].sign', 'excitatory, inhibitory'],
  ['a missing threshold', pop0((p) => delete p.threshold), 'populations[0].threshold', 'missing'],
  [
    'a short threshold',
    pop0((p) => (p.threshold = [1, 2])),
    'populations[0].threshold',
    '3 values',
    'population I',
  ],
  ['a string threshold', pop0((p) => (p.threshold = [1, '2', 3])), 'populations[0].threshold[1]', 'number'],
  [
    'a boolean threshold',
    pop0((p) => (p.threshold = true)),
    'populations[0].threshold',
    'a number or an array of 3 numbers',
  ],
  ['leak = 0', pop0((p) => (p.leak = 0)), 'populations[0].leak', '> 0'],
  ['a negative sigmaV', pop0((p) => (p.sigmaV = -0.1)), 'populations[0].sigmaV', '>= 0'],
  ['a negative mu', pop0((p) => (p.mu = -1)), 'populations[0].mu', '>= 0'],
  ['a negative refractoryMs', pop0((p) => (p.refractoryMs = -1)), 'populations[0].refractoryMs', '>= 0'],
  ['an unknown selfReset', pop0((p) => (p.selfReset = 'slow')), 'populations[0].selfReset', 'fast, synaptic'],
  [
    'recurrence not a boolean',
    pop0((p) => (p.recurrence = 'yes')),
    'populations[0].recurrence',
    'true or false',
  ],
  ['an infinite priority', pop0((p) => (p.priority = Infinity)), 'populations[0].priority', 'finite'],
  [
    'too few inputWeights rows',
    pop0((p) => (p.inputWeights = [1, 2])),
    'populations[0].inputWeights',
    '3 values',
  ],
  [
    'an inputWeights row of the wrong length',
    pop0((p) => (p.inputWeights = [[1], [2, 3], [4]])),
    'populations[0].inputWeights[1]',
    '1 values',
    'dims = 1',
  ],
  [
    'a flat inputWeights row when dims = 2',
    b((f) => {
      f.input = {
        samples: [
          [0, 0, 0, 0],
          [1, 1, 1, 1],
        ],
      };
      f.populations[0].inputWeights = [1, 2, 3];
    }),
    'populations[0].inputWeights[0]',
    'array',
  ],
  [
    'a null inputWeight',
    pop0((p) => (p.inputWeights = [1, null, 3])),
    'populations[0].inputWeights[1]',
    'number',
  ],
  [
    'duplicate population names',
    b((f) => f.populations.push({ ...f.populations[0] })),
    'populations[1].name',
    'duplicate',
    '"I"',
  ],

  // Synapses and spike rules.
  [
    'an unknown synapse kind',
    pop0((p) => (p.synapse = { kind: 'alpha' })),
    'populations[0].synapse.kind',
    'delta, pulse, exponential',
  ],
  [
    'a pulse without widthMs',
    pop0((p) => (p.synapse = { kind: 'pulse' })),
    'populations[0].synapse.widthMs',
    'missing',
  ],
  [
    'a pulse with widthMs = 0',
    pop0((p) => (p.synapse = { kind: 'pulse', widthMs: 0 })),
    'populations[0].synapse.widthMs',
    '> 0',
  ],
  [
    'a pulse shorter than one step',
    pop0((p) => (p.synapse = { kind: 'pulse', widthMs: 0.05 })),
    'populations[0].synapse.widthMs',
    'at least one step',
  ],
  [
    'an exponential synapse without rate',
    pop0((p) => (p.synapse = { kind: 'exponential' })),
    'populations[0].synapse.rate',
    'missing',
  ],
  [
    'an exponential synapse with rate <= 0',
    pop0((p) => (p.synapse = { kind: 'exponential', rate: -5 })),
    'populations[0].synapse.rate',
    '> 0',
  ],
  [
    'a field of another synapse kind',
    pop0((p) => (p.synapse = { kind: 'delta', rate: 5 })),
    'populations[0].synapse.rate',
    'unknown field',
  ],
  [
    'one-per-step with pulse synapses',
    ei((f) => (f.populations[1].synapse = { kind: 'pulse', widthMs: 2 })),
    'spikeRule',
    '"one-per-step"',
    'population I',
    '"pulse"',
  ],
  [
    'sequential with exponential synapses',
    ei((f) => {
      f.spikeRule = 'sequential';
      f.populations[0].synapse = { kind: 'exponential', rate: 200 };
    }),
    'spikeRule',
    '"sequential"',
    'population E',
    '"exponential"',
  ],
  [
    'all with delta synapses',
    ei((f) => {
      f.spikeRule = 'all';
      f.populations[0].synapse = { kind: 'pulse', widthMs: 2 };
    }),
    'spikeRule',
    '"all"',
    'population I',
    '"delta"',
  ],
  [
    'clampAtThreshold under the all rule',
    b((f) => {
      f.spikeRule = 'all';
      f.populations[0].synapse = { kind: 'pulse', widthMs: 2 };
      f.populations[0].clampAtThreshold = true;
    }),
    'populations[0].clampAtThreshold',
    'one-per-step',
    '"all"',
  ],
  [
    'clampAtThreshold under the sequential rule',
    b((f) => {
      f.spikeRule = 'sequential';
      f.populations[0].clampAtThreshold = true;
    }),
    'populations[0].clampAtThreshold',
    '"sequential"',
  ],

  // Current and initial state.
  [
    'current t and value of different lengths',
    pop0((p) => (p.current = { t: [0, 0.1], value: [1] })),
    'populations[0].current.value',
    '2 values',
  ],
  [
    'current t decreasing',
    pop0((p) => (p.current = { t: [0.1, 0], value: [1, 2] })),
    'populations[0].current.t[1]',
    'non-decreasing',
  ],
  ['current without value', pop0((p) => (p.current = { t: [0] })), 'populations[0].current.value', 'missing'],
  [
    'initial with both V and rates',
    pop0((p) => (p.initial = { V: 0, rates: 0 })),
    'populations[0].initial',
    'V or rates',
  ],
  ['initial with neither', pop0((p) => (p.initial = {})), 'populations[0].initial', 'V or rates'],
  ['a short initial.V', pop0((p) => (p.initial = { V: [0, 0] })), 'populations[0].initial.V', '3 values'],
  [
    'a short initial.rates',
    pop0((p) => (p.initial = { rates: [0] })),
    'populations[0].initial.rates',
    '3 values',
  ],
  [
    'a negative spiking initial rate',
    pop0((p) => (p.initial = { rates: [0, -1, 0] })),
    'populations[0].initial.rates[1]',
    '>= 0',
  ],
  [
    'an unknown initial key',
    pop0((p) => (p.initial = { v: 0 })),
    'populations[0].initial.v',
    'unknown field',
  ],

  // Latents, decoders, encoders, readouts.
  ['a missing latents list', b((f) => delete loose(f).latents), 'latents', 'missing'],
  [
    'an unknown latent source',
    b((f) => (f.latents[0].source = 'X')),
    'latents[0].source',
    '"X"',
    'allowed: I',
  ],
  [
    'a negative decoder',
    b((f) => (f.latents[0].decoder = [0.1, 0.2, -0.3])),
    'latents[0].decoder[2]',
    '>= 0',
  ],
  ['a negative scalar decoder', b((f) => (f.latents[0].decoder = -1)), 'latents[0].decoder', '>= 0'],
  [
    'a decoder of the wrong size',
    b((f) => (f.latents[0].decoder = [1, 2])),
    'latents[0].decoder',
    '3 values',
  ],
  [
    'a decoder sized for the wrong population',
    ei((f) => (f.latents[0].decoder = [1, 1, 1])),
    'latents[0].decoder',
    '2 values',
    'population E',
  ],
  ['a missing decoder', b((f) => delete loose(f.latents[0]).decoder), 'latents[0].decoder', 'missing'],
  [
    'duplicate latent names',
    b((f) => f.latents.push({ name: 'yI', source: 'I', decoder: 0 })),
    'latents[1].name',
    'duplicate',
  ],
  [
    'an unknown latent key',
    b((f) => (loose(f.latents[0]).decoders = 1)),
    'latents[0].decoders',
    'unknown field',
  ],
  ['encoders for an unknown population', b((f) => (f.encoders!.X = {})), 'encoders.X', '"X"', 'population'],
  [
    'encoders for an unknown latent',
    b((f) => (f.encoders!.I.yE = -1)),
    'encoders.I.yE',
    'unknown latent "yE"',
    'allowed: yI',
  ],
  ['encoders of the wrong size', b((f) => (f.encoders!.I.yI = [-1, -1])), 'encoders.I.yI', '3 values'],
  ['a non-finite encoder', b((f) => (f.encoders!.I.yI = [-1, -Infinity, -1])), 'encoders.I.yI[1]', 'finite'],
  ['an unknown initialLatent', b((f) => (f.initialLatent = { yE: 1 })), 'initialLatent.yE', 'unknown latent'],
  [
    'a non-number initialLatent',
    b((f) => (loose(f).initialLatent = { yI: '1' })),
    'initialLatent.yI',
    'number',
  ],
  [
    'an unknown readout source',
    b((f) => (f.readouts = [{ name: 'r', source: 'E', weights: 1 }])),
    'readouts[0].source',
    '"E"',
  ],
  [
    'readout weights of the wrong size',
    b((f) => (f.readouts = [{ name: 'r', source: 'I', weights: [1] }])),
    'readouts[0].weights',
    '3 values',
  ],
  [
    'duplicate readout names',
    b((f) => (f.readouts = [1, 2].map(() => ({ name: 'r', source: 'I', weights: 1 })))),
    'readouts[1].name',
    'duplicate',
  ],
  ['readout.leak = 0', b((f) => (f.readout = { leak: 0 })), 'readout.leak', '> 0'],
  ['record.every = 0', b((f) => (f.record = { every: 0 })), 'record.every', '>= 1'],
  ['a fractional record.every', b((f) => (f.record = { every: 1.5 })), 'record.every', 'integer'],
  ['an unknown record key', b((f) => (loose(f).record = { spike: true })), 'record.spike', 'unknown field'],
  // Limits that keep every accepted file finite and indexable (found by test/model/fuzzRunFile.test.ts).
  ['a decoder of 1e308', b((f) => (f.latents[0].decoder = 1e308)), 'latents[0].decoder', '1000000000000'],
  ['a threshold of -1e13', pop0((p) => (p.threshold = [0.5, -1e13, 0.7])), 'populations[0].threshold[1]'],
  ['leak × dt above one', b((f) => (f.dt = 0.02)), 'dt', 'leak × dt', '100 by default', '= 2'],
  ['leak × dt below 1e-9', pop0((p) => (p.leak = 1e-7)), 'populations[0].leak', 'leak × dt', '1e-11'],
  [
    'an exponential synapse decaying faster than a step',
    b((f) => {
      f.spikeRule = 'all';
      f.populations[0].synapse = { kind: 'exponential', rate: 2e4 };
    }),
    'populations[0].synapse.rate',
    'synaptic decay rate × dt',
  ],
  ['a population of 2^31 neurons', pop0((p) => (p.size = 2 ** 31)), 'populations[0].size', '<= 2147483647'],
  ['2^31 steps', b((f) => (f.steps = 2 ** 31)), 'steps', '<= 2147483647'],
  ['an empty key', b((f) => (loose(f)[''] = 1)), '[""]', 'unknown field'],
  ['a key with a dot', b((f) => (loose(f.input)['a.b'] = 1)), 'input["a.b"]', 'unknown field'],
  [
    'a key with invisible characters, escaped',
    b((f) => (loose(f)['x\u202e\n'] = 1)),
    '["x\\u202e\\n"]',
    'unknown field',
  ],
  [
    'a unicode population name, kept plain',
    b((f) => (f.encoders = { Ι: { yI: -1 } })),
    'encoders.Ι',
    'unknown population "Ι"',
  ],
];
