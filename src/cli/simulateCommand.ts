// `latentspike simulate RUN.json`: simulates any run file and writes its result file
// (latentspike/result@1), with checkpoints to resume from (docs/checkpoints.md).

import { readFileSync, rmSync } from 'node:fs';
import {
  writeFileAtomic,
  admitRunText,
  parseRunFileText,
  compileNetwork,
  toResultJson,
  createEngine,
  isAbortError,
  SnapshotMismatch,
  abortError,
  type EngineSnapshot,
  type RunCheckpoint,
} from '../node.ts';
import { progressBar } from './progress.ts';
import { readCheckpoint, runFileHash, writeCheckpoint } from './checkpointFile.ts';
import {
  BACKEND,
  FORCE,
  THREADS,
  UsageError,
  interruptSignal,
  parseBackend,
  parseSeconds,
  parseThreads,
} from './args.ts';
import { parseOptions, type CommandSpec } from './options.ts';

export const SIMULATE = {
  synopsis: ['simulate RUN.json [options]'],
  summary: 'Simulates any run file and writes its result file (latentspike/result@1).',
  positionals: true,
  tuned: true,
  options: {
    backend: BACKEND,
    precision: { arg: 'f64|f32', help: 'CPU engine: f32 rounds like a GPU (default f64)' },
    threads: THREADS,
    out: { arg: 'RESULT.json', help: 'where to write the result (default: stdout); written atomically' },
    checkpoint: {
      arg: 'FILE',
      help:
        "write the run's whole state to FILE now and then (atomically), and on Ctrl-C before exiting 130; " +
        'removed once the result is written (docs/checkpoints.md)',
    },
    'checkpoint-every': { arg: 'SECONDS', help: 'seconds between checkpoints', default: '60' },
    resume: {
      arg: 'FILE',
      help:
        'continue the run from a checkpoint of this same run file: the same spikes, bit for bit; ' +
        "the checkpoint's backend and precision unless given",
    },
    force: FORCE,
  },
} as const satisfies CommandSpec;

const notice = (line: string) => process.stderr.write(`${line}\n`);

export async function simulateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(SIMULATE, args);
  if (positionals.length !== 1) throw new UsageError('simulate: give exactly one run file');
  const path = positionals[0];
  const checkpointPath = values.checkpoint;
  if (values['checkpoint-every'] !== undefined && checkpointPath === undefined) {
    throw new UsageError('--checkpoint-every: only with --checkpoint FILE');
  }
  const every = parseSeconds(
    'checkpoint-every',
    values['checkpoint-every'] ?? SIMULATE.options['checkpoint-every'].default,
  );
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
