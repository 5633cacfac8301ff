// The JSON Schema of run files (schemas/run.schema.json) agrees with the parser: the committed file is
// what `npm run schema` writes now; every run file the presets emit and the engine tests' random
// valid files validate; each file the parser refuses (runFileCases.ts) is refused by the schema too,
// except those whose fault only another field reveals (listed with the reason); and over fuzzed
// files the schema never refuses a file the parser accepts. ajv, a validator of draft 2020-12, checks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/experiments/presets/index.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';
import { ROOT, schemaTexts } from '../../scripts/schemas.ts';
import { validRunFile } from '../engine/randomRunFiles.ts';
import { applyMutations, fuzzParameters, mutations, type Json } from './jsonMutations.ts';
import { base, edit, loose, refusals } from './runFileCases.ts';

const runSchema = JSON.parse(readFileSync(join(ROOT, 'schemas/run.schema.json'), 'utf8'));
const validate = new Ajv2020({ strict: true, strictRequired: false, allErrors: true }).compile(runSchema);

function parserAccepts(file: unknown): boolean {
  try {
    parseRunFile(file);
    return true;
  } catch {
    return false;
  }
}

/** Refusals (runFileCases.ts) the schema cannot see, by description: each needs another field. */
const PARSER_ONLY: Record<string, string> = {
  'samples shorter than steps': 'a length set by steps',
  'dims not matching the rows': 'a length set by the rows',
  'keyframe x of another length than t': 'a length set by t',
  'keyframe times not increasing': 'an order between elements',
  'keyframe dims not matching the rows': 'a length set by the rows',
  'a short threshold': 'a length set by size',
  'too few inputWeights rows': 'a length set by size',
  'an inputWeights row of the wrong length': 'a length set by dims',
  'a flat inputWeights row when dims = 2': 'a form set by dims',
  'duplicate population names': 'uniqueness of a field across elements',
  'current t and value of different lengths': 'a length set by t',
  'current t decreasing': 'an order between elements',
  'a short initial.V': 'a length set by size',
  'a short initial.rates': 'a length set by size',
  'an unknown latent source': 'a name defined by populations',
  'a decoder of the wrong size': 'a length set by the source’s size',
  'a decoder sized for the wrong population': 'a length set by the source’s size',
  'duplicate latent names': 'uniqueness of a field across elements',
  'encoders for an unknown population': 'a name defined by populations',
  'encoders for an unknown latent': 'a name defined by latents',
  'encoders of the wrong size': 'a length set by size',
  'an unknown initialLatent': 'a name defined by latents',
  'an unknown readout source': 'a name defined by populations',
  'readout weights of the wrong size': 'a length set by the source’s size',
  'duplicate readout names': 'uniqueness of a field across elements',
  'leak × dt above one': 'a bound set by dt',
  'leak × dt below 1e-9': 'a bound set by dt',
  'an exponential synapse decaying faster than a step': 'a bound set by dt',
  'a unicode population name, kept plain': 'a name defined by populations',
};

/** The rate model's refusals, which the schema states as a rule on `model`. */
const rate = (change: (f: Loose) => void) => () =>
  edit(base, (f) => {
    f.model = 'rate';
    change(loose(f));
  });
type Loose = Record<string, unknown>;
const ratePop = (key: string, value: unknown) => rate((f) => ((f.populations as Loose[])[0][key] = value));

const MORE_REFUSALS: [string, () => unknown][] = [
  ['a rate file with a spikeRule', rate((f) => (f.spikeRule = 'all'))],
  ['a rate file with sigmaV', ratePop('sigmaV', 0.1)],
  ['a rate file with mu', ratePop('mu', 0)],
  ['a rate file with a synapse', ratePop('synapse', { kind: 'delta' })],
  ['a rate file with selfReset', ratePop('selfReset', 'fast')],
  ['a rate file with clampAtThreshold', ratePop('clampAtThreshold', false)],
  ['a rate file with refractoryMs', ratePop('refractoryMs', 1)],
  ['a rate file with an initial rate of 1', ratePop('initial', { rates: [0.5, 1, 0.5] })],
  ['a rate file with an initial rate of 0', ratePop('initial', { rates: 0 })],
  ['a $schema that is not a string', () => ({ ...base(), $schema: 1 })],
  [
    'a negative widthMs',
    () => edit(base, (f) => (f.populations[0].synapse = { kind: 'pulse', widthMs: -1 })),
  ],
];

describe('schemas/run.schema.json', () => {
  it('is what `npm run schema` writes now (run it after changing a field table)', async () => {
    for (const [path, text] of Object.entries(await schemaTexts())) {
      expect(readFileSync(join(ROOT, path), 'utf8'), path).toBe(text);
    }
  });

  it('accepts every run file the presets emit, and a $schema key, as the parser does', () => {
    let files = 0;
    for (const preset of PRESETS) {
      for (const run of preset.runs({ seed: 0, trials: 2 })) {
        expect(parserAccepts(run), preset.name).toBe(true);
        expect(validate(run), `${preset.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
        files++;
      }
    }
    expect(files).toBeGreaterThanOrEqual(PRESETS.length);
    const pointed: RunFileJson = { $schema: '../schemas/run.schema.json', ...base() };
    expect(parserAccepts(pointed)).toBe(true);
    expect(validate(pointed)).toBe(true);
  });

  it('accepts the random valid run files the engine tests draw (test/engine/randomRunFiles.ts)', () => {
    fc.assert(
      fc.property(validRunFile(), (run) => {
        expect(parserAccepts(run)).toBe(true);
        expect(validate(run), JSON.stringify(validate.errors)).toBe(true);
      }),
      fuzzParameters(100),
    );
  });

  it.each(refusals.map(([what, make]) => [what, make] as const))(
    'refuses what the parser refuses: %s',
    (what, make) => {
      const file = make();
      expect(parserAccepts(file)).toBe(false);
      expect(validate(file), JSON.stringify(validate.errors)).toBe(what in PARSER_ONLY);
    },
  );

  it('lists as parser-only only cases that exist', () => {
    const described = new Set(refusals.map(([what]) => what));
    expect(Object.keys(PARSER_ONLY).filter((what) => !described.has(what))).toEqual([]);
  });

  it.each(MORE_REFUSALS)('refuses, as the parser does, %s', (_what, make) => {
    const file = make();
    expect(parserAccepts(file)).toBe(false);
    expect(validate(file)).toBe(false);
  });

  it('never refuses a fuzzed file the parser accepts', () => {
    const bases = ['fig4', 'fig5', 'fig12a', 'figS2', 'tutorial', 'fig10'].map(
      (name) => PRESETS.find((p) => p.name === name)!.runs({ seed: 0 })[0] as unknown as Json,
    );
    const tally = { bothRefuse: 0, parserOnly: 0, bothAccept: 0 };
    fc.assert(
      fc.property(fc.nat(bases.length - 1), mutations(3), (b, edits) => {
        // As a file: JSON has no NaN or Infinity, and JSON.stringify writes them as null.
        const file = JSON.parse(JSON.stringify(applyMutations(bases[b], edits)));
        const parser = parserAccepts(file);
        const schema = validate(file);
        if (parser) expect(schema, JSON.stringify(validate.errors)).toBe(true);
        tally[parser ? 'bothAccept' : schema ? 'parserOnly' : 'bothRefuse']++;
      }),
      fuzzParameters(600),
    );
    console.log('run-file schema fuzz:', tally);
    expect(tally.bothRefuse).toBeGreaterThan(0);
    expect(tally.bothAccept).toBeGreaterThan(0);
  });
});
