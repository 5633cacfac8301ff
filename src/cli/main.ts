// `latentspike` — simulate run files, emit and run the paper's presets, benchmark (RUN_FORMAT.md).
// Exit codes (usage.ts lists them for --help): 0 success, 1 other failure, 2 bad input (run file or
// arguments; nothing written), 3 does not fit, 130 interrupted (finished results are still written).
// `latentspike COMMAND --help` prints the command's usage from usage.ts; `study` prints its own.

import { readFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  RunFileError,
  EXIT_BAD_INPUT,
  DoesNotFitError,
  EXIT_DOES_NOT_FIT,
  admitRunText,
  parseRunFileText,
  compileNetwork,
  toResultJson,
  createEngine,
  PRESETS,
  findPreset,
  runFilePreset,
  isAbortError,
  SnapshotMismatch,
  abortError,
  tuningOff,
  TUNING_VARIABLE,
  type EngineSnapshot,
  type RunCheckpoint,
} from '../node.ts';
import { progressBar } from './progress.ts';
import { writeFileAtomic } from './files.ts';
import { readCheckpoint, runFileHash, writeCheckpoint } from './checkpointFile.ts';
import { runCommand } from './runCommand.ts';
import { benchCommand } from './benchCommand.ts';
import { tableCommand } from './tableCommand.ts';
import { scaleCommand } from './scaleCommand.ts';
import { studyCommand } from './studyCommand.ts';
import { planCommand } from './planCommand.ts';
import { tuneCommand } from './tuneCommand.ts';
import { COMMANDS, commandHelp, mainHelp } from './usage.ts';
import { UsageError, interruptSignal, parseBackend, parseSeconds, parseThreads } from './args.ts';

const USAGE = mainHelp(
  COMMANDS,
  PRESETS.map((p) => p.name),
);

/** `simulate --checkpoint`'s interval when --checkpoint-every is not given (docs/checkpoints.md). */
export const DEFAULT_CHECKPOINT_SECONDS = 60;

const notice = (line: string) => process.stderr.write(`${line}\n`);

async function simulateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      backend: { type: 'string' },
      out: { type: 'string' },
      precision: { type: 'string' },
      threads: { type: 'string' },
      force: { type: 'boolean' },
      checkpoint: { type: 'string' },
      'checkpoint-every': { type: 'string' },
      resume: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('simulate: give exactly one run file');
  const path = positionals[0];
  const checkpointPath = values.checkpoint;
  if (values['checkpoint-every'] !== undefined && checkpointPath === undefined) {
    throw new UsageError('--checkpoint-every: only with --checkpoint FILE');
  }
  const every = parseSeconds('checkpoint-every', values['checkpoint-every'], DEFAULT_CHECKPOINT_SECONDS);
  const text = readFileSync(path, 'utf8');
  if (!values.force) admitRunText(text);
  const spec = parseRunFileText(text, path);
  const net = compileNetwork(spec);
  const runFile = { path, sha256: runFileHash(text) };
  const resumePath = values.resume;
  const refused = (e: unknown) =>
    e instanceof SnapshotMismatch ? new UsageError(`--resume ${resumePath}: ${e.message}`) : e;
  let resumeFrom: EngineSnapshot | undefined;
  if (resumePath !== undefined) {
    try {
      resumeFrom = readCheckpoint(resumePath, runFile);
    } catch (e) {
      throw refused(e);
    }
  }
  // A resumed run takes the checkpoint's backend and precision unless told otherwise.
  const choice =
    values.backend === undefined && resumeFrom ? resumeFrom.backend : parseBackend(values.backend);
  const precision =
    values.precision ??
    (resumeFrom?.backend === 'cpu' && choice === 'cpu' ? resumeFrom.precision : undefined);
  if (precision !== undefined && precision !== 'f64' && precision !== 'f32') {
    throw new UsageError(`--precision: unknown precision "${precision}"; allowed: f64, f32`);
  }
  const threads = parseThreads(values.threads);
  const engine = await createEngine({
    backend: choice,
    onNotice: notice,
    cpu: choice === 'cpu' ? { precision, threads } : { threads },
  });
  const { signal, dispose } = interruptSignal();
  const progress = progressBar('simulating');
  // With --checkpoint a Ctrl-C stops the run at the next chunk boundary, after a last checkpoint;
  // otherwise it aborts the run at once.
  // The interval counts from the first chunk boundary (setup is not simulation).
  let lastCheckpoint: number | null = null;
  const gate =
    checkpointPath === undefined
      ? undefined
      : async (at: RunCheckpoint) => {
          const stop = signal.aborted;
          lastCheckpoint ??= performance.now();
          if (stop || performance.now() - lastCheckpoint >= every * 1000) {
            writeCheckpoint(checkpointPath, await at.snapshot(), runFile, at.total);
            lastCheckpoint = performance.now();
          }
          if (stop) throw abortError();
        };
  try {
    const result = await engine.run(net, {
      signal: gate ? undefined : signal,
      gate,
      resumeFrom,
      onProgress: (d, t) => progress.update(d / t),
    });
    progress.done();
    const text = JSON.stringify(toResultJson(net, result));
    if (values.out) writeFileAtomic(values.out, text);
    else process.stdout.write(`${text}\n`);
    // The result supersedes the checkpoint: none is left to resume a finished run by mistake.
    if (checkpointPath !== undefined) rmSync(checkpointPath, { force: true });
    return 0;
  } catch (e) {
    if (isAbortError(e)) {
      notice(
        checkpointPath === undefined
          ? 'interrupted: nothing written'
          : `interrupted: checkpoint written to ${checkpointPath}; continue with --resume ${checkpointPath}`,
      );
      return 130;
    }
    throw refused(e);
  } finally {
    dispose();
    engine.dispose();
  }
}

function presetCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { emit: { type: 'string' }, index: { type: 'string' }, seed: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('preset: give exactly one preset name');
  const preset = findPreset(positionals[0]);
  if (!preset)
    throw new UsageError(
      `preset: unknown preset "${positionals[0]}"; allowed: ${PRESETS.map((p) => p.name).join(', ')}`,
    );
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new UsageError(`--seed: must be a non-negative integer (got "${values.seed}")`);
  const runs = preset.runs({ seed });
  const index = values.index === undefined ? 0 : Number(values.index);
  if (!Number.isInteger(index) || index < 0 || index >= runs.length) {
    throw new UsageError(`--index: must be an integer in 0…${runs.length - 1} (got "${values.index}")`);
  }
  if (runs.length > 1 && values.index === undefined) {
    notice(`${preset.name} simulates ${runs.length} run files; writing #0 (choose another with --index)`);
  }
  const text = JSON.stringify(runs[index], null, 1);
  if (values.emit) writeFileAtomic(values.emit, text);
  else process.stdout.write(`${text}\n`);
  return 0;
}

function listCommand(): number {
  for (const p of PRESETS) process.stdout.write(`${p.name.padEnd(16)} ${p.title}\n`);
  return 0;
}

/** Commands that make a WebGPU engine: they take `--no-tune`. */
const TUNED_COMMANDS = new Set(['simulate', 'run', 'bench']);

export async function main(argv: string[]): Promise<number> {
  const [command, ...options] = argv;
  // `--no-tune` is LATENTSPIKE_TUNING=off for this process (and the workers it starts).
  const rest = TUNED_COMMANDS.has(command) ? options.filter((a) => a !== '--no-tune') : options;
  if (rest.length < options.length) process.env[TUNING_VARIABLE] = 'off';
  // `latentspike COMMAND --help` (and `latentspike help COMMAND`); study answers for itself.
  const helpFor = command === 'help' && rest.length === 1 ? rest[0] : command;
  const usage = helpFor === undefined ? undefined : Object.hasOwn(COMMANDS, helpFor) && COMMANDS[helpFor];
  const askedForHelp = command === 'help' || rest.includes('--help') || rest.includes('-h');
  if (usage && askedForHelp && helpFor !== 'study') {
    process.stdout.write(`${commandHelp(usage)}\n`);
    return 0;
  }
  try {
    const tuning = tuningOff(process.env);
    if (tuning instanceof Error && (TUNED_COMMANDS.has(command) || command === 'tune')) {
      throw new UsageError(tuning.message);
    }
    switch (command) {
      case 'simulate':
        return await simulateCommand(rest);
      case 'preset':
        return presetCommand(rest);
      case 'run':
        return await runCommand(rest, {
          findPreset: (name, options) => findPreset(name) ?? runFilePreset(name, options),
        });
      case 'list':
        return listCommand();
      case 'bench':
        return await benchCommand(rest);
      case 'table':
        return await tableCommand(rest);
      case 'scale':
        return await scaleCommand(rest);
      case 'study':
        return await studyCommand(rest);
      case 'plan':
        return await planCommand(rest);
      case 'tune':
        return await tuneCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? EXIT_BAD_INPUT : 0;
      default:
        throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof DoesNotFitError) {
      process.stderr.write(`error: ${e.message}\n`);
      return EXIT_DOES_NOT_FIT;
    }
    if (e instanceof RunFileError) {
      process.stderr.write(`error: ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      return EXIT_BAD_INPUT;
    }
    if ((e as { code?: string }).code === 'ENOENT') {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`error: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}
