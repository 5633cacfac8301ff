// `study run`: the one writer of a study's folder. It records the study (study.json), skips the
// points whose id is already done, and hands the rest to local child processes or to a queue;
// every record is written to the database the moment it arrives, so an interrupt (or a killed
// coordinator) loses only the points in flight, and running again picks up where it stopped.
// A failed point is retried up to `retries` times in the same run and kept, with its error, when
// it still fails; the next run retries it again.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunFileError } from '../model/errors.ts';
import { writeFileAtomic } from '../io/files.ts';
import { isAbortError } from '../experiments/runner.ts';
import { recordedStatuses, removeStaleWrites, writeRecords } from './database.ts';
import { runPointIsolated } from './pool.ts';
import type { PointRecord, Study, StudyPoint } from './types.ts';

export const STUDY_JSON = 'study.json';
const LOCK_FILE = '.coordinator.lock';

export interface StudyEvents {
  /** Points already done (skipped) and to run, once, before any runs. */
  planned?(skipped: number, pending: StudyPoint[]): void;
  started?(point: StudyPoint): void;
  progress?(point: StudyPoint, fraction: number): void;
  /** A record written to the database (attempt: 1-based; a failed point may be retried). */
  recorded?(record: PointRecord, point: StudyPoint): void;
  retrying?(record: PointRecord, attempt: number): void;
}

export interface RunStudyOptions {
  /** Points run at once (local child processes). */
  workers: number;
  /** CPU-engine threads per point when the study has no `threads` axis. */
  threads: number;
  signal?: AbortSignal;
  /** redis://host:port: the points go to `study worker`s through BullMQ instead of local processes. */
  queue?: string;
  events?: StudyEvents;
}

export interface StudyOutcome {
  points: number;
  skipped: number;
  done: number;
  failed: number;
  refused: number;
  interrupted: boolean;
}

/** The study a folder holds (study.json), or null for a new folder. */
export function readStudyJson(dir: string): Study | null {
  const path = join(dir, STUDY_JSON);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Study) : null;
}

/** Takes the folder for this process; another live coordinator there is bad input (exit 2). */
function lock(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8'));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {
      alive = false; // a coordinator that was killed leaves its lock behind
    }
    if (alive) throw new RunFileError(dir, `a study is already running here (process ${pid})`);
  }
  writeFileSync(path, String(process.pid));
  return () => rmSync(path, { force: true });
}

export async function runStudy(
  dir: string,
  study: Study,
  points: StudyPoint[],
  o: RunStudyOptions,
): Promise<StudyOutcome> {
  mkdirSync(dir, { recursive: true });
  const previous = readStudyJson(dir);
  if (previous && previous.name !== study.name)
    throw new RunFileError(dir, `holds study "${previous.name}", not "${study.name}"; choose another --out`);
  const unlock = lock(dir);
  try {
    removeStaleWrites(dir);
    writeFileAtomic(join(dir, STUDY_JSON), JSON.stringify(study, null, 2));
    const statuses = await recordedStatuses(dir);
    const pending = points.filter((p) => statuses.get(p.id) !== 'done');
    const outcome: StudyOutcome = {
      points: points.length,
      skipped: points.length - pending.length,
      done: 0,
      failed: 0,
      refused: 0,
      interrupted: false,
    };
    o.events?.planned?.(outcome.skipped, pending);
    let writes = Promise.resolve();
    const byId = new Map(pending.map((p) => [p.id, p]));
    const record = (r: PointRecord) => {
      outcome[r.status]++;
      writes = writes.then(async () => {
        await writeRecords(dir, [r]);
        o.events?.recorded?.(r, byId.get(r.id)!);
      });
      return writes;
    };
    if (o.queue) {
      const { runQueued } = await import('./queue.ts');
      const { interrupted } = await runQueued(study, pending, {
        url: o.queue,
        signal: o.signal,
        attempts: 1 + study.settings.retries,
        onRecord: (r) => void record(r),
      });
      outcome.interrupted = interrupted;
    } else {
      outcome.interrupted = await runLocal(study, pending, o, record);
    }
    await writes;
    return outcome;
  } finally {
    unlock();
  }
}

/** Runs the points on `workers` child processes at once, in order; true when interrupted. */
async function runLocal(
  study: Study,
  pending: StudyPoint[],
  o: RunStudyOptions,
  record: (r: PointRecord) => Promise<void>,
): Promise<boolean> {
  const queue = pending.map((point) => ({ point, attempt: 1 }));
  const worker = async () => {
    for (let next = queue.shift(); next && !o.signal?.aborted; next = queue.shift()) {
      const { point, attempt } = next;
      o.events?.started?.(point);
      let r: PointRecord;
      try {
        r = await runPointIsolated(study, point, {
          threads: o.threads,
          signal: o.signal,
          onProgress: (f) => o.events?.progress?.(point, f),
        });
      } catch (e) {
        if (!isAbortError(e)) throw e;
        break;
      }
      if (r.status === 'failed' && attempt <= study.settings.retries) {
        o.events?.retrying?.(r, attempt + 1);
        queue.unshift({ point, attempt: attempt + 1 });
        continue;
      }
      await record(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.workers) }, worker));
  return o.signal?.aborted ?? false;
}
