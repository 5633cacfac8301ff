// `latentspike scale`: the scaling study as a short alias of `study run` (studies/scale.yaml is the
// default as a file). The sizes become the redundancy axis (m = round(N / base size)), so every
// size is a point of a study in --out: resumable, in results.duckdb, with report.md, report.html
// and one plot per metric.

import { availableParallelism } from 'node:os';
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
import { BACKEND, parseBackend, parsePositiveInt, UsageError } from './args.ts';
import { parseOptions, type CommandSpec } from './options.ts';
import { runStudyCommand } from './studyCommand.ts';

export const SCALE = {
  synopsis: ['scale [options]'],
  summary:
    'The scaling study: one target function at growing sizes N (redundant copies), accuracy and time ' +
    'per step, as a study in --out (resumable; results.duckdb, report.md, plots).',
  options: {
    sizes: { arg: 'N,N,…', help: 'network sizes', default: '1e2,1e3,1e4,1e5,1e6,1e7' },
    function: { arg: SCALE_FUNCTIONS.join('|'), help: 'target function', default: 'fig5' },
    backend: BACKEND,
    steps: { arg: 'S', help: 'steps per size', default: '2000' },
    dt: { arg: 'S', help: 'time step in seconds', default: '1e-4' },
    sigma: { arg: 'σ', help: 'voltage noise', default: '0.01' },
    jitter: { arg: 'J', help: 'threshold spread of the copies, in spike jumps', default: '1' },
    every: { arg: 'K', help: 'record latents every K steps', default: '10' },
    seed: { arg: 'S', help: 'noise seed', default: '0' },
    workers: { arg: 'W', help: 'sizes run at once', default: '1' },
    threads: { arg: 'N', help: 'CPU-engine threads per size (default: the cores shared among the workers)' },
    out: { arg: 'DIR', help: 'output folder', default: 'out/scale' },
  },
} as const satisfies CommandSpec;

function parseSizes(text: string): number[] {
  return text.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--sizes: "${s}" is not a positive integer`);
    return n;
  });
}

function parseNonNegative(name: string, value: string): number {
  const v = Number(value);
  if (!(v >= 0 && Number.isFinite(v)))
    throw new UsageError(`--${name}: must be a number ≥ 0 (got "${value}")`);
  return v;
}

function parseFunction(v: string): ScaleFunctionName {
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
  const { values } = parseOptions(SCALE, args);
  const o = SCALE.options;
  const fn = scaleFunction(parseFunction(values.function ?? o.function.default));
  const dt = parseNonNegative('dt', values.dt ?? o.dt.default);
  if (dt === 0) throw new UsageError('--dt: must be > 0');
  const steps = parsePositiveInt('steps', values.steps ?? o.steps.default);
  if (steps * dt <= 0.06)
    throw new UsageError(`--steps: ${steps} steps of ${dt} s do not outlast the 50 ms init cut`);
  const seed = parseNonNegative('seed', values.seed ?? o.seed.default);
  if (!Number.isInteger(seed)) throw new UsageError('--seed: must be an integer');
  const copies = [
    ...new Set(
      parseSizes(values.sizes ?? o.sizes.default).map((n) => Math.max(1, Math.round(n / baseSize(fn)))),
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
        values: [parseNonNegative('sigma', values.sigma ?? o.sigma.default)],
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
      jitter: parseNonNegative('jitter', values.jitter ?? o.jitter.default),
      every: parsePositiveInt('every', values.every ?? o.every.default),
      retries: 0,
    },
  };
  const out = values.out ?? o.out.default;
  const workers = parsePositiveInt('workers', values.workers ?? o.workers.default);
  const threads = parsePositiveInt(
    'threads',
    values.threads,
    Math.max(1, Math.floor(availableParallelism() / workers)),
  );
  return runStudyCommand(study, studyPoints(study), {
    out,
    workers,
    threads,
    report: true,
    refusedExits: true,
  });
}
