// The Node entry: the shared surface (src/index.ts) with Node's engine runtime installed (worker
// threads and the WebAssembly noise fill for the CPU engine, Dawn through the `webgpu` package and the
// package's shaders/ for the WebGPU engine), plus what needs a file system: run files read from disk,
// adapters, and studies (define, run, query).

import './engine/nodeRuntime.ts';

export * from './index.ts';

export { admitRunText, admitRunFile } from './engine/admission.ts';
export { requestAdapter, acquireDevice } from './engine/webgpu/device.ts';
export type { GpuDevice } from './engine/webgpu/device.ts';

// Studies: define (parse a study file), expand into points, run them, query the results database.
export { parseStudy, readStudyFile } from './study/studyFile.ts';
export type { ParsedStudy } from './study/studyFile.ts';
export { studyPoints } from './study/points.ts';
export { runStudy, readStudyJson } from './study/coordinator.ts';
export type { RunStudyOptions, StudyOutcome, StudyEvents } from './study/coordinator.ts';
export { query, readRows, exportPoints, EXPORT_FORMATS } from './study/database.ts';
export type { QueryResult, ExportFormat } from './study/database.ts';
