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
  BUILTIN_AXES,
  STUDY_FORMAT,
  type AxisValue,
  type Study,
  type StudyAxis,
  type StudyBackend,
  type StudyBase,
  type StudySettings,
} from './types.ts';

type Json = Record<string, unknown>;

const ROOT_KEYS = [
  'format',
  'name',
  'description',
  'base',
  'axes',
  'zip',
  'sample',
  'backend',
  'steps',
  'trials',
  'threads',
  'jitter',
  'every',
  'retries',
  'kernelTimes',
  'maxNeurons',
];
export const STUDY_BACKENDS: readonly StudyBackend[] = ['cpu', 'webgpu', 'browser'];
/** Points one study may declare: a product past this is a typo more often than a plan. */
export const MAX_POINTS = 100_000;

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
  if (keys.length !== 1 || !['preset', 'runFile', 'scale'].includes(keys[0]))
    fail('base', 'must have exactly one of preset, runFile, scale');
  if (base.preset !== undefined) {
    const preset = asObject(base.preset, 'base.preset');
    const name = preset.name;
    if (typeof name !== 'string' || !findPreset(name))
      fail(
        'base.preset.name',
        `unknown preset ${show(name)}; allowed: ${PRESETS.map((p) => p.name).join(', ')}`,
      );
    const index = readInt(preset, 'index', { min: 0 }) ?? 0;
    return { kind: 'preset', name, index };
  }
  if (base.runFile !== undefined) {
    if (typeof base.runFile !== 'string') fail('base.runFile', `must be a path (got ${show(base.runFile)})`);
    return runFileBase(base.runFile, studyDir, 'base.runFile');
  }
  const scale = asObject(base.scale, 'base.scale');
  for (const key of Object.keys(scale))
    if (key !== 'function') fail(fieldPath('base.scale', key), 'unknown field; allowed: function');
  const fn = scale.function ?? 'fig5';
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

const POSITIVE_INT_AXES = new Set(['redundancy', 'threads', 'trials']);

/** A built-in axis's values, checked (and, for counts, rounded and deduplicated). */
function checkBuiltin(name: string, values: AxisValue[], path: string): AxisValue[] {
  if (name === 'backend') return values.map((v, i) => readBackend(v, `${path}[${i}]`));
  const numbers = values.map((v, i) => {
    if (typeof v !== 'number') fail(`${path}[${i}]`, `must be a number (got ${show(v)})`);
    return v;
  });
  if (POSITIVE_INT_AXES.has(name)) {
    // A log range of copies is rounded to whole copies; equal neighbours collapse.
    const rounded = numbers.map((v, i) => {
      if (!(v >= 1)) fail(`${path}[${i}]`, `must be ≥ 1 (got ${v})`);
      return Math.round(v);
    });
    return [...new Set(rounded)];
  }
  if (name === 'seed')
    numbers.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || v > 2 ** 53)
        fail(`${path}[${i}]`, `must be an integer ≥ 0 (got ${v})`);
    });
  if (name === 'jitter' || name === 'costCorrection')
    numbers.forEach((v, i) => {
      if (!(v >= 0)) fail(`${path}[${i}]`, `must be ≥ 0 (got ${v})`);
    });
  return numbers;
}

function parseAxes(value: unknown): StudyAxis[] {
  if (value === undefined) return [];
  const axes = asObject(value, 'axes');
  return Object.entries(axes).map(([name, raw]) => {
    const path = axisPath(name);
    const values = parseValues(raw, path);
    if ((BUILTIN_AXES as readonly string[]).includes(name))
      return { name, path: null, values: checkBuiltin(name, values, path) };
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
  for (const key of Object.keys(sample))
    if (key !== 'count' && key !== 'seed')
      fail(fieldPath('sample', key), 'unknown field; allowed: count, seed');
  const count = sample.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
    fail('sample.count', `must be an integer ≥ 1 (got ${show(count)})`);
  const seed = sample.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0)
    fail('sample.seed', `must be an integer ≥ 0 (got ${show(seed)})`);
  return { count, seed };
}

function parseSettings(root: Json): StudySettings & { maxNeurons: number | null } {
  return {
    backend: root.backend === undefined ? 'cpu' : readBackend(root.backend, 'backend'),
    steps: readInt(root, 'steps', { min: 2 }),
    trials: readInt(root, 'trials', { min: 1 }),
    threads: readInt(root, 'threads', { min: 1 }),
    jitter: readNonNegative(root, 'jitter', 1),
    every: readInt(root, 'every', { min: 1 }),
    retries: readInt(root, 'retries', { min: 0, max: 100 }) ?? 0,
    kernelTimes: readBoolean(root, 'kernelTimes', false),
    maxNeurons: readInt(root, 'maxNeurons', { min: 1 }),
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
  for (const key of Object.keys(root))
    if (!ROOT_KEYS.includes(key)) fail(fieldPath('', key), `unknown field; allowed: ${ROOT_KEYS.join(', ')}`);
  if (root.format !== STUDY_FORMAT)
    fail('format', `must be ${show(STUDY_FORMAT)} (got ${show(root.format)})`);
  const name = root.name;
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name))
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
