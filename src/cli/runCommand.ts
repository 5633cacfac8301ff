// `latentspike run NAME|RUN.json`: simulate a preset for one or more seeds, print its metrics next
// to the paper's, and write result.json, metrics.json and SVG plots into --out. An interrupt keeps
// the seeds that finished (metrics.json says `"interrupted": true`), and so does a seed that fails
// (metrics.json's `failed` names it and the error; exit 3 for an out-of-memory error, else 1).

import { join } from 'node:path';
import {
  terminalTable,
  writeFileAtomic,
  createEngine,
  admitRunFile,
  runPreset,
  toResultJson,
  PRESETS,
  planeProblem,
  DoesNotFitError,
  EXIT_DOES_NOT_FIT,
  type Preset,
} from '../node.ts';
import {
  BACKEND,
  FORCE,
  THREADS,
  interruptSignal,
  parseBackend,
  parsePositiveInt,
  parseThreads,
  UsageError,
} from './args.ts';
import { parseOptions, type CommandSpec } from './options.ts';
import { progressBar } from './progress.ts';

export const RUN = {
  synopsis: ['run NAME|RUN.json [options]'],
  summary:
    "Simulates a preset (or any run file) for one or more seeds, prints its metrics next to the paper's, " +
    'and writes result.json, metrics.json and SVG plots (plane.svg where the network has an E/I plane). ' +
    'A seed that fails (e.g. a GPU device lost for good) keeps the seeds before it; metrics.json names it.',
  positionals: true,
  tuned: true,
  options: {
    backend: BACKEND,
    threads: THREADS,
    seeds: { arg: 'N', help: 'seeds 0 … N−1: metrics are mean ± s.d. over them', default: '1' },
    trials: { arg: 'N', help: 'trials of presets that sweep many (figS2, fig8-mistuning)' },
    out: { arg: 'DIR', help: 'output folder (default out/NAME)' },
    force: FORCE,
  },
} as const satisfies CommandSpec;

export async function runCommand(
  args: string[],
  deps: {
    findPreset(name: string, options: { force?: boolean }): Preset | undefined;
    /** The engine factory (tests wrap the real one); default createEngine. */
    createEngine?: typeof createEngine;
  },
): Promise<number> {
  const { values, positionals } = parseOptions(RUN, args);
  if (positionals.length !== 1) throw new UsageError('run: give exactly one preset name or run file');
  const preset = deps.findPreset(positionals[0], { force: values.force });
  if (!preset) {
    throw new UsageError(
      `run: unknown preset "${positionals[0]}"; allowed: ${PRESETS.map((p) => p.name).join(', ')}, or a run file (*.json)`,
    );
  }
  const seeds = parsePositiveInt('seeds', values.seeds ?? RUN.options.seeds.default);
  const trials = parsePositiveInt('trials', values.trials);
  // Each seed's run files are the same size: the first seed's say whether the run fits.
  if (!values.force)
    for (const run of preset.runs({ seed: 0, ...(trials ? { trials } : {}) })) admitRunFile(run);
  const outDir = values.out ?? join('out', preset.name);
  const engine = await (deps.createEngine ?? createEngine)({
    backend: parseBackend(values.backend),
    onNotice: (line) => process.stderr.write(`${line}\n`),
    cpu: { threads: parseThreads(values.threads) },
  });
  const { signal, dispose } = interruptSignal();
  const progress = progressBar(preset.name);
  try {
    const outcome = await runPreset(preset, engine, { seeds, trials, signal, onProgress: progress.update });
    progress.done();
    const { report, firstRuns, plots } = outcome;
    process.stdout.write(
      `${preset.title}\nbackend: ${report.backend}; seeds: ${report.seeds.join(', ') || 'none finished'}\n\n`,
    );
    process.stdout.write(`${terminalTable(report.metrics)}\n`);
    if (firstRuns.length > 0) {
      writeFileAtomic(
        join(outDir, 'result.json'),
        JSON.stringify(toResultJson(firstRuns[0].net, firstRuns[0].result)),
      );
    }
    for (const plot of plots) writeFileAtomic(join(outDir, `${plot.name}.svg`), plot.svg);
    writeFileAtomic(join(outDir, 'metrics.json'), JSON.stringify(report, null, 2));
    const written = [
      'metrics.json',
      ...(firstRuns.length > 0 ? ['result.json'] : []),
      ...plots.map((p) => `${p.name}.svg`),
    ];
    process.stderr.write(`\nwrote ${written.join(', ')} to ${outDir}/\n`);
    const noPlane = plots.some((p) => p.name === 'plane') ? null : firstRuns[0] && planeProblem(firstRuns[0]);
    if (noPlane) process.stderr.write(`no plane.svg: ${noPlane}\n`);
    if (report.interrupted) {
      process.stderr.write(`interrupted: ${report.seeds.length} of ${seeds} seeds finished and were kept\n`);
      return 130;
    }
    if (report.failed) {
      process.stderr.write(
        `error: seed ${report.failed.seed} failed: ${report.failed.error}\n` +
          `${report.seeds.length} of ${seeds} seeds finished and were kept\n`,
      );
      return outcome.error instanceof DoesNotFitError ? EXIT_DOES_NOT_FIT : 1;
    }
    return 0;
  } finally {
    dispose();
    engine.dispose();
  }
}
