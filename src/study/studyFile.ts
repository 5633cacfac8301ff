// Study file (`latentspike/study@1`, YAML or JSON; docs/studies.md) → Study. Like a run file, a
// study is refused whole when any part is wrong, with the path of the field: every point's run file
// is built and validated here (runs.ts), so a bad axis value fails before the first point runs.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RunFileError, fieldPath } from '../model/errors.ts';
import { parseRunFile } from '../model/parse.ts';
import type { RunFileJson } from '../model/runFile.ts';
import { PRESETS, findPreset } from '../experiments/presets/index.ts';
import { SCALE_FUNCTIONS } from '../experiments/scale/functions.ts';
import { resolveAxisPath } from './overrides.ts';
import {
  BASE_FIELDS,
  BASE_PRESET_FIELDS,
  BASE_SCALE_FIELDS,
  BUILTIN_AXIS_RULES,
  MAX_POINTS,
  ROUNDED_AXES,
  SAMPLE_FIELDS,
  STUDY_BACKENDS,
  STUDY_FIELDS,
} from './studyFields.ts';
import {
  BUILTIN_AXES,
  STUDY_FORMAT,
  type AxisValue,
  type BuiltinAxis,
  type Study,
  type StudyAxis,
  type StudyBackend,
  type StudyBase,
  type StudySettings,
} from './types.ts';

type Json = Record<string, unknown>;

// Keys, bounds and choices come from the tables of studyFields.ts, which also write the JSON Schema.
const ROOT_KEYS = Object.keys(STUDY_FIELDS);
const NAME_PATTERN = new RegExp(STUDY_FIELDS.name.pattern);

/** An axis's path, `axes.populations.0.mu`: axis names may be run-file paths, so dots stay plain. */
export function axisPath(name: string): string {
  return fieldPath('axes', name, { dots: true });
}

function fail(path: string, problem: string): never {
  throw new RunFileError(path, problem);
}

function show(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

function asObject(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(path, `must be an object (got ${show(value)})`);
  return value as Json;
}

interface IntRule {
  min: number;
  max?: number;
}

function readInt(obj: Json, key: string, rule: IntRule): number | null {
  const v = obj[key];
  if (v === undefined || v === null) return null;
  if (
    typeof v !== 'number' ||
    !Number.isInteger(v) ||
    v < rule.min ||
    v > (rule.max ?? Number.MAX_SAFE_INTEGER)
  )
    fail(
      key,
      `must be an integer ≥ ${rule.min}${rule.max === undefined ? '' : ` and ≤ ${rule.max}`} (got ${show(v)})`,
    );
  return v;
}

function readNonNegative(obj: Json, key: string, fallback: number): number {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v >= 0 && v < Infinity))
    fail(key, `must be a finite number ≥ 0 (got ${show(v)})`);
  return v;
}

/** Refuses keys outside `allowed`, so that a typo is not silently ignored. */
function checkKeys(obj: Json, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(obj))
    if (!allowed.includes(key)) fail(fieldPath(path, key), `unknown field; allowed: ${allowed.join(', ')}`);
}

function readBoolean(obj: Json, key: string, fallback: boolean): boolean {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') fail(key, `must be true or false (got ${show(v)})`);
  return v;
}

function readBackend(value: unknown, path: string): StudyBackend {
  if (typeof value !== 'string' || !(STUDY_BACKENDS as readonly string[]).includes(value))
    fail(path, `must be one of ${STUDY_BACKENDS.join(', ')} (got ${show(value)})`);
  return value as StudyBackend;
}

/** The base network: a preset name, a run-file path (relative to the study file), or the scale recipe. */
function parseBase(value: unknown, studyDir: string): StudyBase {
  if (value === undefined)
    fail('base', 'missing required field (a preset name, a run file, or { scale: … })');
  if (typeof value === 'string') {
    if (value.endsWith('.json')) return runFileBase(value, studyDir, 'base');
    if (!findPreset(value))
      fail(
        'base',
        `unknown preset ${show(value)}; allowed: ${PRESETS.map((p) => p.name).join(', ')}, or a run file (.json)`,
      );
    return { kind: 'preset', name: value, index: 0 };
  }
  const base = asObject(value, 'base');
  const keys = Object.keys(base);
  const kinds = Object.keys(BASE_FIELDS);
  if (keys.length !== 1 || !kinds.includes(keys[0]))
    fail('base', `must have exactly one of ${kinds.join(', ')}`);
  if (base.preset !== undefined) {
    const preset = asObject(base.preset, 'base.preset');
    checkKeys(preset, 'base.preset', Object.keys(BASE_PRESET_FIELDS));
    const name = preset.name;
    if (typeof name !== 'string' || !findPreset(name))
      fail(
        'base.preset.name',
        `unknown preset ${show(name)}; allowed: ${PRESETS.map((p) => p.name).join(', ')}`,
      );
    const index = readInt(preset, 'index', BASE_PRESET_FIELDS.index.rule) ?? 0;
    return { kind: 'preset', name, index };
  }
  if (base.runFile !== undefined) {
    if (typeof base.runFile !== 'string') fail('base.runFile', `must be a path (got ${show(base.runFile)})`);
    return runFileBase(base.runFile, studyDir, 'base.runFile');
  }
  const scale = asObject(base.scale, 'base.scale');
  checkKeys(scale, 'base.scale', Object.keys(BASE_SCALE_FIELDS));
  const fn = scale.function ?? BASE_SCALE_FIELDS.function.default;
  if (typeof fn !== 'string' || !(SCALE_FUNCTIONS as readonly string[]).includes(fn))
    fail('base.scale.function', `must be one of ${SCALE_FUNCTIONS.join(', ')} (got ${show(fn)})`);
  return { kind: 'scale', function: fn as 'fig5' | 'tutorial' };
}

/** A run-file base, read and validated: a point's run file is the base with the axes written in. */
function runFileBase(path: string, studyDir: string, at: string): StudyBase {
  const full = resolve(studyDir, path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (e) {
    fail(at, `cannot read run file ${show(path)}: ${(e as Error).message}`);
  }
  let run: unknown;
  try {
    run = JSON.parse(text);
  } catch (e) {
    fail(at, `run file ${show(path)} is not valid JSON: ${(e as Error).message}`);
  }
  try {
    parseRunFile(run);
  } catch (e) {
    if (e instanceof RunFileError) fail(at, `run file ${show(path)} is invalid: ${e.message}`);
    throw e;
  }
  return { kind: 'runFile', path, run: run as RunFileJson };
}

/** Axis values: a list of scalars, or a range `{ log | linear: [a, b], count }`. */
function parseValues(value: unknown, path: string): AxisValue[] {
  if (Array.isArray(value)) {
    if (value.length === 0) fail(path, 'must list at least one value');
    return value.map((v, i) => {
      if (typeof v === 'number' && !Number.isFinite(v)) fail(`${path}[${i}]`, `must be finite (got ${v})`);
      if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean')
        fail(`${path}[${i}]`, `must be a number, a string or a boolean (got ${show(v)})`);
      return v;
    });
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
    return parseValues([value], path);
  const range = asObject(value, path);
  const kind = range.log !== undefined ? 'log' : range.linear !== undefined ? 'linear' : null;
  if (kind === null)
    fail(path, 'must be a list of values or a range { log: [a, b], count } / { linear: [a, b], count }');
  for (const key of Object.keys(range))
    if (![kind, 'count'].includes(key)) fail(fieldPath(path, key), `unknown field; allowed: ${kind}, count`);
  const ends = range[kind];
  if (
    !Array.isArray(ends) ||
    ends.length !== 2 ||
    !ends.every((e) => typeof e === 'number' && Number.isFinite(e))
  )
    fail(`${path}.${kind}`, `must be two finite numbers [from, to] (got ${show(ends)})`);
  const [a, b] = ends as number[];
  if (kind === 'log' && !(a > 0 && b > 0)) fail(`${path}.log`, `must be two numbers > 0 (got [${a}, ${b}])`);
  const count = range.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_POINTS)
    fail(`${path}.count`, `must be an integer from 1 to ${MAX_POINTS} (got ${show(count)})`);
  if (count === 1) return [a];
  return Array.from({ length: count }, (_, i) => {
    const f = i / (count - 1);
    const v = kind === 'log' ? Math.exp(Math.log(a) + f * (Math.log(b) - Math.log(a))) : a + f * (b - a);
    // Round to 12 significant digits so 10^(k/5) lands on 1e5, not 99999.99999999999.
    return Number(v.toPrecision(12));
  });
}

/** A built-in axis's values, checked (and, for counts, rounded and deduplicated). */
function checkBuiltin(name: BuiltinAxis, values: AxisValue[], path: string): AxisValue[] {
  if (name === 'backend') return values.map((v, i) => readBackend(v, `${path}[${i}]`));
  const rule = BUILTIN_AXIS_RULES[name];
  const numbers = values.map((v, i) => {
    if (typeof v !== 'number') fail(`${path}[${i}]`, `must be a number (got ${show(v)})`);
    if (!(v >= rule.min && v <= (rule.max ?? Infinity)) || (rule.integer && !Number.isInteger(v)))
      fail(`${path}[${i}]`, `must be ${rule.integer ? 'an integer ' : ''}≥ ${rule.min} (got ${v})`);
    return v;
  });
  // A log range of copies is rounded to whole copies; equal neighbours collapse.
  return ROUNDED_AXES.includes(name) ? [...new Set(numbers.map(Math.round))] : numbers;
}

function parseAxes(value: unknown): StudyAxis[] {
  if (value === undefined) return [];
  const axes = asObject(value, 'axes');
  return Object.entries(axes).map(([name, raw]) => {
    const path = axisPath(name);
    const values = parseValues(raw, path);
    if ((BUILTIN_AXES as readonly string[]).includes(name))
      return { name, path: null, values: checkBuiltin(name as BuiltinAxis, values, path) };
    return { name, path: resolveAxisPath(name, path), values };
  });
}

function parseZip(value: unknown, axes: StudyAxis[]): string[][] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('zip', 'must be a list of groups of axis names, e.g. [[dt, steps]]');
  const seen = new Set<string>();
  return value.map((group, g) => {
    const path = `zip[${g}]`;
    if (!Array.isArray(group) || group.length < 2) fail(path, 'must list at least two axis names');
    const names = group.map((n, i) => {
      const axis = axes.find((a) => a.name === n);
      if (!axis)
        fail(`${path}[${i}]`, `unknown axis ${show(n)}; axes: ${axes.map((a) => a.name).join(', ')}`);
      if (seen.has(axis.name)) fail(`${path}[${i}]`, `axis ${axis.name} is already zipped`);
      seen.add(axis.name);
      return axis;
    });
    const length = names[0].values.length;
    names.forEach((a, i) => {
      if (a.values.length !== length)
        fail(
          `${path}[${i}]`,
          `axis ${a.name} has ${a.values.length} values, ${names[0].name} has ${length}; zipped axes must match`,
        );
    });
    return names.map((a) => a.name);
  });
}

function parseSample(value: unknown): Study['sample'] {
  if (value === undefined) return null;
  const sample = asObject(value, 'sample');
  checkKeys(sample, 'sample', Object.keys(SAMPLE_FIELDS));
  const count = sample.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
    fail('sample.count', `must be an integer ≥ 1 (got ${show(count)})`);
  const seed = sample.seed ?? SAMPLE_FIELDS.seed.default;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0)
    fail('sample.seed', `must be an integer ≥ 0 (got ${show(seed)})`);
  return { count, seed };
}

function parseSettings(root: Json): StudySettings & { maxNeurons: number | null } {
  return {
    backend: root.backend === undefined ? 'cpu' : readBackend(root.backend, 'backend'),
    steps: readInt(root, 'steps', STUDY_FIELDS.steps.rule),
    trials: readInt(root, 'trials', STUDY_FIELDS.trials.rule),
    threads: readInt(root, 'threads', STUDY_FIELDS.threads.rule),
    jitter: readNonNegative(root, 'jitter', STUDY_FIELDS.jitter.default),
    every: readInt(root, 'every', STUDY_FIELDS.every.rule),
    retries: readInt(root, 'retries', STUDY_FIELDS.retries.rule) ?? 0,
    kernelTimes: readBoolean(root, 'kernelTimes', STUDY_FIELDS.kernelTimes.default),
    maxNeurons: readInt(root, 'maxNeurons', STUDY_FIELDS.maxNeurons.rule),
  };
}

/** A validated study with its base resolved (a run file is read in, so the study is self-contained). */
export interface ParsedStudy {
  study: Study;
  /** Points above this many neurons are left out (`maxNeurons`, or `--max-n`). */
  maxNeurons: number | null;
}

export function parseStudy(json: unknown, studyDir: string): ParsedStudy {
  const root = asObject(json, '(root)');
  checkKeys(root, '', ROOT_KEYS);
  for (const key of ['$schema', 'description'])
    if (root[key] !== undefined && typeof root[key] !== 'string')
      fail(key, `must be a string (got ${show(root[key])})`);
  if (root.format !== STUDY_FORMAT)
    fail('format', `must be ${show(STUDY_FORMAT)} (got ${show(root.format)})`);
  const name = root.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name))
    fail('name', `must be 1–64 letters, digits, '_', '.' or '-' (got ${show(name)})`);
  const base = parseBase(root.base, studyDir);
  const axes = parseAxes(root.axes);
  const zip = parseZip(root.zip, axes);
  const { maxNeurons, ...settings } = parseSettings(root);
  return {
    study: { format: STUDY_FORMAT, name, base, axes, zip, sample: parseSample(root.sample), settings },
    maxNeurons,
  };
}

/** Reads and validates a study file (YAML, of which JSON is a subset). */
export function readStudyFile(path: string): ParsedStudy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    fail(path, `cannot read the study file: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = parseYaml(text);
  } catch (e) {
    fail(path, `not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return parseStudy(json, dirname(resolve(path)));
}
