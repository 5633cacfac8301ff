// The smoke study on many machines, as the issue asks: a coordinator with --queue on a real Redis,
// two `study worker` processes, one killed with SIGKILL in the middle of a point and started
// again. The study ends with the same 8 rows, and the same numbers, as a local run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type RedisServer } from './redisServer.ts';

const BIN = new URL('../../bin/latentspike.js', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

const SMOKE = `format: latentspike/study@1
name: smoke
base: fig12a
axes:
  redundancy: [1, 4]
  sigmaV: [0, 0.01]
  seed: [1, 2]
backend: cpu
steps: 3000
`;

/** Deterministic metric columns by id (timings and memory differ from run to run). */
function metricsById(dir: string): string[] {
  const r = cli(
    'study',
    'query',
    dir,
    'select id, status, neurons, rmse_target, rmse_ideal, bias, fluctuation, rate_e, rate_i, isi_cv, ei_corr, sync from points order by id',
  );
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split('\n');
}

function worker(url: string, log: string[]): ChildProcess {
  const child = spawn(
    process.execPath,
    [BIN, 'study', 'worker', '--queue', url, '--workers', '1', '--threads', '1', '--lock-seconds', '2'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  return child;
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.on('exit', resolve));

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('study run --queue', () => {
  it('two workers, one killed mid-point and restarted: 8 rows once each, the numbers of a local run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentspike-queue-'));
    const path = join(dir, 'smoke.yaml');
    writeFileSync(path, SMOKE);
    const local = cli('study', 'run', path, '--out', join(dir, 'local'));
    expect(local.status, local.stderr).toBe(0);

    const out = join(dir, 'queued');
    const coordinator = spawn(
      process.execPath,
      [BIN, 'study', 'run', path, '--out', out, '--queue', redis.url],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let coordinatorLog = '';
    coordinator.stderr!.on('data', (chunk: Buffer) => (coordinatorLog += chunk.toString()));
    const logA: string[] = [];
    const logB: string[] = [];
    const a = worker(redis.url, logA);
    // Kill worker A while it holds a point (after it started one), then start it again.
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (logA.join('').includes('started, attempt')) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });
    a.kill('SIGKILL');
    await exited(a);
    const b = worker(redis.url, logB);
    const again = worker(redis.url, logA);
    const code = await exited(coordinator);
    expect(code, coordinatorLog).toBe(0);
    for (const w of [b, again]) w.kill('SIGINT');
    await Promise.all([exited(b), exited(again)]);

    expect(metricsById(out)).toEqual(metricsById(join(dir, 'local')));
    const count = cli(
      'study',
      'query',
      out,
      "select count(*), count(distinct id) from points where status = 'done'",
    );
    expect(count.stdout.trim().split('\n')[1]).toBe('8,8');
    // The killed worker's point was started again elsewhere after its claim lapsed: 9 starts, 8 rows.
    const starts = [...logA, ...logB].join('').match(/started, attempt/g) ?? [];
    expect(starts.length).toBeGreaterThanOrEqual(9);
  }, 300_000);
});
