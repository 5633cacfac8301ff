// Study points through BullMQ on Redis: `study run --queue URL` is the coordinator (it enqueues the
// pending points and records what comes back), `study worker --queue URL` runs points on any machine
// that reaches the same Redis. A job carries the whole Study and its point, so a worker needs no
// files, and its id is the point's id, so a point is enqueued once however often a coordinator
// restarts. The coordinator records each point once per run: a point is taken out of its
// outstanding set, synchronously, before its record is handed on. A worker that dies mid-point
// (SIGKILL, a lost machine) stops renewing its job's lock; after `lockDuration` the stalled check of
// any live worker puts the job back to waiting, and another worker runs it again.
//
// What stays in Redis: jobs not yet recorded. A finished job is removed once the coordinator has
// handed its record on; an interrupted coordinator leaves its jobs queued (and workers keep running
// them), and the next run takes their results instead of enqueueing the points again.

import { hostname } from 'node:os';
import { Queue, Worker, type Job, type JobsOptions, type JobType } from 'bullmq';
import { Redis } from 'ioredis';
import { failedRecord, runPointIsolated } from './pool.ts';
import type { PointRecord, Study, StudyPoint } from './types.ts';

/** The one queue every coordinator and worker uses. */
export const QUEUE_NAME = 'latentspike-study';

/** What a job carries: everything a worker on another machine needs to run the point. */
export interface PointJob {
  study: Study;
  point: StudyPoint;
}

export interface QueueConnection {
  host: string;
  port: number;
  password?: string;
  db?: number;
}

/** The URL as messages show it: a password is replaced by `***`, since messages end up in logs. */
export const redactQueueUrl = (url: string): string =>
  url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^@/]*?):[^@/]*@/i, '$1:***@');

/** `redis://[:password@]host:port[/db]` → connection options; anything else throws, naming `--queue`. */
export function parseQueueUrl(url: string): QueueConnection {
  const bad = (why: string) =>
    new Error(
      `--queue ${JSON.stringify(redactQueueUrl(url))}: ${why} (expected redis://[:password@]host:port[/db])`,
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad('not a URL');
  }
  if (parsed.protocol !== 'redis:') {
    throw bad(
      parsed.protocol === 'rediss:' ? 'TLS (rediss://) is not supported' : `the scheme is not redis://`,
    );
  }
  if (parsed.username !== '')
    throw bad('a user name is not supported, only a password (redis://:password@…)');
  if (parsed.search !== '' || parsed.hash !== '') throw bad('a query or fragment is not allowed');
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1'); // IPv6 literals come bracketed
  if (host === '') throw bad('no host');
  if (parsed.port === '') throw bad('no port');
  const port = Number(parsed.port); // URL has checked it is an integer in 0..65535
  if (port === 0) throw bad('port 0');
  const connection: QueueConnection = { host, port };
  if (parsed.password !== '') {
    try {
      connection.password = decodeURIComponent(parsed.password);
    } catch {
      throw bad('the password is not valid percent-encoding');
    }
  }
  if (parsed.pathname !== '' && parsed.pathname !== '/') {
    const db = /^\/(\d+)$/.exec(parsed.pathname);
    if (!db) throw bad(`the database ${JSON.stringify(parsed.pathname.slice(1))} is not a number`);
    connection.db = Number(db[1]);
  }
  return connection;
}

/**
 * A connected client. `maxRetriesPerRequest: null` (BullMQ requires it for workers): a command
 * issued while Redis is unreachable waits for ioredis to reconnect instead of failing, so a Redis
 * restart pauses a study rather than ending it. Only the first connection has to succeed.
 */
async function connect(url: string): Promise<Redis> {
  const client = new Redis({ ...parseQueueUrl(url), maxRetriesPerRequest: null, lazyConnect: true });
  let lastError: Error | null = null;
  // Later errors (Redis restarting) reach the Queue's or Worker's own 'error' listeners as well.
  client.on('error', (e: Error) => (lastError = e));
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    // connect() rejects with "Connection is closed"; the error event said why.
    const why = (lastError as Error | null)?.message ?? (e as Error).message;
    throw new Error(`--queue ${redactQueueUrl(url)}: cannot reach Redis: ${why}`);
  }
  return client;
}

/** Waits for `promise` at most `ms`; its outcome is ignored (for closing what may be stuck). */
async function settle(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

/** QUIT, or a hard disconnect when Redis does not answer within a second. */
async function closeClient(client: Redis): Promise<void> {
  await settle(client.quit(), 1000);
  client.disconnect();
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function isPointRecord(value: unknown, point: StudyPoint): value is PointRecord {
  const r = value as PointRecord | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    r.id === point.id &&
    (r.status === 'done' || r.status === 'failed' || r.status === 'refused') &&
    typeof r.provenance === 'object'
  );
}

/** The record a finished job stands for. */
function jobRecord(
  study: Study,
  point: StudyPoint,
  job: Job<PointJob>,
  state: 'completed' | 'failed',
): PointRecord {
  const startedAt = new Date(job.processedOn ?? job.timestamp);
  if (state === 'failed') return failedRecord(study, point, job.failedReason || 'the job failed', startedAt);
  const record: unknown = job.returnvalue;
  if (!isPointRecord(record, point)) {
    return failedRecord(study, point, 'the queue job completed without a point record', startedAt);
  }
  // A point's id hashes its parameters, base, settings and code, not the study's name, so another
  // study with the same point may have enqueued it: its result is this point's, filed under this study.
  return { ...record, study: study.name, index: point.index };
}

export interface RunQueuedOptions {
  /** redis://[:password@]host:port[/db] */
  url: string;
  /** Aborting stops waiting and resolves { interrupted: true }; the jobs stay in Redis. */
  signal?: AbortSignal;
  /** Called once per pending point, with its record. A throw ends runQueued with that error. */
  onRecord(record: PointRecord): void;
  onProgress?(finished: number, total: number): void;
  /** Attempts a point gets before its failure is final (1 + the study's retries). */
  attempts: number;
  /** How often Redis is asked for finished jobs, in ms (default 500). */
  pollMs?: number;
}

/** Every job state BullMQ keeps a job in (the `paused` list is looked at by getJobState). */
const ALL_STATES: JobType[] = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
];
/** Ids are read this many at a time; `addBulk` adds this many in one transaction. */
const CHUNK = 500;
/** Polls between two looks for jobs that vanished (removed by someone else) and must be re-added. */
const VANISHED_EVERY = 10;

/**
 * The coordinator: enqueues `pending` (each once: jobId = point.id) and calls onRecord once per point
 * as the workers finish them. A job found already completed is taken as the point's record; one
 * found failed is removed and enqueued again; one waiting, active or delayed is left as it is.
 * Resolves { interrupted: false } when every pending point has its record.
 */
export async function runQueued(
  study: Study,
  pending: StudyPoint[],
  options: RunQueuedOptions,
): Promise<{ interrupted: boolean }> {
  const { url, signal } = options;
  parseQueueUrl(url);
  if (!Number.isInteger(options.attempts) || options.attempts < 1) {
    throw new Error(`runQueued: attempts must be a positive integer (got ${options.attempts})`);
  }
  const outstanding = new Map(pending.map((p) => [p.id, p]));
  if (outstanding.size !== pending.length) throw new Error('runQueued: two pending points have the same id');
  if (signal?.aborted) return { interrupted: true };
  if (pending.length === 0) return { interrupted: false };

  const client = await connect(url);
  const queue = new Queue<PointJob, PointRecord>(QUEUE_NAME, { connection: client });
  queue.on('error', () => {}); // connection errors: ioredis reconnects and commands wait for it
  const total = pending.length;
  let finished = 0;
  let stopped = false; // set on abort and on the way out: nothing is recorded after it

  // No backoff: a failed attempt goes straight back to waiting. Finished jobs are kept until this
  // coordinator (or the next) has taken their record.
  const jobOptions = (point: StudyPoint): JobsOptions => ({
    jobId: point.id,
    attempts: options.attempts,
    removeOnComplete: false,
    removeOnFail: false,
  });
  const addJobs = async (points: StudyPoint[]) => {
    // addBulk keeps the given order (smallest networks first) and, like add, skips an id that exists.
    if (points.length > 0) {
      await queue.addBulk(
        points.map((point) => ({ name: 'point', data: { study, point }, opts: jobOptions(point) })),
      );
    }
  };

  /** Hands on a finished job's record, once, then removes the job. */
  const collect = async (point: StudyPoint) => {
    const job = await queue.getJob(point.id);
    if (!job) return; // removed meanwhile: the next look for vanished jobs re-adds it
    const state = await job.getState();
    if (state !== 'completed' && state !== 'failed') return; // retried by someone: not finished
    const record = jobRecord(study, point, job, state);
    if (stopped || !outstanding.has(point.id)) return;
    outstanding.delete(point.id);
    finished++;
    options.onRecord(record);
    options.onProgress?.(finished, total);
    // After onRecord: a coordinator that dies in between finds the job again next run, so a record
    // may be handed on twice across runs, never lost. A job that cannot be removed is left for that.
    await job.remove().catch(() => undefined);
  };

  /** Enqueues what is not in Redis, takes what finished, re-adds what failed. */
  const enqueue = async () => {
    const [done, failed, present] = await Promise.all([
      queue.getRanges(['completed'], 0, -1),
      queue.getRanges(['failed'], 0, -1),
      queue.getRanges(ALL_STATES, 0, -1),
    ]);
    const doneIds = new Set(done);
    const failedIds = new Set(failed);
    const presentIds = new Set(present);
    for (let i = 0; i < pending.length && !stopped; i += CHUNK) {
      const add: StudyPoint[] = [];
      for (const point of pending.slice(i, i + CHUNK)) {
        if (doneIds.has(point.id)) await collect(point);
        else if (failedIds.has(point.id)) {
          await queue.remove(point.id);
          add.push(point);
        } else if (!presentIds.has(point.id)) add.push(point);
      }
      if (!stopped) await addJobs(add);
    }
  };

  /** Re-adds outstanding points whose job is gone (someone removed it); getJobState confirms each. */
  const reAddVanished = async () => {
    const present = new Set(await queue.getRanges(ALL_STATES, 0, -1));
    const missing = [...outstanding.values()].filter((p) => !present.has(p.id));
    const gone: StudyPoint[] = [];
    for (const point of missing) if ((await queue.getJobState(point.id)) === 'unknown') gone.push(point);
    if (!stopped) await addJobs(gone);
  };

  const work = async () => {
    await enqueue();
    for (let polls = 1; outstanding.size > 0 && !stopped; polls++) {
      await pause(options.pollMs ?? 500, signal);
      if (stopped || signal?.aborted) return;
      // Finished jobs are removed as they are recorded, so these two sets stay small.
      const finishedIds = await queue.getRanges(['completed', 'failed'], 0, -1);
      for (const id of finishedIds) {
        const point = outstanding.get(id);
        if (point && !stopped) await collect(point);
      }
      if (polls % VANISHED_EVERY === 0 && !stopped) await reAddVanished();
    }
  };

  const working = work();
  working.catch(() => undefined); // observed below, or abandoned after an abort
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([working, aborted]);
    if (outstanding.size > 0 && signal?.aborted) {
      stopped = true;
      return { interrupted: true };
    }
    await working; // rethrows a Redis error or onRecord's
    return { interrupted: false };
  } finally {
    stopped = true;
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    await settle(queue.close(), 1000);
    await closeClient(client);
  }
}

/** Runs one point and returns its record (runPointIsolated; tests put a stand-in here). */
export type PointRunner = (
  study: Study,
  point: StudyPoint,
  options: { threads?: number },
) => Promise<PointRecord>;

export interface StudyWorkerOptions {
  /** redis://[:password@]host:port[/db] */
  url: string;
  /** Points run at once (BullMQ concurrency). */
  workers: number;
  /** Aborting stops taking points, waits for those in flight, and resolves. */
  signal: AbortSignal;
  log?(line: string): void;
  /** CPU-engine threads per point. */
  threads?: number;
  /** The point runner (default runPointIsolated: a child process per point). */
  run?: PointRunner;
  /** ms a job's lock lasts without renewal: how long a dead worker's point waits (default 30 000). */
  lockDuration?: number;
  /** ms between checks for jobs whose lock expired (default lockDuration / 2). */
  stalledInterval?: number;
  /** Times a point may be found stalled before it fails (default 5). */
  maxStalledCount?: number;
}

/**
 * A worker: takes points from the queue, `workers` at a time, each through runPointIsolated. A
 * `failed` record throws while the job has attempts left, so BullMQ retries it; on the last attempt
 * it is returned, so the coordinator records the worker's own failed record (with its provenance).
 * `refused` (the point does not fit this machine) is final and returned as is. Resolves after
 * `signal` aborts and the points in flight have finished.
 */
export async function runStudyWorker(options: StudyWorkerOptions): Promise<void> {
  const { url, signal, log = () => {}, threads } = options;
  parseQueueUrl(url);
  if (!Number.isInteger(options.workers) || options.workers < 1) {
    throw new Error(`--workers must be a positive integer (got ${options.workers})`);
  }
  if (signal.aborted) return;
  const run = options.run ?? runPointIsolated;
  const lockDuration = options.lockDuration ?? 30_000;

  const processor = async (job: Job<PointJob, PointRecord>): Promise<PointRecord> => {
    const { study, point } = job.data;
    const attempts = job.opts.attempts ?? 1;
    const attempt = job.attemptsMade + 1;
    const what = `${study.name} point ${point.index} (${point.id}, ${point.neurons} neurons)`;
    log(`${what}: started, attempt ${attempt} of ${attempts}`);
    let record: PointRecord;
    try {
      record = await run(study, point, threads === undefined ? {} : { threads });
    } catch (e) {
      log(`${what}: error: ${(e as Error).message}`);
      throw e;
    }
    log(`${what}: ${record.status}${record.error ? `: ${record.error}` : ''}`);
    if (record.status === 'failed' && attempt < attempts) throw new Error(record.error ?? 'the point failed');
    return record;
  };

  const client = await connect(url);
  const worker = new Worker<PointJob, PointRecord>(QUEUE_NAME, processor, {
    connection: client,
    concurrency: options.workers,
    autorun: false,
    name: hostname(), // stored on each job as processedBy
    lockDuration,
    stalledInterval: options.stalledInterval ?? Math.max(1000, Math.round(lockDuration / 2)),
    maxStalledCount: options.maxStalledCount ?? 5,
  });
  worker.on('error', (e) => log(`queue: ${e.message}`));
  worker.on('stalled', (jobId) => log(`point ${jobId}: its worker stopped renewing the lock; queued again`));

  const running = worker.run();
  running.catch(() => undefined); // observed below
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([running, aborted]);
    await worker.close(); // waits for the points in flight; they complete (or fail) normally
    await running;
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    await settle(worker.close(), 1000);
    await closeClient(client);
  }
}
