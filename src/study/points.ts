// A study's axes → its points, in run order (smallest networks first, then declaration order), each
// with an id = hash(point parameters, code version). Every point's network is validated here, so a
// study with one bad value is refused before anything runs.

import { createHash } from 'node:crypto';
import { RunFileError } from '../model/errors.ts';
import { mulberry32 } from '../construct/rng.ts';
import { pointNetwork, pointNeurons } from './network.ts';
import { codeVersion } from './provenance.ts';
import { axisPath } from './studyFile.ts';
import { MAX_POINTS } from './studyFields.ts';
import type { AxisValue, Study, StudyPoint } from './types.ts';

type Params = Record<string, AxisValue>;

/**
 * The grid: product over axes, zipped groups advancing together; the first axis varies slowest.
 * A product above MAX_POINTS is refused at `axes` before any point is made.
 */
export function gridParams(study: Study): Params[] {
  const factors: Params[][] = [];
  const zipped = new Set(study.zip.flat());
  const count = study.axes.reduce(
    (n, axis) =>
      zipped.has(axis.name) && !study.zip.some((g) => g[0] === axis.name) ? n : n * axis.values.length,
    1,
  );
  if (count > MAX_POINTS) {
    throw new RunFileError(
      'axes',
      `the axes make ${count} points, more than the ${MAX_POINTS} a study may declare; use fewer values, zip, or sample`,
    );
  }
  for (const axis of study.axes) {
    const group = study.zip.find((g) => g[0] === axis.name);
    if (group) {
      const axes = group.map((n) => study.axes.find((a) => a.name === n)!);
      factors.push(axes[0].values.map((_, i) => Object.fromEntries(axes.map((a) => [a.name, a.values[i]]))));
    } else if (!zipped.has(axis.name)) {
      factors.push(axis.values.map((v) => ({ [axis.name]: v })));
    }
  }
  return factors.reduce<Params[]>(
    (acc, factor) => acc.flatMap((p) => factor.map((f) => ({ ...p, ...f }))),
    [{}],
  );
}

/** `count` of the grid's points drawn without replacement (seeded), kept in grid order. */
function sample(params: Params[], count: number, seed: number): Params[] {
  if (count >= params.length) return params;
  const rand = mulberry32(seed);
  const order = params.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((i) => params[i]);
}

/** What makes a point's results what they are, besides its parameters: base, settings, code. */
function identity(study: Study): unknown {
  const { base, settings } = study;
  const baseId =
    base.kind === 'runFile'
      ? { runFile: createHash('sha256').update(JSON.stringify(base.run)).digest('hex') }
      : base;
  const { packageVersion, sourceHash } = codeVersion();
  return {
    base: baseId,
    settings: { ...settings, retries: undefined },
    code: `${packageVersion}+${sourceHash}`,
  };
}

/** JSON with object keys sorted, so the id does not depend on the order axes were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

export function pointId(study: Study, params: Params): string {
  return createHash('sha256')
    .update(canonical({ ...(identity(study) as object), params }))
    .digest('hex')
    .slice(0, 16);
}

/** A RunFileError from one point's run file, re-raised at the axis that caused it. */
function atAxis(study: Study, params: Params, e: RunFileError): RunFileError {
  const field = e.path
    .replace(/\[\d+\]/g, '')
    .split('.')
    .at(-1);
  const axis = study.axes.find((a) => a.path !== null && a.path.split('.').at(-1) === field);
  const values = Object.entries(params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  if (!axis) return new RunFileError(e.path, `${e.problem} (point ${values})`);
  return new RunFileError(axisPath(axis.name), `${String(params[axis.name])} gives ${e.path}: ${e.problem}`);
}

/**
 * Every point of the study in run order, validated; points above `maxNeurons` are left out.
 * Throws a RunFileError naming the field when any point's run file is invalid.
 */
export function studyPoints(study: Study, maxNeurons: number | null = null): StudyPoint[] {
  const all = gridParams(study);
  const chosen = study.sample ? sample(all, study.sample.count, study.sample.seed) : all;
  const points = chosen.map((params, order) => {
    let neurons: number;
    try {
      neurons = pointNeurons(pointNetwork(study, params, true).baseRun, params);
    } catch (e) {
      if (e instanceof RunFileError) throw atAxis(study, params, e);
      throw e;
    }
    return { order, params, neurons };
  });
  const ids = new Set<string>();
  return points
    .filter((p) => maxNeurons === null || p.neurons <= maxNeurons)
    .sort((a, b) => a.neurons - b.neurons || a.order - b.order)
    .map(({ params, neurons }, index) => {
      const id = pointId(study, params);
      if (ids.has(id)) throw repeated(study, params);
      ids.add(id);
      return { index, id, params, neurons };
    });
}

/**
 * Two points with the same values would be one point (the same id) run twice: refused at the axis
 * that lists a value twice, or at `axes` when only a zipped group's tuples repeat.
 */
function repeated(study: Study, params: Params): RunFileError {
  const zipped = new Set(study.zip.flat());
  const axis = study.axes.find((a) => !zipped.has(a.name) && new Set(a.values).size < a.values.length);
  const values = Object.entries(params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  if (axis) {
    const value = axis.values.find((v, i) => axis.values.indexOf(v) !== i);
    return new RunFileError(axisPath(axis.name), `lists ${String(value)} twice; every point must differ`);
  }
  return new RunFileError('axes', `two points have the same values (${values}); every point must differ`);
}
