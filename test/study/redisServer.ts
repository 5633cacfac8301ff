// A real, throwaway Redis for the study-queue tests: `redis-server` on a free local port, with no
// persistence and its working files in a temporary folder. Nothing is mocked: the queue tests talk
// to the same broker the workers use in a real study. A missing redis-server is a failure with the
// fix in its message (scripts/install-system-deps.sh), never a silent skip.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RedisServer {
  /** redis://127.0.0.1:PORT */
  url: string;
  /** SIGTERM, then waits for the server to exit and removes its folder. */
  stop(): Promise<void>;
}

/** redis-server from PATH, or the Debian package's /usr/bin/redis-server. */
function findRedisServer(): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  for (const candidate of [...dirs.map((d) => join(d, 'redis-server')), '/usr/bin/redis-server']) {
    if (existsSync(candidate)) return candidate;
  }
  const fix = 'run scripts/install-system-deps.sh as root (it installs the Debian package redis-server)';
  if (process.env.LATENTSPIKE_REQUIRE_WEBGPU === '1') {
    throw new Error(`LATENTSPIKE_REQUIRE_WEBGPU=1 but redis-server is missing: ${fix}`);
  }
  throw new Error(`redis-server is missing (not on PATH, not /usr/bin/redis-server): ${fix}`);
}

/** A port nothing listens on right now (the kernel's pick for port 0, released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** True when a server on `port` answers PING with +PONG. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** One attempt on one port: resolves when it answers PING, rejects when it exits first. */
async function startOn(binary: string, port: number): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'latentspike-redis-'));
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let spawnError: Error | null = null;
  child.once('error', (err) => (spawnError = err));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited(child);
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `redis-server on port ${port} exited before answering PING: ${spawnError ?? output.trim()}`,
      );
    }
    if (await answersPing(port)) return { url: `redis://127.0.0.1:${port}`, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s:\n${output.trim()}`);
}

/**
 * Starts a private redis-server. The free port is found by binding port 0 and closing it, so another
 * process can take it in between: an early exit (address in use) is retried on a new port.
 */
export async function startRedis(): Promise<RedisServer> {
  const binary = findRedisServer();
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOn(binary, await freePort());
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}
