// The Node entry: the shared surface (src/index.ts) with Node's engine runtime installed (worker
// threads and the WebAssembly noise fill for the CPU engine, Dawn through the `webgpu` package and the
// package's shaders/ for the WebGPU engine), plus what needs a file system: run files read from disk,
// adapters, and studies (define, run, query).

import './engine/nodeRuntime.ts';

export * from './index.ts';

import type { QueueConnection, StudyWorkerOptions } from './study/queue.ts';

export { admitRunText, admitRunFile } from './engine/admission.ts';
// The exit codes the command line gives a RunFileError (bad input) and a DoesNotFitError.
export { EXIT_BAD_INPUT, EXIT_DOES_NOT_FIT } from './model/errors.ts';
// A run file on disk as a preset (metrics and plots of any run), refused up front when too large.
export { runFilePreset } from './experiments/fromRunFile.ts';
export { requestAdapter, acquireDevice, adapterFacts } from './engine/webgpu/device.ts';
export type { GpuDevice } from './engine/webgpu/device.ts';
export type { AdapterFacts } from './engine/webgpu/adapterProfile.ts';
// An adapter's limits as a plan target file (planRunFile plans for it on another machine).
export { dumpAdapter } from './engine/webgpu/plan.ts';
// The WebGPU engine's tuning cache (`latentspike tune` fills it): off when the variable says so.
export { tuningOff, TUNING_VARIABLE } from './engine/webgpu/tuning.ts';
// Writes that leave no half-written file (results, reports, checkpoints: durable adds fsync).
export { writeFileAtomic, writeFileDurable } from './io/files.ts';

// Studies: define (parse a study file), expand into points, run them, query the results database.
export { parseStudy, readStudyFile } from './study/studyFile.ts';
export type { ParsedStudy } from './study/studyFile.ts';
export { studyPoints } from './study/points.ts';
export { runStudy, readStudyJson, STUDY_JSON } from './study/coordinator.ts';
export type { RunStudyOptions, StudyOutcome, StudyEvents } from './study/coordinator.ts';
// One point in a child process of its own (its memory and a crash are its own).
export { runPointIsolated } from './study/pool.ts';
export type { IsolatedOptions } from './study/pool.ts';
export { query, readRows, exportPoints, EXPORT_FORMATS, writeRecords, toCsv } from './study/database.ts';
export type { QueryResult, ExportFormat } from './study/database.ts';
export type { QueueConnection, StudyWorkerOptions } from './study/queue.ts';

// A study's points through a Redis queue (runStudy's `queue`): bullmq and ioredis load on first use.
/** `redis://[:password@]host:port[/db]` → connection options; anything else throws, naming `--queue`. */
export async function parseQueueUrl(url: string): Promise<QueueConnection> {
  return (await import('./study/queue.ts')).parseQueueUrl(url);
}

/** A worker on any machine that reaches the queue: runs points until `signal` aborts (docs/studies.md). */
export async function runStudyWorker(options: StudyWorkerOptions): Promise<void> {
  return (await import('./study/queue.ts')).runStudyWorker(options);
}
