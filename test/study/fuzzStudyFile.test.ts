// Fuzzed study files: random mutations (test/model/jsonMutations.ts) of valid studies — a preset
// base, the scale recipe, a run-file base (whose run file is mutated too) — through parseStudy and
// studyPoints. Every mutated study is either accepted, and then expands to points with ids and
// neuron counts, or refused with a RunFileError naming a field; any other exception is a bug.
//
// Replay a failure: fast-check prints its seed; `FC_SEED=<seed> npx vitest run test/study/fuzzStudyFile.test.ts`.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPreset } from '../../src/experiments/presets/index.ts';
import { RunFileError } from '../../src/model/errors.ts';
import { studyPoints } from '../../src/study/points.ts';
import { parseStudy } from '../../src/study/studyFile.ts';
import { withSteps } from '../../src/study/overrides.ts';
import type { Study } from '../../src/study/types.ts';
import {
  applyMutations,
  expectUnpolluted,
  fuzzParameters,
  mutations,
  type Json,
} from '../model/jsonMutations.ts';
import { scale, smoke, zipped } from './studies.ts';

/** Grids larger than this are not expanded here (each point's run file is validated: ~1 ms). */
const MAX_TESTED_POINTS = 200;
/** Steps above this are not expanded either (a per-step input is resampled onto every step). */
const MAX_TESTED_STEPS = 20_000;

const dir = mkdtempSync(join(tmpdir(), 'latentspike-study-fuzz-'));
const runFile = withSteps(findPreset('fig4')!.runs({ seed: 0 })[0], 200);
const fromFile = {
  format: 'latentspike/study@1',
  name: 'from-file',
  base: 'base.json',
  axes: { 'populations.E.threshold': [0.5, 1], seed: [3], steps: [150, 300] },
  backend: 'cpu',
};

const BASES = [smoke, scale, zipped, fromFile] as unknown as Json[];

/** A study mutated, and (for the run-file base) its run file mutated too, or left valid. */
const mutatedStudy = fc.record({
  base: fc.nat(BASES.length - 1),
  edits: mutations(3),
  runEdits: fc.option(mutations(2), { freq: 2 }),
});

const asObject = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** Points the grid has (zipped axes advance together), without expanding it. */
function gridSize(study: Study): number {
  const zipped = new Set(study.zip.flat());
  let size = 1;
  for (const axis of study.axes) {
    if (!zipped.has(axis.name) || study.zip.some((g) => g[0] === axis.name)) size *= axis.values.length;
  }
  return size;
}

/** Steps a point may be given (the study's setting, or an axis). */
function maxSteps(study: Study): number {
  const axis = study.axes.find((a) => a.path === 'steps');
  const values = (axis?.values ?? []).filter((v): v is number => typeof v === 'number');
  return Math.max(study.settings.steps ?? 0, ...values);
}

/** A field's path as the study and run-file parsers write them: non-empty, one line, no stack. */
function expectFieldError(e: unknown): asserts e is RunFileError {
  if (!(e instanceof RunFileError)) {
    throw new Error(`threw ${(e as Error)?.name ?? typeof e}, not a RunFileError: ${String(e)}`, {
      cause: e,
    });
  }
  expect(e.path, e.message).not.toBe('');
  expect(e.path, e.message).not.toMatch(/[\n\r]/);
  expect(e.message).toBe(`${e.path}: ${e.problem}`);
  expect(e.message).not.toMatch(/\n\s+at /);
}

const tally = { accepted: 0, refused: 0, skipped: 0 };

function check(json: Json, caseDir: string): 'accepted' | 'refused' | 'skipped' {
  let study: Study;
  let maxNeurons: number | null;
  try {
    ({ study, maxNeurons } = parseStudy(json, caseDir));
  } catch (e) {
    expectFieldError(e);
    return 'refused';
  }
  if (gridSize(study) > MAX_TESTED_POINTS || maxSteps(study) > MAX_TESTED_STEPS) return 'skipped';
  const base = asObject(study.base.kind === 'runFile' ? study.base.run : null);
  if (base && typeof base.steps === 'number' && base.steps > MAX_TESTED_STEPS) return 'skipped';
  let points;
  try {
    points = studyPoints(study, maxNeurons);
  } catch (e) {
    expectFieldError(e);
    return 'refused';
  }
  for (const p of points) {
    expect(Number.isInteger(p.neurons) && p.neurons > 0, JSON.stringify(p)).toBe(true);
    expect(p.id).toMatch(/^[0-9a-f]{16}$/);
  }
  expect(new Set(points.map((p) => p.id)).size).toBe(points.length);
  return 'accepted';
}

describe('fuzzed study files (parseStudy → studyPoints)', () => {
  it('every base study is valid', () => {
    writeFileSync(join(dir, 'base.json'), JSON.stringify(runFile));
    for (const json of BASES) expect(check(json, dir), JSON.stringify(json)).toBe('accepted');
  });

  it('a mutated study expands to its points, or is refused at a field', () => {
    let n = 0;
    fc.assert(
      fc.property(mutatedStudy, ({ base, edits, runEdits }) => {
        // Each case gets its own directory: the run file it refers to may be mutated.
        const caseDir = join(dir, `case${n++}`);
        const run = runEdits ? applyMutations(runFile as unknown as Json, runEdits) : runFile;
        mkdirSync(caseDir);
        writeFileSync(join(caseDir, 'base.json'), JSON.stringify(run) ?? 'undefined');
        tally[check(applyMutations(BASES[base], edits), caseDir)]++;
        expectUnpolluted();
      }),
      fuzzParameters(1000),
    );
    console.log(
      `study fuzz: ${tally.accepted} accepted and expanded, ${tally.refused} refused, ${tally.skipped} too large to expand`,
    );
    expect(tally.accepted).toBeGreaterThan(50);
  });

  it('an axis through __proto__ is refused and leaves Object.prototype alone', () => {
    let error: unknown;
    try {
      studyPoints(parseStudy({ ...smoke, axes: { '__proto__.polluted': [1, 2] } }, dir).study);
    } catch (e) {
      error = e;
    }
    expectUnpolluted();
    expectFieldError(error);
    expect(error.path).toBe('__proto__');
  });

  it('refuses an axis that lists a value twice, at the axis', () => {
    let error: unknown;
    try {
      studyPoints(parseStudy({ ...smoke, axes: { ...smoke.axes, sigmaV: [0, 0.01, 0] } }, dir).study);
    } catch (e) {
      error = e;
    }
    expectFieldError(error);
    expect(error.path).toBe('axes.sigmaV');
    expect(error.problem).toMatch(/lists 0 twice/);
  });

  it('refuses a grid of more points than a study may declare, at axes, before expanding it', () => {
    const huge = {
      ...scale,
      axes: {
        jitter: { linear: [0, 1], count: 1000 },
        seed: { linear: [0, 999], count: 1000 },
      },
    };
    const { study } = parseStudy(huge, dir);
    const started = performance.now();
    let error: unknown;
    try {
      studyPoints(study);
    } catch (e) {
      error = e;
    }
    expectFieldError(error);
    expect(error.path).toBe('axes');
    expect(error.problem).toMatch(/1000000 points/);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
