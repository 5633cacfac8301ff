// The study queue on a real Redis (redis-server started per test, test/study/redisServer.ts): the
// coordinator (runQueued) and workers (runStudyWorker) talk through BullMQ exactly as in a study.
// Only the point runner is a stand-in, so these tests are about the queue — enqueue once, record
// once, retries, interruption, a killed worker — and not about simulation timing.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { studyPoints } from '../../src/study/points.ts';
import {
  parseQueueUrl,
  QUEUE_NAME,
  runQueued,
  runStudyWorker,
  type PointRunner,
} from '../../src/study/queue.ts';
import type { PointRecord, PointStatus, Study, StudyPoint } from '../../src/study/types.ts';
import { startRedis, type RedisServer } from './redisServer.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const QUEUE_MODULE = fileURLToPath(new URL('../../src/study/queue.ts', import.meta.url));

const STUDY: Study = {
  format: 'latentspike/study@1',
  name: 'queue-test',
  base: { kind: 'preset', name: 'fig12a', index: 0 },
  axes: [{ name: 'seed', path: null, values: [1, 2] }],
  zip: [],
  sample: null,
  settings: { backend: 'cpu', steps: 600, trials: null, threads: 1, jitter: 1, every: null, retries: 0 },
};

const points = (n: number, tag: string): StudyPoint[] =>
  Array.from({ length: n }, (_, index) => ({
    index,
    id: `${tag}-${index}`,
    params: { seed: index + 1 },
    neurons: 40,
  }));

function record(point: StudyPoint, status: PointStatus, error: string | null = null): PointRecord {
  const now = new Date().toISOString();
  return {
    id: point.id,
    study: STUDY.name,
    index: point.index,
    status,
    error,
    params: point.params,
    metrics: status === 'done' ? { neurons: point.neurons, rate_e: 1.5 } : { neurons: point.neurons },
    provenance: {
      package_version: '0.0.0',
      git_commit: 'test',
      git_dirty: false,
      node_version: process.version,
      backend: 'cpu',
      adapter: null,
      adapter_software: null,
      cpu_model: 'test',
      cores: 1,
      total_memory_gib: 1,
      host: 'worker-host',
      started_at: now,
      finished_at: now,
      wall_seconds: 0,
      peak_rss_mib: 12,
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Counts a runner's calls per point id. */
function counting(run: (point: StudyPoint, call: number) => Promise<PointRecord>) {
  const calls = new Map<string, number>();
  const runner: PointRunner = (_study, point) => {
    const call = (calls.get(point.id) ?? 0) + 1;
    calls.set(point.id, call);
    return run(point, call);
  };
  return { runner, calls };
}

let redis: RedisServer;
beforeEach(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await redis.stop();
});

/** An in-process worker; stop() aborts it and waits for its points in flight. */
function startWorker(run: PointRunner, extra: { lockDuration?: number; stalledInterval?: number } = {}) {
  const controller = new AbortController();
  const lines: string[] = [];
  const done = runStudyWorker({
    url: redis.url,
    workers: 2,
    signal: controller.signal,
    log: (line) => lines.push(line),
    threads: 1,
    run,
    ...extra,
  });
  return {
    lines,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

/** Job counts per state, through a connection of the test's own. */
async function jobCounts(): Promise<Record<string, number>> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAME, { connection: client });
  try {
    return await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  } finally {
    await queue.close();
    await client.quit();
  }
}

/** runQueued collecting its records, aborted after `abortAfterMs` when given. */
async function coordinate(pending: StudyPoint[], attempts: number, abortAfterMs?: number) {
  const records: PointRecord[] = [];
  const progress: [number, number][] = [];
  const controller = new AbortController();
  const timer = abortAfterMs === undefined ? undefined : setTimeout(() => controller.abort(), abortAfterMs);
  const result = await runQueued(STUDY, pending, {
    url: redis.url,
    signal: controller.signal,
    attempts,
    pollMs: 100,
    onRecord: (r) => records.push(r),
    onProgress: (finished, total) => progress.push([finished, total]),
  });
  clearTimeout(timer);
  return { ...result, records, progress };
}

describe('parseQueueUrl', () => {
  it('reads host, port, password and database', () => {
    expect(parseQueueUrl('redis://localhost:6379')).toEqual({ host: 'localhost', port: 6379 });
    expect(parseQueueUrl('redis://10.0.0.5:6380/')).toEqual({ host: '10.0.0.5', port: 6380 });
    expect(parseQueueUrl('redis://:s%40cret@queue.lab:7000/3')).toEqual({
      host: 'queue.lab',
      port: 7000,
      password: 's@cret',
      db: 3,
    });
    expect(parseQueueUrl('redis://[::1]:6379')).toEqual({ host: '::1', port: 6379 });
  });

  it.each([
    ['localhost:6379', 'scheme'],
    ['queue.lab', 'not a URL'],
    ['http://localhost:6379', 'scheme'],
    ['rediss://localhost:6379', 'TLS'],
    ['redis://localhost', 'no port'],
    ['redis://localhost:99999', 'not a URL'],
    ['redis://localhost:0', 'port 0'],
    ['redis://user:pw@localhost:6379', 'user name'],
    ['redis://localhost:6379/db1', 'not a number'],
    ['redis://localhost:6379/1/2', 'not a number'],
    ['redis://localhost:6379?timeout=1', 'query'],
  ])('refuses %s, naming --queue', (url, why) => {
    expect(() => parseQueueUrl(url)).toThrow('--queue');
    expect(() => parseQueueUrl(url)).toThrow(why);
  });

  it('keeps the password out of its messages', () => {
    expect(() => parseQueueUrl('redis://:hunter2@localhost:6379/x')).toThrow('redis://:***@localhost:6379/x');
    expect(() => parseQueueUrl('redis://admin:hunter2@localhost:6379')).not.toThrow('hunter2');
  });
});

describe('study queue (real Redis)', () => {
  it('runs every point once with two workers, records each once, and leaves no job behind', async () => {
    const seen: { study: Study; threads?: number }[] = [];
    const { runner, calls } = counting(async (point) => {
      await sleep(50);
      return record(point, 'done');
    });
    const worker = startWorker((study, point, options) => {
      seen.push({ study, threads: options.threads });
      return runner(study, point, options);
    });
    try {
      const pending = points(5, 'trip');
      const { interrupted, records, progress } = await coordinate(pending, 1);
      expect(interrupted).toBe(false);
      expect(records.map((r) => r.id).sort()).toEqual(pending.map((p) => p.id).sort());
      expect(records.every((r) => r.status === 'done' && r.study === STUDY.name)).toBe(true);
      expect(records.find((r) => r.id === 'trip-3')).toMatchObject({ index: 3, params: { seed: 4 } });
      expect([...calls.values()]).toEqual([1, 1, 1, 1, 1]);
      expect(progress.at(-1)).toEqual([5, 5]);
      // The job carried the whole study (a remote worker needs no files) and the worker's threads.
      expect(seen[0]).toEqual({ study: STUDY, threads: 1 });
      expect(await jobCounts()).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 });
      expect(worker.lines.some((l) => l.includes('trip-0') && l.includes('started, attempt 1 of 1'))).toBe(
        true,
      );
      expect(worker.lines.some((l) => l.includes('trip-0') && l.endsWith(': done'))).toBe(true);
    } finally {
      await worker.stop();
    }
  });

  it('runs a tiny real study: each point in its own process (runPointIsolated), recorded once', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const working = runStudyWorker({
      url: redis.url,
      workers: 2,
      signal: controller.signal,
      threads: 1,
      log: (l) => lines.push(l),
    });
    try {
      const pending = studyPoints(STUDY);
      const { interrupted, records } = await coordinate(pending, 1);
      expect(interrupted).toBe(false);
      expect(records.map((r) => r.id).sort()).toEqual(pending.map((p) => p.id).sort());
      for (const r of records) {
        expect(r.status, r.error ?? '').toBe('done');
        expect(r.metrics.steps).toBe(600);
        expect(r.provenance.peak_rss_mib).toBeGreaterThan(0);
      }
      expect(lines.filter((l) => l.endsWith(': done'))).toHaveLength(2);
    } finally {
      controller.abort();
      await working;
    }
  });

  it('enqueues a point once however often the coordinator restarts, and takes results finished meanwhile', async () => {
    const pending = points(3, 'once');
    const first = await coordinate(pending, 1, 300); // no worker yet: interrupted, jobs stay
    expect(first).toMatchObject({ interrupted: true, records: [] });
    expect((await jobCounts()).waiting).toBe(3);
    const second = await coordinate(pending, 1, 300);
    expect(second.interrupted).toBe(true);
    expect((await jobCounts()).waiting).toBe(3); // same ids: nothing added twice

    // A worker finishes them while no coordinator listens; the results wait in Redis.
    const { runner, calls } = counting(async (point) => record(point, 'done'));
    const worker = startWorker(runner);
    await until('3 completed jobs', async () => (await jobCounts()).completed === 3);
    await worker.stop();

    const third = await coordinate(pending, 1);
    expect(third.interrupted).toBe(false);
    expect(third.records.map((r) => r.id).sort()).toEqual(['once-0', 'once-1', 'once-2']);
    expect([...calls.values()]).toEqual([1, 1, 1]); // taken from Redis, not run again
    expect((await jobCounts()).completed).toBe(0);
  });

  it('retries a failing point up to attempts and records it once, as failed, with the error', async () => {
    const [fails, crashes, refused, flaky] = points(4, 'retry');
    const { runner, calls } = counting(async (point, call) => {
      if (point.id === fails.id) return record(point, 'failed', `boom ${call}`);
      if (point.id === crashes.id) throw new Error('the runner crashed');
      if (point.id === refused.id) return record(point, 'refused', 'needs 900 GiB');
      return call === 1 ? record(point, 'failed', 'flaky') : record(point, 'done');
    });
    const worker = startWorker(runner);
    try {
      const { records } = await coordinate([fails, crashes, refused, flaky], 2);
      expect(records).toHaveLength(4);
      const byId = new Map(records.map((r) => [r.id, r]));
      // The last attempt's own record: its error and the worker's provenance.
      expect(byId.get(fails.id)).toMatchObject({ status: 'failed', error: 'boom 2' });
      expect(byId.get(fails.id)!.provenance.host).toBe('worker-host');
      // A runner that throws leaves no record: the coordinator builds one from the job's failedReason.
      expect(byId.get(crashes.id)).toMatchObject({ status: 'failed', error: 'the runner crashed', index: 1 });
      expect(byId.get(crashes.id)!.params).toEqual(crashes.params);
      expect(byId.get(refused.id)).toMatchObject({ status: 'refused', error: 'needs 900 GiB' });
      expect(byId.get(flaky.id)).toMatchObject({ status: 'done', error: null });
      expect(Object.fromEntries(calls)).toEqual({
        [fails.id]: 2,
        [crashes.id]: 2,
        [refused.id]: 1,
        [flaky.id]: 2,
      });
      expect(await jobCounts()).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 });
    } finally {
      await worker.stop();
    }
  });

  it('enqueues a point again when an earlier run left its job failed', async () => {
    const pending = points(1, 'refail');
    expect((await coordinate(pending, 1, 300)).interrupted).toBe(true);
    const broken = startWorker(async () => {
      throw new Error('no such engine');
    });
    await until('a failed job', async () => (await jobCounts()).failed === 1);
    await broken.stop();

    const { runner, calls } = counting(async (point) => record(point, 'done'));
    const worker = startWorker(runner);
    try {
      const { records } = await coordinate(pending, 1);
      expect(records).toMatchObject([{ id: 'refail-0', status: 'done' }]);
      expect(calls.get('refail-0')).toBe(1);
    } finally {
      await worker.stop();
    }
  });

  it('resolves { interrupted: true } promptly on abort, leaving the points queued', async () => {
    const pending = points(2, 'abort');
    const started = Date.now();
    const result = await coordinate(pending, 1, 500);
    expect(result).toMatchObject({ interrupted: true, records: [], progress: [] });
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await jobCounts()).waiting).toBe(2);
  });

  it('a worker that dies mid-point (SIGKILL) loses it to another worker, and it is recorded once', async () => {
    const lock = { lockDuration: 2000, stalledInterval: 500 };
    // A worker in its own process whose point never finishes: it says so, then is killed.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { runStudyWorker } = await import(${JSON.stringify(QUEUE_MODULE)});
         await runStudyWorker({
           url: ${JSON.stringify(redis.url)}, workers: 1, signal: new AbortController().signal,
           lockDuration: ${lock.lockDuration}, stalledInterval: ${lock.stalledInterval},
           run: (_study, point) => { console.log('started ' + point.id); return new Promise(() => {}); },
         });`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));

    const pending = points(1, 'stall');
    const coordinating = coordinate(pending, 1);
    let worker: ReturnType<typeof startWorker> | null = null;
    try {
      await until(
        'the child worker to start the point',
        async () => output.includes('started stall-0'),
        60_000,
      );
      child.kill('SIGKILL');
      await exited;
      const { runner, calls } = counting(async (point) => record(point, 'done'));
      worker = startWorker(runner, lock);
      const { interrupted, records } = await coordinating;
      expect(interrupted).toBe(false);
      expect(records).toMatchObject([{ id: 'stall-0', status: 'done' }]);
      expect(calls.get('stall-0')).toBe(1);
      expect(worker.lines.some((l) => l.includes('stall-0') && l.includes('queued again'))).toBe(true);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await worker?.stop();
    }
  });

  it('says which URL it cannot reach', async () => {
    const url = redis.url;
    await redis.stop();
    await expect(
      runQueued(STUDY, points(1, 'gone'), { url, attempts: 1, onRecord: () => {} }),
    ).rejects.toThrow(`--queue ${url}: cannot reach Redis: connect ECONNREFUSED`);
    redis = await startRedis(); // for afterEach
  });
});
