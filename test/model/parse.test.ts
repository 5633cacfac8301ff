import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../src/model/compile.ts';
import { DEFAULTS } from '../../src/model/defaults.ts';
import { EXIT_BAD_INPUT, RunFileError } from '../../src/model/errors.ts';
import { parseRunFile, parseRunFileText } from '../../src/model/parse.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';
import { STEPS, base, edit, ei, eiBase, loose, refusals } from './runFileCases.ts';

function refusal(file: unknown): RunFileError {
  try {
    parseRunFile(file);
  } catch (e) {
    expect(e).toBeInstanceOf(RunFileError);
    return e as RunFileError;
  }
  throw new Error('parseRunFile accepted the file');
}

/** The file is refused at `path`, with a message that starts with the path and contains `words`. */
function expectRefused(file: unknown, path: string, ...words: string[]): void {
  const err = refusal(file);
  expect(err.path).toBe(path);
  expect(err.message.startsWith(`${path}: `)).toBe(true);
  for (const w of words) expect(err.message).toContain(w);
}

describe('RunFileError', () => {
  it('formats path and problem, and the CLI exit status is 2', () => {
    const err = new RunFileError('populations[1].threshold[3]', 'must be a number (got null)');
    expect(err.message).toBe('populations[1].threshold[3]: must be a number (got null)');
    expect(err.path).toBe('populations[1].threshold[3]');
    expect(err.problem).toBe('must be a number (got null)');
    expect(err).toBeInstanceOf(Error);
    expect(EXIT_BAD_INPUT).toBe(2);
  });
});

describe('parseRunFile: a valid minimal file', () => {
  const spec = parseRunFile(base());
  const pop = spec.populations[0];

  it('fills every network default as RUN_FORMAT.md tabulates it', () => {
    expect(spec.model).toBe('spiking');
    expect(spec.seed).toBe(0);
    expect(spec.trials).toBe(1);
    expect(spec.spikeRule).toBe('one-per-step');
    expect(spec.allowDaleViolation).toBe(false);
    expect(spec.beta).toBe(DEFAULTS.beta);
    expect(spec.readoutLeak).toBe(100);
    expect(spec.record).toEqual({ spikes: true, latents: true, every: 1 });
    expect(spec.readouts).toEqual([]);
    expect(spec.initialLatent).toBeNull();
    expect(spec.meta).toEqual({});
  });

  it('fills every population default as RUN_FORMAT.md tabulates it', () => {
    expect(pop.leak).toBe(100);
    expect(pop.mu).toBe(0);
    expect(pop.sigmaV).toBe(0);
    expect(pop.synapse).toEqual({ kind: 'delta' });
    expect(pop.refractoryMs).toBe(0);
    expect(pop.selfReset).toBe('fast');
    expect(pop.clampAtThreshold).toBe(false);
    expect(pop.recurrence).toBe(true);
    expect(pop.priority).toBe(0);
    expect(pop.current).toBeNull();
    expect(pop.initial).toBeNull();
  });

  it('keeps the given values', () => {
    expect(spec.dt).toBe(1e-4);
    expect(spec.steps).toBe(STEPS);
    expect(spec.input).toEqual({
      dims: 1,
      kind: 'samples',
      samples: [new Float64Array([0, 0.25, 0.5, 0.75])],
    });
    expect(pop).toMatchObject({ name: 'I', size: 3, sign: 'inhibitory' });
    expect(pop.threshold).toEqual(new Float64Array([0.5, 0.6, 0.7]));
    expect(pop.inputWeights).toEqual(new Float64Array([1, 2, 3]));
    expect(spec.latents).toEqual([{ name: 'yI', source: 0, decoder: new Float64Array([0.1, 0.2, 0.3]) }]);
    expect(spec.encoders).toEqual([[new Float64Array([-1, -2, -3])]]);
  });

  it('gives excitatory populations priority 1, resolves sources, fills absent encoders with zeros', () => {
    const ei = parseRunFile(edit(eiBase, (f) => delete f.encoders!.I.yE));
    expect(ei.populations.map((p) => p.priority)).toEqual([1, 0]);
    expect(ei.latents.map((l) => l.source)).toEqual([0, 1]);
    expect(ei.encoders[0]).toEqual([new Float64Array([1, 2]), new Float64Array([-1, -1])]);
    expect(ei.encoders[1]).toEqual([new Float64Array(3), new Float64Array([-1, -1, -1])]);
  });

  it('lays encoders out as compileNetwork reads them (population p, channel l)', () => {
    const net = compileNetwork(parseRunFile(eiBase()));
    expect([net.N, net.L]).toEqual([5, 2]);
    // Rows are neurons E0, E1, I0, I1, I2; columns channels yE, yI.
    expect(net.encoders).toEqual(new Float64Array([1, -1, 2, -1, 1, -1, 1, -1, 1, -1]));
  });

  it('accepts explicit values for every optional field', () => {
    const s = parseRunFile(
      edit(eiBase, (f) => {
        Object.assign(f, { seed: 7, trials: 3, spikeRule: 'all', beta: 10, allowDaleViolation: true });
        Object.assign(f.populations[0], { synapse: { kind: 'pulse', widthMs: 2.5 }, refractoryMs: 1 });
        Object.assign(f.populations[1], {
          synapse: { kind: 'exponential', rate: 200 },
          leak: 50,
          mu: 0.1,
          sigmaV: 0.2,
          selfReset: 'synaptic',
          recurrence: false,
          priority: 5,
          current: { t: [0, 0.1, 0.1], value: [0, 1, 2] },
          initial: { rates: [0, 1, 2] },
        });
        f.populations[0].initial = { V: 0.3 };
        f.initialLatent = { yI: 2 };
        f.readouts = [{ name: 'null', source: 'E', weights: [-0.5, 0.5] }];
        f.readout = { leak: 50 };
        f.record = { spikes: false, every: 10 };
        f.meta = { preset: 'x' };
      }),
    );
    expect([s.seed, s.trials, s.spikeRule, s.beta, s.allowDaleViolation]).toEqual([7, 3, 'all', 10, true]);
    const [E, I] = s.populations;
    expect(E.synapse).toEqual({ kind: 'pulse', widthMs: 2.5 });
    expect(E.initial).toEqual({ V: new Float64Array([0.3, 0.3]) });
    expect(I).toMatchObject({ leak: 50, mu: 0.1, sigmaV: 0.2, selfReset: 'synaptic', recurrence: false });
    expect(I.priority).toBe(5);
    expect(I.synapse).toEqual({ kind: 'exponential', rate: 200 });
    expect(I.current).toEqual({ t: new Float64Array([0, 0.1, 0.1]), value: new Float64Array([0, 1, 2]) });
    expect(I.initial).toEqual({ rates: new Float64Array([0, 1, 2]) });
    expect(s.initialLatent).toEqual(new Float64Array([0, 2]));
    expect(s.readouts).toEqual([{ name: 'null', source: 0, weights: new Float64Array([-0.5, 0.5]) }]);
    expect(s.readoutLeak).toBe(50);
    expect(s.record).toEqual({ spikes: false, latents: true, every: 10 });
    expect(s.meta).toEqual({ preset: 'x' });
  });
});

describe('parseRunFile: broadcasting and input forms', () => {
  it('broadcasts single numbers over neurons', () => {
    const s = parseRunFile(
      edit(base, (f) => {
        Object.assign(f.populations[0], { threshold: 0.4, inputWeights: 2, initial: { V: 0.1 } });
        f.latents[0].decoder = 0.2;
        f.encoders = { I: { yI: -1.5 } };
      }),
    );
    const p = s.populations[0];
    expect(p.threshold).toEqual(new Float64Array([0.4, 0.4, 0.4]));
    expect(p.inputWeights).toEqual(new Float64Array([2, 2, 2]));
    expect(p.initial).toEqual({ V: new Float64Array([0.1, 0.1, 0.1]) });
    expect(s.latents[0].decoder).toEqual(new Float64Array([0.2, 0.2, 0.2]));
    expect(s.encoders[0][0]).toEqual(new Float64Array([-1.5, -1.5, -1.5]));
  });

  it('reads inputWeights as rows of J numbers (row-major), and a number over every dimension', () => {
    const twoDims = (f: RunFileJson) => {
      f.input = {
        samples: [
          [0, 0, 0, 0],
          [1, 1, 1, 1],
        ],
      };
    };
    const rows = parseRunFile(
      edit(base, (f) => {
        twoDims(f);
        f.populations[0].inputWeights = [
          [1, 2],
          [3, 4],
          [5, 6],
        ];
      }),
    );
    expect(rows.input.dims).toBe(2);
    expect(rows.populations[0].inputWeights).toEqual(new Float64Array([1, 2, 3, 4, 5, 6]));
    const one = parseRunFile(edit(base, (f) => (twoDims(f), (f.populations[0].inputWeights = -1))));
    expect(one.populations[0].inputWeights).toEqual(new Float64Array(6).fill(-1));
  });

  it('accepts one-element rows when dims = 1, and zero input weights when absent', () => {
    const rows = parseRunFile(edit(base, (f) => (f.populations[0].inputWeights = [[1], [2], [3]])));
    expect(rows.populations[0].inputWeights).toEqual(new Float64Array([1, 2, 3]));
    const none = parseRunFile(edit(base, (f) => delete f.populations[0].inputWeights));
    expect(none.populations[0].inputWeights).toEqual(new Float64Array(3));
  });

  it('parses keyframes, with dims from the rows', () => {
    const s = parseRunFile(
      edit(base, (f) => {
        f.input = { keyframes: { t: [0, 0.05, 0.2999], x: [[-1, -1, 1]] } };
      }),
    );
    expect(s.input).toEqual({
      dims: 1,
      kind: 'keyframes',
      t: new Float64Array([0, 0.05, 0.2999]),
      x: [new Float64Array([-1, -1, 1])],
    });
  });

  it('accepts an explicit dims that matches', () => {
    expect(parseRunFile(edit(base, (f) => (f.input.dims = 1))).input.dims).toBe(1);
  });

  it('parses text, and reports JSON syntax errors at the file', () => {
    expect(parseRunFileText(JSON.stringify(base())).populations[0].name).toBe('I');
    for (const [name, path] of [
      [undefined, '(file)'],
      ['run.json', 'run.json'],
    ] as const) {
      let err: unknown;
      try {
        parseRunFileText('{"format": ', name);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RunFileError);
      expect((err as RunFileError).path).toBe(path);
      expect((err as RunFileError).message).toContain('not valid JSON');
    }
  });
});

describe('parseRunFile: the rate model', () => {
  const rate = () =>
    edit(base, (f) => {
      f.model = 'rate';
      f.populations[0].initial = { rates: [0.1, 0.5, 0.9] };
    });

  it('parses, with beta defaulting to DEFAULTS.beta', () => {
    const s = parseRunFile(rate());
    expect(s.model).toBe('rate');
    expect(s.beta).toBe(DEFAULTS.beta);
    expect(s.populations[0].initial).toEqual({ rates: new Float64Array([0.1, 0.5, 0.9]) });
  });

  it.each([
    ['mu', 0],
    ['sigmaV', 0],
    ['synapse', { kind: 'delta' }],
    ['selfReset', 'fast'],
    ['clampAtThreshold', false],
    ['refractoryMs', 0],
  ])('refuses population field %s', (key, value) => {
    expectRefused(
      edit(rate, (f) => (loose(f.populations[0])[key] = value)),
      `populations[0].${key}`,
      'rate model',
    );
  });

  it('refuses spikeRule', () => {
    expectRefused(
      edit(rate, (f) => (f.spikeRule = 'one-per-step')),
      'spikeRule',
      'rate model',
    );
  });

  it.each([0, 1, -0.1])('refuses initial rate %s outside (0, 1)', (r) => {
    expectRefused(
      edit(rate, (f) => (f.populations[0].initial = { rates: [0.5, r, 0.5] })),
      'populations[0].initial.rates[1]',
    );
  });

  it.each([0, -1])('refuses beta %s', (beta) => {
    expectRefused(
      edit(rate, (f) => (f.beta = beta)),
      'beta',
      '> 0',
    );
  });
});

describe('parseRunFile refuses', () => {
  it.each(refusals)('%s', (_what, make, path, ...words) => {
    expectRefused(make(), path, ...words);
  });
});

describe("parseRunFile: Dale's law", () => {
  it('refuses a positive encoder of an inhibitory channel, naming the element', () => {
    expectRefused(
      ei((f) => (f.encoders!.E.yI = [-1, 1]))(),
      'encoders.E.yI[1]',
      "Dale's law",
      'channel yI',
      'inhibitory population I',
      '<= 0',
      '(got 1)',
      'allowDaleViolation',
    );
  });

  it('refuses a negative encoder of an excitatory channel, also in another population', () => {
    expectRefused(
      ei((f) => (f.encoders!.I.yE = [1, -0.5, 1]))(),
      'encoders.I.yE[1]',
      'excitatory population E',
      '>= 0',
    );
  });

  it('names the field itself when the offending encoder is a broadcast number', () => {
    expectRefused(ei((f) => (f.encoders!.I.yI = 2))(), 'encoders.I.yI', '(got 2)');
  });

  it('accepts the violation when allowDaleViolation is true, and keeps the values', () => {
    const s = parseRunFile(
      ei((f) => {
        f.allowDaleViolation = true;
        f.encoders!.E.yI = [-1, 1];
      })(),
    );
    expect(s.encoders[0][1]).toEqual(new Float64Array([-1, 1]));
  });

  it('exempts readouts, whose weights are signed', () => {
    const s = parseRunFile(ei((f) => (f.readouts = [{ name: 'null', source: 'E', weights: [-0.5, 0.5] }]))());
    expect(s.readouts[0].weights).toEqual(new Float64Array([-0.5, 0.5]));
  });
});
