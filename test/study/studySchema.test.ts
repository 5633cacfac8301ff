// The JSON Schema of study files (schemas/study.schema.json) agrees with the study parser: every
// study the project ships and the example in docs/studies.md validate, and so do the run files of
// their first points against schemas/run.schema.json; each study the parser refuses is refused by
// the schema too, except those whose fault only the base network or other axes reveal (listed with
// the reason); and over fuzzed studies the schema never refuses one the parser accepts.
// (test/model/schema.test.ts checks that the committed schemas are what `npm run schema` writes.)
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { findPreset } from '../../src/experiments/presets/index.ts';
import { RunFileError } from '../../src/model/errors.ts';
import { pointRunFile } from '../../src/study/network.ts';
import { withSteps } from '../../src/study/overrides.ts';
import { studyPoints } from '../../src/study/points.ts';
import { MAX_POINTS } from '../../src/study/studyFields.ts';
import { parseStudy, readStudyFile } from '../../src/study/studyFile.ts';
import { ROOT } from '../../scripts/schemas.ts';
import { applyMutations, fuzzParameters, mutations, type Json } from '../model/jsonMutations.ts';
import { scale, smoke, zipped } from './studies.ts';

const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
const schemaFile = (name: string) => JSON.parse(readFileSync(join(ROOT, 'schemas', name), 'utf8'));
const validateStudy = ajv.compile(schemaFile('study.schema.json'));
const validateRun = ajv.compile(schemaFile('run.schema.json'));

const dir = mkdtempSync(join(tmpdir(), 'latentspike-study-schema-'));
writeFileSync(
  join(dir, 'base.json'),
  JSON.stringify(withSteps(findPreset('fig4')!.runs({ seed: 0 })[0], 200)),
);

/** Points a study may have and still be expanded here (each point's run file is validated). */
const MAX_EXPANDED = 200;

/** The study parser's verdict as the command line reaches it: the file, then every point's run file. */
function parserAccepts(json: unknown): boolean | 'too large' {
  try {
    const { study, maxNeurons } = parseStudy(json, dir);
    // studyPoints refuses a grid above MAX_POINTS before it builds any point.
    const product = study.axes.reduce((n, a) => n * a.values.length, 1);
    const stepsAxis = study.axes.find((axis) => axis.path === 'steps')?.values ?? [];
    const steps = Math.max(
      study.settings.steps ?? 0,
      ...stepsAxis.map((v) => (typeof v === 'number' ? v : 0)),
    );
    const large = product > MAX_EXPANDED || steps > 20_000;
    if (large && product <= MAX_POINTS) return 'too large';
    studyPoints(study, maxNeurons);
    return true;
  } catch (e) {
    if (e instanceof RunFileError) return false;
    throw e;
  }
}

/** zipped with a $schema and kernelTimes as well. */
const zippedSchema = { $schema: '../schemas/study.schema.json', ...zipped, kernelTimes: false };

const fromFile = {
  format: 'latentspike/study@1',
  name: 'from-file',
  base: { runFile: 'base.json' },
  axes: { 'populations.E.threshold': [0.5, 1], seed: 3, steps: [150, 300] },
  threads: 1,
};

const edit = (change: Record<string, unknown>) => ({ ...smoke, ...change });
const axes = (a: Record<string, unknown>) => edit({ axes: a });

const REFUSALS: [string, unknown][] = [
  ['a list for a file', [smoke]],
  ['another format', edit({ format: 'latentspike/study@2' })],
  ['a name with a space', edit({ name: 'no spaces' })],
  ['no name', { ...smoke, name: undefined }],
  ['no base', { ...smoke, base: undefined }],
  ['an unknown preset', edit({ base: 'fig99' })],
  ['an unknown field', edit({ stepz: 3 })],
  ['a description that is not text', edit({ description: 5 })],
  ['a $schema that is not text', edit({ $schema: true })],
  ['a base with two kinds', edit({ base: { preset: { name: 'fig5' }, scale: {} } })],
  ['an empty base', edit({ base: {} })],
  ['a preset base without a name', edit({ base: { preset: { index: 0 } } })],
  ['a misspelt preset index', edit({ base: { preset: { name: 'fig5', indx: 1 } } })],
  ['a negative preset index', edit({ base: { preset: { name: 'fig5', index: -1 } } })],
  ['a run file path that is not text', edit({ base: { runFile: 7 } })],
  ['an unknown scale function', edit({ base: { scale: { function: 'sine' } } })],
  ['an unknown scale field', edit({ base: { scale: { fn: 'fig5' } } })],
  ['fractional steps', edit({ steps: 1.5 })],
  ['steps = 1', edit({ steps: 1 })],
  ['trials = 0', edit({ trials: 0 })],
  ['threads as text', edit({ threads: '2' })],
  ['every = 0', edit({ every: 0 })],
  ['101 retries', edit({ retries: 101 })],
  ['a negative jitter', edit({ jitter: -1 })],
  ['an unknown backend', edit({ backend: 'gpu' })],
  ['kernelTimes as text', edit({ kernelTimes: 'yes' })],
  ['maxNeurons = 0', edit({ maxNeurons: 0 })],
  ['axes as a list', axes([] as unknown as Record<string, unknown>)],
  ['an unknown bare axis', axes({ sigmav: [0] })],
  ['an axis path with an empty segment', axes({ 'populations..mu': [0] })],
  ['an axis with no values', axes({ seed: [] })],
  ['an axis value null', axes({ seed: null })],
  ['an axis value that is an object in a list', axes({ seed: [{ a: 1 }] })],
  ['a redundancy below one', axes({ redundancy: [0, 2] })],
  ['a fractional seed', axes({ seed: [1.5] })],
  ['a negative costCorrection', axes({ costCorrection: [-1] })],
  ['an unknown backend axis value', axes({ backend: ['gpu'] })],
  ['a backend axis as a range', axes({ backend: { linear: [0, 1], count: 2 } })],
  ['a log range through zero', axes({ redundancy: { log: [0, 10], count: 3 } })],
  ['a range without count', axes({ redundancy: { linear: [1, 10] } })],
  ['a range with three ends', axes({ redundancy: { linear: [1, 5, 10], count: 3 } })],
  ['a range of zero values', axes({ redundancy: { linear: [1, 10], count: 0 } })],
  ['a range with both kinds', axes({ redundancy: { linear: [1, 10], log: [1, 10], count: 2 } })],
  ['a negative sigmaV (a run-file bound)', axes({ sigmaV: [0, -0.01] })],
  ['dt = 0 (a run-file bound)', axes({ dt: [0] })],
  ['an unknown spike rule (a run-file choice)', axes({ spikeRule: ['fast'] })],
  ['recurrence as a number (a run-file type)', axes({ recurrence: [1] })],
  ['zip not a list', edit({ zip: 'dt' })],
  ['a zip group of one axis', edit({ axes: { dt: [1e-4], steps: [3000] }, zip: [['dt']] })],
  ['a sample of no points', edit({ sample: { count: 0 } })],
  ['an unknown sample field', edit({ sample: { count: 2, seeds: 1 } })],
];

/** Refusals the schema cannot see, with why: each needs the base network, a file or other axes. */
const PARSER_ONLY: [string, unknown, string][] = [
  ['an axis path the base lacks', axes({ 'populations.7.mu': [1] }), 'the base network'],
  ['a run file that does not exist', edit({ base: 'missing.json' }), 'a file'],
  [
    'zipped axes of different lengths',
    edit({ axes: { dt: [1e-4], seed: [1, 2] }, zip: [['dt', 'seed']] }),
    'other axes',
  ],
  ['a zip of an unknown axis', edit({ zip: [['seed', 'dt']] }), 'other axes'],
  ['a seed range with fractions', axes({ seed: { linear: [0, 1], count: 3 } }), 'the values a range makes'],
  ['a value listed twice', axes({ seed: [1, 1] }), 'the points the axes make'],
  [
    'more points than a study may have',
    axes({ seed: { linear: [0, 999], count: 1000 }, sigmaV: { linear: [0, 1], count: 101 } }),
    'the product of the axes',
  ],
];

describe('schemas/study.schema.json', () => {
  it('accepts every study in studies/, the docs’ example and these, as the parser does', () => {
    const studies = join(ROOT, 'studies');
    const files = readdirSync(studies).filter((f) => f.endsWith('.yaml'));
    expect(files).toContain('smoke.yaml');
    for (const f of files) {
      const json = parseYaml(readFileSync(join(studies, f), 'utf8'));
      expect(() => readStudyFile(join(studies, f))).not.toThrow();
      expect(validateStudy(json), `${f}: ${JSON.stringify(validateStudy.errors)}`).toBe(true);
    }
    const docs = readFileSync(join(ROOT, 'docs/studies.md'), 'utf8');
    const examples = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1]));
    expect(examples.length).toBeGreaterThan(0);
    for (const json of [...examples, smoke, zippedSchema, scale, fromFile]) {
      expect(parserAccepts(json), JSON.stringify(json)).toBe(true);
      expect(validateStudy(json), JSON.stringify(validateStudy.errors)).toBe(true);
    }
  });

  it('accepts the run files of the shipped studies’ smallest points against the run-file schema', () => {
    const studies = join(ROOT, 'studies');
    for (const f of readdirSync(studies).filter((name) => name.endsWith('.yaml'))) {
      const { study, maxNeurons } = readStudyFile(join(studies, f));
      for (const point of studyPoints(study, maxNeurons).slice(0, 2)) {
        const run = pointRunFile(study, point.params);
        expect(validateRun(run), `${f}: ${JSON.stringify(validateRun.errors)}`).toBe(true);
      }
    }
  });

  it.each(REFUSALS)('refuses, as the parser does, %s', (_what, json) => {
    expect(parserAccepts(json)).toBe(false);
    expect(validateStudy(json)).toBe(false);
  });

  it.each(PARSER_ONLY)('leaves to the parser %s (it needs %s)', (_what, json) => {
    expect(parserAccepts(json)).toBe(false);
    expect(validateStudy(json), JSON.stringify(validateStudy.errors)).toBe(true);
  });

  it('never refuses a fuzzed study the parser accepts', () => {
    const bases = [smoke, zippedSchema, scale, fromFile] as unknown as Json[];
    const tally = { bothRefuse: 0, parserOnly: 0, bothAccept: 0, tooLarge: 0 };
    fc.assert(
      fc.property(fc.nat(bases.length - 1), mutations(3), (b, edits) => {
        const json = JSON.parse(JSON.stringify(applyMutations(bases[b], edits)) ?? 'null');
        const parser = parserAccepts(json);
        const schema = validateStudy(json);
        if (parser === true) expect(schema, JSON.stringify(validateStudy.errors)).toBe(true);
        if (parser === 'too large') tally.tooLarge++;
        else tally[parser ? 'bothAccept' : schema ? 'parserOnly' : 'bothRefuse']++;
      }),
      fuzzParameters(500),
    );
    console.log('study schema fuzz:', tally);
    expect(tally.bothRefuse).toBeGreaterThan(0);
    expect(tally.bothAccept).toBeGreaterThan(0);
  });
});
