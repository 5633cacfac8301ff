// Run-file fields as study axes: a JSON path (`populations.*.sigmaV`, `populations.E.synapse.widthMs`,
// `dt`) names where an axis value goes. A segment over an array is an index, `*` (every element)
// or an element's `name`; a path must reach an existing object, and only its last field may be
// absent from the base (an optional field such as sigmaV). Paths are checked against the base
// when the study is read, and every point's run file is then validated by the run-file parser.

import { RunFileError, fieldPath } from '../model/errors.ts';
import type { RunFileJson } from '../model/runFile.ts';
import { AXIS_POPULATION_FIELDS, AXIS_ROOT_FIELDS } from './studyFields.ts';
import { BUILTIN_AXES } from './types.ts';

/** The full path of an axis name (bare names expanded), or a RunFileError at `where`. */
export function resolveAxisPath(name: string, where: string): string {
  if ((AXIS_ROOT_FIELDS as readonly string[]).includes(name)) return name;
  if ((AXIS_POPULATION_FIELDS as readonly string[]).includes(name)) return `populations.*.${name}`;
  if (name.includes('.') && name.split('.').every((s) => s.length > 0)) return name;
  throw new RunFileError(
    where,
    `unknown axis; a built-in axis (${BUILTIN_AXES.join(', ')}), a run-file field ` +
      `(${[...AXIS_ROOT_FIELDS, ...AXIS_POPULATION_FIELDS].join(', ')}) or a run-file path such as populations.0.synapse.widthMs`,
  );
}

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

/** The elements of `node` a segment selects, with their printable paths. */
function select(
  node: Container,
  segment: string,
  at: string,
): { parent: Container; key: string | number; path: string }[] {
  if (Array.isArray(node)) {
    if (segment === '*') return node.map((_, i) => ({ parent: node, key: i, path: `${at}[${i}]` }));
    if (/^\d+$/.test(segment)) {
      const i = Number(segment);
      if (i >= node.length)
        throw new RunFileError(`${at}[${i}]`, `no such element (${at} has ${node.length})`);
      return [{ parent: node, key: i, path: `${at}[${i}]` }];
    }
    const i = node.findIndex((e) => isContainer(e) && (e as Record<string, unknown>).name === segment);
    if (i < 0) throw new RunFileError(at, `has no element named ${JSON.stringify(segment)}`);
    return [{ parent: node, key: i, path: `${at}[${i}]` }];
  }
  const path = fieldPath(at, segment);
  return [{ parent: node, key: segment, path }];
}

/**
 * Sets `value` at `path` in a copy of `run` (the base is never changed). Throws a RunFileError
 * naming the first segment that does not exist.
 */
export function withField(run: RunFileJson, path: string, value: unknown): RunFileJson {
  const copy = structuredClone(run) as unknown as Container;
  const segments = path.split('.');
  let frontier: { node: Container; path: string }[] = [{ node: copy, path: '' }];
  segments.forEach((segment, depth) => {
    const last = depth === segments.length - 1;
    const next: { node: Container; path: string }[] = [];
    for (const { node, path: at } of frontier) {
      for (const { parent, key, path: p } of select(node, segment, at)) {
        // Own fields only, and set as own fields: `__proto__.x` must not reach Object.prototype.
        const current = Object.hasOwn(parent, key)
          ? (parent as Record<string | number, unknown>)[key]
          : undefined;
        if (last) {
          Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
        } else if (isContainer(current)) next.push({ node: current, path: p });
        else throw new RunFileError(p, `not in the base run file, so ${path} cannot be set`);
      }
    }
    frontier = next;
  });
  return copy as unknown as RunFileJson;
}

/** Linear interpolation of `samples` onto `steps` points over the same span (first and last kept). */
export function resample(samples: readonly number[], steps: number): number[] {
  const n = samples.length;
  if (n === 1) return new Array<number>(steps).fill(samples[0]);
  return Array.from({ length: steps }, (_, k) => {
    const u = steps === 1 ? 0 : (k * (n - 1)) / (steps - 1);
    const i = Math.min(Math.floor(u), n - 2);
    return samples[i] + (u - i) * (samples[i + 1] - samples[i]);
  });
}

/**
 * The run with `steps` steps. An input given per step is stretched onto the new steps, so the run
 * sweeps the same inputs (over a longer or shorter time); keyframed input is in seconds and stays.
 */
export function withSteps(run: RunFileJson, steps: number): RunFileJson {
  if (run.steps === steps) return run;
  const samples = run.input.samples;
  return {
    ...run,
    steps,
    input: samples ? { ...run.input, samples: samples.map((row) => resample(row, steps)) } : run.input,
  };
}
