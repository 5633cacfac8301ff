// `latentspike scale`: the scaling study as a short alias of `study run` (studies/scale.yaml is the
// default as a file). The sizes become the redundancy axis (m = round(N / base size)), so every
// size is a point of a study in --out: resumable, in results.duckdb, with report.md, report.html
// and one plot per metric. Options: --sizes 1e2,…,1e7, --function fig5|tutorial (fig5), --backend
// cpu|webgpu|auto, --steps 2000, --dt 1e-4, --sigma 0.01, --jitter 1 (spike jumps), --every 10,
// --seed 0, --workers 1, --threads N (default: every core), --out out/scale.

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createEngine,
  SCALE_FUNCTIONS,
  baseSize,
  scaleFunction,
  studyPoints,
  STUDY_FORMAT,
  type ScaleFunctionName,
  type Study,
  type StudyBackend,
} from '../node.ts';
import { parseBackend, parsePositiveInt, UsageError } from './args.ts';
import { runStudyCommand } from './studyCommand.ts';

const DEFAULT_SIZES = '1e2,1e3,1e4,1e5,1e6,1e7';

function parseSizes(text: string): number[] {
  return text.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--sizes: "${s}" is not a positive integer`);
    return n;
  });
}

function parseNonNegative(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const v = Number(value);
  if (!(v >= 0 && Number.isFinite(v)))
    throw new UsageError(`--${name}: must be a number ≥ 0 (got "${value}")`);
  return v;
}

function parseFunction(value: string | undefined): ScaleFunctionName {
  const v = value ?? 'fig5';
  if (!(SCALE_FUNCTIONS as readonly string[]).includes(v))
    throw new UsageError(`--function: one of ${SCALE_FUNCTIONS.join(', ')} (got "${v}")`);
  return v as ScaleFunctionName;
}

/** `auto` is decided as for every command (engine/select.ts), and said on stderr. */
async function studyBackend(choice: string | undefined): Promise<StudyBackend> {
  const backend = parseBackend(choice);
  if (backend !== 'auto') return backend;
  const engine = await createEngine({ onNotice: (line) => process.stderr.write(`${line}\n`) });
  engine.dispose();
  return engine.backend;
}

export async function scaleCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      sizes: { type: 'string' },
      backend: { type: 'string' },
      function: { type: 'string' },
      steps: { type: 'string' },
      sigma: { type: 'string' },
      jitter: { type: 'string' },
      dt: { type: 'string' },
      every: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      threads: { type: 'string' },
      workers: { type: 'string' },
    },
  });
  const fn = scaleFunction(parseFunction(values.function));
  const dt = parseNonNegative('dt', values.dt, 1e-4);
  if (dt === 0) throw new UsageError('--dt: must be > 0');
  const steps = parsePositiveInt('steps', values.steps, 2000)!;
  if (steps * dt <= 0.06)
    throw new UsageError(`--steps: ${steps} steps of ${dt} s do not outlast the 50 ms init cut`);
  const seed = parseNonNegative('seed', values.seed, 0);
  if (!Number.isInteger(seed)) throw new UsageError('--seed: must be an integer');
  const copies = [
    ...new Set(
      parseSizes(values.sizes ?? DEFAULT_SIZES).map((n) => Math.max(1, Math.round(n / baseSize(fn)))),
    ),
  ];
  const study: Study = {
    format: STUDY_FORMAT,
    name: `scale-${fn.name}`,
    base: { kind: 'scale', function: fn.name },
    axes: [
      { name: 'redundancy', path: null, values: copies },
      {
        name: 'sigmaV',
        path: 'populations.*.sigmaV',
        values: [parseNonNegative('sigma', values.sigma, 0.01)],
      },
      { name: 'dt', path: 'dt', values: [dt] },
      { name: 'seed', path: null, values: [seed] },
    ],
    zip: [],
    sample: null,
    settings: {
      backend: await studyBackend(values.backend),
      steps,
      trials: null,
      threads: null,
      jitter: parseNonNegative('jitter', values.jitter, 1),
      every: parsePositiveInt('every', values.every, 10)!,
      retries: 0,
    },
  };
  const out = values.out ?? join('out', 'scale');
  const workers = parsePositiveInt('workers', values.workers, 1)!;
  const threads = parsePositiveInt(
    'threads',
    values.threads,
    Math.max(1, Math.floor(availableParallelism() / workers)),
  )!;
  return runStudyCommand(study, studyPoints(study), {
    out,
    workers,
    threads,
    report: true,
    refusedExits: true,
  });
}
