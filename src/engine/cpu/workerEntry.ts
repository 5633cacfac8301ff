// Where the CPU engine's worker threads come from (Node only). A bundled build
// (bench/device/prepare.sh) carries NAME.js beside this module and runs it as it is; from source, the
// TypeScript module is loaded through tsx's ESM API, as the CLI does.

import type { Worker as NodeWorker, WorkerOptions } from 'node:worker_threads';

/** Starts the worker module `name` (kernelWorker, trialWorker) with `options` (workerData, …). */
export async function startWorker(name: string, options: WorkerOptions = {}): Promise<NodeWorker> {
  const [{ Worker }, { existsSync }] = await Promise.all([import('node:worker_threads'), import('node:fs')]);
  // Concatenated specifiers: a bundler (Vite, for the browser app, which never starts workers)
  // leaves them alone instead of globbing this folder for assets.
  const bundled = new URL('./' + name + '.js', import.meta.url);
  if (existsSync(bundled)) return new Worker(bundled, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./' + name + '.ts', import.meta.url).href;
  const source = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(source, { ...options, eval: true });
}

/** Resolves once `worker` posts { ready: true }; rejects on { error } or a failed start. */
export function workerReady(worker: NodeWorker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    worker.once('message', (m: { ready?: boolean; error?: string }) =>
      m.ready ? resolve() : reject(new Error(`CPU worker failed to start: ${m.error}`)),
    );
    worker.once('error', reject);
  });
}
