// `latentspike study …`: declared scaling studies (src/study, docs/studies.md). Each subcommand
// declares its options in a table (STUDY_COMMANDS) that builds its parser and its --help.
// Exit codes: 0 done, 2 bad input (nothing run), 1 some point failed, 130 interrupted.

import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  writeFileAtomic,
  compareStudies,
  studyReport,
  runStudyWorker,
  parseQueueUrl,
  EXIT_DOES_NOT_FIT,
  RunFileError,
  readStudyFile,
  studyPoints,
  readStudyJson,
  runStudy,
  STUDY_JSON,
  EXPORT_FORMATS,
  exportPoints,
  query,
  readRows,
  toCsv,
  writeRecords,
  METRIC_COLUMNS,
  runPointIsolated,
  type StudyEvents,
  type ExportFormat,
  type PointRecord,
  type ResultRow,
  type Study,
  type StudyPoint,
} from '../node.ts';
import { interruptSignal, parsePositiveInt, UsageError } from './args.ts';
import { progressBar, type Progress } from './progress.ts';
import { parseOptions, type CommandSpec } from './options.ts';
import { commandHelp } from './usage.ts';

const MAX_N = {
  arg: 'N',
  help: "only the points of at most N neurons (default: the study file's maxNeurons, else all)",
} as const;
const WORKERS = {
  arg: 'N',
  help: 'points run at once, each in its own process (default: every core)',
} as const;
const THREADS = {
  arg: 'N',
  help: "CPU-engine threads per point (default: the study's threads, else the cores shared among the workers)",
} as const;

/** The study subcommands: synopsis, what each does, and its options. */
export const STUDY_COMMANDS = {
  run: {
    synopsis: ['study run STUDY.yaml --out DIR [options]'],
    summary:
      'Runs the points not yet done into DIR (results.duckdb), on local processes or through --queue; ' +
      'rerun to resume.',
    positionals: true,
    options: {
      out: { arg: 'DIR', help: 'the study folder (required)' },
      workers: WORKERS,
      threads: THREADS,
      retries: { arg: 'N', help: "attempts after a point fails (default: the study's retries)" },
      'max-n': MAX_N,
      report: { flag: true, help: 'write report.md, report.html and the plots when the run ends' },
      queue: { arg: 'redis://HOST:PORT', help: 'put the points on this queue for `study worker`s' },
    },
  },
  worker: {
    synopsis: ['study worker --queue redis://HOST:PORT [options]'],
    summary:
      'Takes points from the queue and runs them (any number of machines); Ctrl-C finishes the points in flight.',
    options: {
      queue: { arg: 'redis://HOST:PORT', help: 'the queue `study run --queue` fills (required)' },
      workers: WORKERS,
      threads: {
        ...THREADS,
        help: 'CPU-engine threads per point (default: the cores shared among the workers)',
      },
      'lock-seconds': {
        arg: 'S',
        help: 'a worker that stops renewing its claim gives its point back after this',
        default: '30',
      },
    },
  },
  plan: {
    synopsis: ['study plan STUDY.yaml [options]'],
    summary: 'Lists the points in run order: index, id, neurons and parameters.',
    positionals: true,
    options: { 'max-n': MAX_N },
  },
  point: {
    synopsis: ['study point STUDY.yaml --index I --out DIR/shards [options]'],
    summary:
      'Runs one point into a shard file (index mode for batch schedulers; `study collect` gathers them).',
    positionals: true,
    options: {
      index: { arg: 'I', help: 'the point to run, as `study plan` numbers them (required)' },
      out: { arg: 'DIR/shards', help: 'where the shard is written (required)' },
      'max-n': MAX_N,
      threads: { arg: 'N', help: 'CPU-engine threads (default: every core)' },
    },
  },
  collect: {
    synopsis: ['study collect DIR'],
    summary: "Gathers DIR/shards/*.json into DIR's results.duckdb.",
    positionals: true,
    options: {},
  },
  query: {
    synopsis: ['study query DIR "SQL"'],
    summary: "Runs one SQL statement on the study's results and prints CSV.",
    positionals: true,
    options: {},
  },
  export: {
    synopsis: ['study export DIR [options]'],
    summary: "Writes the study's points as one file.",
    positionals: true,
    options: {
      format: { arg: EXPORT_FORMATS.join('|'), help: 'file format', default: 'parquet' },
      output: { arg: 'FILE', help: 'where to write it (default DIR/points.FORMAT)' },
    },
  },
  report: {
    synopsis: ['study report DIR [options]'],
    summary: 'Writes report.md, report.html and one plot per metric.',
    positionals: true,
    options: { out: { arg: 'DIR', help: 'where to write them (default: the study folder)' } },
  },
  compare: {
    synopsis: ['study compare DIR_A DIR_B'],
    summary: "Compares two studies' metrics point by point (B / A); exit 1 when no point matches.",
    positionals: true,
    options: {},
  },
} as const satisfies Record<string, CommandSpec>;

type StudySubcommand = keyof typeof STUDY_COMMANDS;

const USAGE = [
  'latentspike study — declared scaling studies (docs/studies.md)',
  '',
  ...Object.values(STUDY_COMMANDS).flatMap((c) => c.synopsis.map((line) => `  ${line}`)),
  '',
  'latentspike study SUBCOMMAND --help shows its options.',
].join('\n');

/** `latentspike study` as main.ts's command table lists it (the subcommands answer --help themselves). */
export const STUDY = {
  synopsis: ['study run|worker|plan|point|collect|query|export|report|compare …'],
  summary: 'Declared studies over axes of a network; `latentspike study help` lists its commands.',
  options: {},
} as const satisfies CommandSpec;

const stderr = (line: string) => process.stderr.write(`${line}\n`);

function parseMaxN(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1) throw new UsageError(`--max-n: must be a number ≥ 1 (got "${value}")`);
  return Math.floor(n);
}

function loadStudy(
  positionals: string[],
  command: string,
  maxN?: number,
): { study: Study; points: StudyPoint[] } {
  if (positionals.length !== 1) throw new UsageError(`study ${command}: give exactly one study file`);
  const { study, maxNeurons } = readStudyFile(positionals[0]);
  return { study, points: studyPoints(study, maxN ?? maxNeurons) };
}

const describe = (p: StudyPoint): string =>
  `N = ${p.neurons}  ${Object.entries(p.params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')}`;

function summary(r: PointRecord): string {
  if (r.status !== 'done') return `${r.status}: ${r.error}`;
  const m = r.metrics;
  const show = (k: string) => (typeof m[k] === 'number' ? `${k} ${m[k].toPrecision(3)}` : null);
  return [
    `${r.provenance.wall_seconds.toFixed(1)} s`,
    show('rmse_target'),
    show('rate_e'),
    show('us_per_step'),
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * Progress of a study on stderr: a line per point started (with its time estimate) and finished,
 * above one bar for the whole study. The bar weighs each point by its expected cost — a process's
 * start-up plus its neuron-steps — so the big points at the end do not make the bar lie.
 */
function studyProgress(): StudyEvents & { close(): void } {
  const work = (p: StudyPoint) => p.neurons * Math.max(1, Number(p.params.steps ?? 1));
  // Start-up in units of work, until measured: a second is worth ~10⁷ neuron-steps on one core.
  const startupWork = 1e7;
  let startupSeconds = Infinity;
  let secondsPerWork: number | null = null;
  let doneWork = 0;
  let doneSeconds = 0;
  let doneCount = 0;
  let total = 0;
  let finished = 0;
  let totalWeight = 1;
  let finishedWeight = 0;
  const running = new Map<string, { point: StudyPoint; fraction: number }>();
  const weight = (p: StudyPoint) => startupWork + work(p);
  const bar: Progress = progressBar('study');
  const update = () => {
    const inFlight = [...running.values()].reduce((sum, r) => sum + r.fraction * weight(r.point), 0);
    bar.update(Math.min(1, (finishedWeight + inFlight) / totalWeight));
  };
  const estimate = (p: StudyPoint) =>
    secondsPerWork === null ? null : startupSeconds + secondsPerWork * work(p);
  return {
    planned(skipped, pending) {
      total = pending.length;
      totalWeight = Math.max(
        1,
        pending.reduce((sum, p) => sum + weight(p), 0),
      );
      bar.log(
        skipped > 0
          ? `study: ${skipped} point(s) already done, ${total} to run`
          : `study: ${total} point(s) to run`,
      );
    },
    started(point) {
      running.set(point.id, { point, fraction: 0 });
      const est = estimate(point);
      bar.log(
        `[${point.index}] start ${describe(point)}${est === null ? '' : ` (est. ${est.toFixed(1)} s)`}`,
      );
    },
    progress(point, fraction) {
      const r = running.get(point.id);
      if (r) r.fraction = fraction;
      update();
    },
    retrying(record, attempt) {
      bar.log(`[${record.index}] failed (${record.error}); attempt ${attempt}`);
    },
    recorded(record, point) {
      running.delete(record.id);
      finished++;
      if (point) finishedWeight += weight(point);
      if (record.status === 'done' && point) {
        // Wall time ≈ start-up (the quickest point so far) + seconds per neuron-step.
        doneCount++;
        doneWork += work(point);
        doneSeconds += record.provenance.wall_seconds;
        startupSeconds = Math.min(startupSeconds, record.provenance.wall_seconds);
        secondsPerWork = Math.max(0, doneSeconds - startupSeconds * doneCount) / doneWork;
      }
      bar.log(`[${record.index}] ${finished}/${total} ${summary(record)}`);
      update();
    },
    close() {
      bar.done();
    },
  };
}

/** A malformed --queue URL is bad input (exit 2). */
async function checkQueueUrl(url: string): Promise<void> {
  try {
    await parseQueueUrl(url);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function runSubcommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(STUDY_COMMANDS.run, args);
  if (!values.out) throw new UsageError('study run: --out DIR is required');
  const { study, points } = loadStudy(positionals, 'run', parseMaxN(values['max-n']));
  if (values.retries !== undefined) {
    const retries = Number(values.retries);
    if (!Number.isInteger(retries) || retries < 0)
      throw new UsageError(`--retries: must be an integer ≥ 0 (got "${values.retries}")`);
    study.settings.retries = retries;
  }
  const cores = availableParallelism();
  const workers = parsePositiveInt('workers', values.workers, cores)!;
  const threads = parsePositiveInt(
    'threads',
    values.threads,
    study.settings.threads ?? Math.max(1, Math.floor(cores / workers)),
  )!;
  if (values.queue) await checkQueueUrl(values.queue);
  return runStudyCommand(study, points, {
    out: values.out,
    workers,
    threads,
    queue: values.queue,
    report: values.report === true,
  });
}

export interface StudyCommandOptions {
  out: string;
  workers: number;
  threads: number;
  queue?: string;
  /** Write report.md, report.html and the plots into `out` when the run ends (interrupted or not). */
  report: boolean;
  /** Exit 3 when a point was refused for memory (a single-recipe alias, where that is the answer). */
  refusedExits?: boolean;
}

/** `study run` once its study is known (also what `latentspike scale` runs). */
export async function runStudyCommand(
  study: Study,
  points: StudyPoint[],
  o: StudyCommandOptions,
): Promise<number> {
  const { signal, dispose } = interruptSignal();
  const progress = studyProgress();
  try {
    const outcome = await runStudy(o.out, study, points, {
      workers: o.workers,
      threads: o.threads,
      signal,
      queue: o.queue,
      events: progress,
    });
    progress.close();
    stderr(
      `study ${study.name}: ${outcome.done} done, ${outcome.failed} failed, ${outcome.refused} refused, ` +
        `${outcome.skipped} already done (of ${outcome.points}); results in ${join(o.out, 'results.duckdb')}`,
    );
    if (o.report && outcome.done + outcome.skipped > 0) await writeReport(o.out, o.out);
    if (outcome.interrupted) {
      stderr('interrupted: finished points are kept; run the same command again to continue');
      return 130;
    }
    if (outcome.failed > 0) return 1;
    return o.refusedExits && outcome.refused > 0 ? EXIT_DOES_NOT_FIT : 0;
  } finally {
    dispose();
  }
}

async function workerSubcommand(args: string[]): Promise<number> {
  const { values } = parseOptions(STUDY_COMMANDS.worker, args);
  if (!values.queue) throw new UsageError('study worker: --queue redis://HOST:PORT is required');
  await checkQueueUrl(values.queue);
  const workers = parsePositiveInt('workers', values.workers, availableParallelism())!;
  const threads = parsePositiveInt(
    'threads',
    values.threads,
    Math.max(1, Math.floor(availableParallelism() / workers)),
  )!;
  const { signal, dispose } = interruptSignal();
  try {
    stderr(
      `study worker: ${workers} at once on ${values.queue} (Ctrl-C finishes the points in flight, then stops)`,
    );
    // A worker that stops renewing its claim (killed, machine lost) gives its point back after this.
    const lockSeconds = parsePositiveInt(
      'lock-seconds',
      values['lock-seconds'] ?? STUDY_COMMANDS.worker.options['lock-seconds'].default,
    );
    await runStudyWorker({
      url: values.queue,
      workers,
      threads,
      signal,
      log: stderr,
      lockDuration: lockSeconds * 1000,
    });
    return 0;
  } finally {
    dispose();
  }
}

function planSubcommand(args: string[]): number {
  const { values, positionals } = parseOptions(STUDY_COMMANDS.plan, args);
  const { study, points } = loadStudy(positionals, 'plan', parseMaxN(values['max-n']));
  process.stdout.write(`# ${study.name}: ${points.length} points (index id neurons parameters)\n`);
  for (const p of points) process.stdout.write(`${p.index} ${p.id} ${describe(p)}\n`);
  return 0;
}

async function pointSubcommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(STUDY_COMMANDS.point, args);
  if (!values.out) throw new UsageError('study point: --out DIR/shards is required');
  const { study, points } = loadStudy(positionals, 'point', parseMaxN(values['max-n']));
  const index = Number(values.index);
  if (values.index === undefined || !Number.isInteger(index) || index < 0 || index >= points.length)
    throw new UsageError(
      `--index: must be an integer in 0…${points.length - 1} (got "${values.index ?? ''}")`,
    );
  const point = points[index];
  const shard = join(values.out, `${point.id}.json`);
  if (
    existsSync(shard) &&
    (JSON.parse(readFileSync(shard, 'utf8')) as { record: PointRecord }).record.status === 'done'
  ) {
    stderr(`point ${index} (${point.id}) is already done: ${shard}`);
    return 0;
  }
  const { signal, dispose } = interruptSignal();
  try {
    stderr(`[${index}] ${describe(point)}`);
    const threads = parsePositiveInt('threads', values.threads, availableParallelism())!;
    const record = await runPointIsolated(study, point, { signal, threads });
    writeFileAtomic(shard, JSON.stringify({ study, record }));
    stderr(`[${index}] ${summary(record)} → ${shard}`);
    return record.status === 'failed' ? 1 : 0;
  } catch (e) {
    if ((e as Error).name === 'AbortError') {
      stderr('interrupted: nothing written');
      return 130;
    }
    throw e;
  } finally {
    dispose();
  }
}

async function collectSubcommand(args: string[]): Promise<number> {
  const { positionals } = parseOptions(STUDY_COMMANDS.collect, args);
  if (positionals.length !== 1)
    throw new UsageError('study collect: give the study folder (it holds shards/)');
  const dir = positionals[0];
  const shards = join(dir, 'shards');
  if (!existsSync(shards))
    throw new RunFileError(shards, 'no shards here (study point … --out DIR/shards writes them)');
  const files = readdirSync(shards).filter((f) => f.endsWith('.json'));
  const parsed = files.map(
    (f) => JSON.parse(readFileSync(join(shards, f), 'utf8')) as { study: Study; record: PointRecord },
  );
  if (parsed.length === 0) throw new RunFileError(shards, 'no shard files (*.json) yet');
  const names = new Set(parsed.map((s) => s.study.name));
  if (names.size > 1) throw new RunFileError(shards, `shards of several studies: ${[...names].join(', ')}`);
  mkdirSync(dir, { recursive: true });
  if (!readStudyJson(dir)) writeFileAtomic(join(dir, STUDY_JSON), JSON.stringify(parsed[0].study, null, 2));
  await writeRecords(
    dir,
    parsed.map((s) => s.record),
  );
  stderr(`study collect: ${parsed.length} point(s) from ${shards} into ${join(dir, 'results.duckdb')}`);
  return 0;
}

async function querySubcommand(args: string[]): Promise<number> {
  const { positionals } = parseOptions(STUDY_COMMANDS.query, args);
  if (positionals.length !== 2)
    throw new UsageError('study query: give the study folder and one SQL statement');
  process.stdout.write(toCsv(await query(positionals[0], positionals[1])));
  return 0;
}

async function exportSubcommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(STUDY_COMMANDS.export, args);
  if (positionals.length !== 1) throw new UsageError('study export: give the study folder');
  const format = (values.format ?? STUDY_COMMANDS.export.options.format.default) as ExportFormat;
  if (!EXPORT_FORMATS.includes(format))
    throw new UsageError(`--format: one of ${EXPORT_FORMATS.join(', ')} (got "${values.format}")`);
  const file = values.output ?? join(positionals[0], `points.${format}`);
  await exportPoints(positionals[0], format, file);
  stderr(`wrote ${file}`);
  return 0;
}

/** The study and its rows; a folder without study.json is bad input. */
async function loadResults(
  dir: string,
): Promise<{ study: Study; rows: ResultRow[]; metricColumns: string[] }> {
  const study = readStudyJson(dir);
  if (!study) throw new RunFileError(dir, `no ${STUDY_JSON} here: not a study folder`);
  const rows = await readRows(dir);
  const present = new Set(rows.flatMap((r) => Object.keys(r).filter((k) => r[k] !== null)));
  const metricColumns = [
    ...METRIC_COLUMNS.filter((m) => present.has(m)),
    ...[...present].filter((k) => k.startsWith('preset_')).sort(),
  ];
  return { study, rows, metricColumns };
}

async function writeReport(dir: string, out: string): Promise<void> {
  const report = studyReport(await loadResults(dir));
  for (const plot of report.plots) writeFileAtomic(join(out, plot.name), plot.svg);
  writeFileAtomic(join(out, 'report.md'), report.markdown);
  writeFileAtomic(join(out, 'report.html'), report.html);
  stderr(`wrote report.md, report.html and ${report.plots.length} plot(s) to ${out}/`);
}

async function reportSubcommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(STUDY_COMMANDS.report, args);
  if (positionals.length !== 1) throw new UsageError('study report: give the study folder');
  await writeReport(positionals[0], values.out ?? positionals[0]);
  return 0;
}

async function compareSubcommand(args: string[]): Promise<number> {
  const { positionals } = parseOptions(STUDY_COMMANDS.compare, args);
  if (positionals.length !== 2) throw new UsageError('study compare: give two study folders');
  const [a, b] = await Promise.all(positionals.map(loadResults));
  const metricColumns = a.metricColumns.filter((m) => b.metricColumns.includes(m));
  const { text, matched } = compareStudies(a, b, metricColumns);
  process.stdout.write(
    `# ${basename(positionals[1])} / ${basename(positionals[0])} (${dirname(positionals[0])})\n${text}\n`,
  );
  return matched > 0 ? 0 : 1;
}

export async function studyCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  // `study SUBCOMMAND --help` (and `study help SUBCOMMAND`).
  const helpFor = sub === 'help' && rest.length === 1 ? rest[0] : sub;
  if (
    Object.hasOwn(STUDY_COMMANDS, helpFor) &&
    (sub === 'help' || rest.includes('--help') || rest.includes('-h'))
  ) {
    process.stdout.write(`${commandHelp(STUDY_COMMANDS[helpFor as StudySubcommand])}\n`);
    return 0;
  }
  switch (sub) {
    case 'run':
      return runSubcommand(rest);
    case 'worker':
      return workerSubcommand(rest);
    case 'plan':
      return planSubcommand(rest);
    case 'point':
      return pointSubcommand(rest);
    case 'collect':
      return collectSubcommand(rest);
    case 'query':
      return querySubcommand(rest);
    case 'export':
      return exportSubcommand(rest);
    case 'report':
      return reportSubcommand(rest);
    case 'compare':
      return compareSubcommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`study: unknown subcommand "${sub}"\n\n${USAGE}`);
  }
}
