// Points in child processes: each point gets a fresh process, so its peak RSS is its own and a
// crash (the kernel's OOM killer included) fails that point, not the study. The child is child.ts
// (built: child.js beside this module; from source: through tsx) and talks over the IPC channel: it
// receives one point and answers progress and one record. Children ignore SIGINT: the coordinator
// decides what an interrupt stops, and kills them itself.

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { abortError } from '../engine/checkpoint.ts';
import { runPoint, unfinishedRecord } from './runPoint.ts';
import type { PointRecord, Study, StudyPoint } from './types.ts';

/** The child's program and the Node options it needs: the built child.js as it is, else child.ts through tsx. */
function childProgram(): { path: string; execArgv: string[] } {
  const built = new URL('./child.js', import.meta.url);
  if (existsSync(built)) return { path: fileURLToPath(built), execArgv: [] };
  const source = fileURLToPath(new URL('./child.ts', import.meta.url));
  return { path: source, execArgv: ['--import', import.meta.resolve('tsx')] };
}

export interface ChildRequest {
  study: Study;
  point: StudyPoint;
  threads?: number;
}

export type ChildMessage = { type: 'progress'; fraction: number } | { type: 'record'; record: PointRecord };

export interface IsolatedOptions {
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** A record for a point whose process ended without one. */
export function failedRecord(study: Study, point: StudyPoint, error: string, startedAt: Date): PointRecord {
  const backend = typeof point.params.backend === 'string' ? point.params.backend : study.settings.backend;
  return unfinishedRecord(study, point, 'failed', error, startedAt, backend);
}

/** Runs one point in a child process; rejects only with an AbortError when `signal` aborts. */
export function runPointIsolated(
  study: Study,
  point: StudyPoint,
  options: IsolatedOptions = {},
): Promise<PointRecord> {
  const startedAt = new Date();
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(abortError());
    const { path, execArgv } = childProgram();
    const child: ChildProcess = fork(path, [], { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    let record: PointRecord | null = null;
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const onAbort = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'progress') options.onProgress?.(m.fraction);
      else record = m.record;
    });
    child.on('error', (e) => {
      options.signal?.removeEventListener('abort', onAbort);
      resolve(failedRecord(study, point, `could not start the point's process: ${e.message}`, startedAt));
    });
    child.on('exit', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) return reject(abortError());
      if (record) return resolve(record);
      const how = signal
        ? `was killed by ${signal}${signal === 'SIGKILL' ? ' (out of memory?)' : ''}`
        : `exited with code ${code}`;
      // The error's own line says more than the stack under it.
      const lines = stderr.trim().split('\n');
      const tail = lines.find((l) => /Error\b|error:/.test(l))?.trim() ?? lines.slice(-2).join(' | ');
      resolve(failedRecord(study, point, `the point's process ${how}${tail ? `: ${tail}` : ''}`, startedAt));
    });
    child.send({ study, point, threads: options.threads } satisfies ChildRequest);
  });
}

/** The child's side: one request in, progress and one record out, then exit. */
export function serveChild(): Promise<number> {
  process.on('SIGINT', () => {});
  return new Promise((resolve) => {
    process.once('message', (request: ChildRequest) => {
      const send = (m: ChildMessage) => new Promise<void>((done) => process.send!(m, () => done()));
      let last = 0;
      runPoint(request.study, request.point, {
        threads: request.threads,
        onProgress: (fraction) => {
          const now = Date.now();
          if (now - last < 200) return;
          last = now;
          void send({ type: 'progress', fraction });
        },
      })
        .then((record) => send({ type: 'record', record }))
        .then(
          () => resolve(0),
          (e: unknown) => {
            process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
            resolve(1);
          },
        );
    });
    // The coordinator gone (killed): nothing will read this point's result.
    process.once('disconnect', () => resolve(1));
  });
}
