// The vocabulary of a scaling study (`latentspike/study@1`, docs/studies.md): a declared study, the
// points its axes expand to, and the record one finished (or failed, or refused) point leaves in
// the results database. Every part of the platform — local pool, queue workers, index shards,
// database, reports — speaks in these types, so a point means the same thing wherever it ran.

import type { RunFileJson } from '../model/runFile.ts';

export const STUDY_FORMAT = 'latentspike/study@1';

/** An axis value as written in the study file. */
export type AxisValue = number | string | boolean;

/** Axes that are not a run-file field. */
export const BUILTIN_AXES = [
  'redundancy',
  'seed',
  'backend',
  'threads',
  'jitter',
  'trials',
  'costCorrection',
] as const;
export type BuiltinAxis = (typeof BUILTIN_AXES)[number];

export interface StudyAxis {
  /** The axis as named in the study file; also its column in `points`. */
  name: string;
  /** Run-file JSON path (`populations.*.sigmaV`); null for a built-in axis. */
  path: string | null;
  values: AxisValue[];
}

/** Where a point's network comes from, resolved so a worker on another machine needs no files. */
export type StudyBase =
  | { kind: 'preset'; name: string; index: number }
  | { kind: 'runFile'; path: string; run: RunFileJson }
  | { kind: 'scale'; function: 'fig5' | 'tutorial' };

export type StudyBackend = 'cpu' | 'webgpu' | 'browser';

export interface StudySettings {
  backend: StudyBackend;
  /** Steps per point (null: the base's own). */
  steps: number | null;
  /** Trials per point (null: the base's own). */
  trials: number | null;
  /** CPU-engine threads per point (null: the cores divided among the local workers). */
  threads: number | null;
  /** Threshold spread of redundant copies, in units of a copy's own spike jump (construct/redundancy). */
  jitter: number;
  /** Latents are recorded every `every` steps (null: the base's own). */
  every: number | null;
  /** Attempts a failed point gets in one `study run` (1 + retries). */
  retries: number;
  /**
   * WebGPU points: time every kernel on the GPU (RunOptions.kernelTimes) into the gpu_us_*
   * columns (metrics.ts); absent means false.
   */
  kernelTimes?: boolean;
}

export interface Study {
  format: typeof STUDY_FORMAT;
  name: string;
  base: StudyBase;
  axes: StudyAxis[];
  /** Groups of axis names that advance together instead of forming a product. */
  zip: string[][];
  /** A seeded random sample of `count` points from the grid, or null for every point. */
  sample: { count: number; seed: number } | null;
  settings: StudySettings;
}

export interface StudyPoint {
  /** Position in the study's canonical (run) order: smallest networks first. */
  index: number;
  /** hash(point parameters, code version): the same point of the same code has the same id. */
  id: string;
  /** One value per axis, keyed by the axis name. */
  params: Record<string, AxisValue>;
  /** Neurons the point's network will have. */
  neurons: number;
}

export type PointStatus = 'done' | 'failed' | 'refused';

/** Where and how a point ran (beNNch's metadata with every result). */
export interface Provenance {
  package_version: string;
  git_commit: string;
  git_dirty: boolean;
  node_version: string;
  backend: string;
  adapter: string | null;
  adapter_software: boolean | null;
  cpu_model: string;
  cores: number;
  total_memory_gib: number;
  host: string;
  started_at: string;
  finished_at: string;
  wall_seconds: number;
  peak_rss_mib: number | null;
}

/** One row of `points`: what a finished, failed or refused point leaves behind. */
export interface PointRecord {
  id: string;
  study: string;
  index: number;
  status: PointStatus;
  /** Why the point failed or was refused (null when done). */
  error: string | null;
  params: Record<string, AxisValue>;
  /** The metric columns (docs/studies.md); null where a metric does not apply. */
  metrics: Record<string, number | null>;
  provenance: Provenance;
}

/** A row of `points` as a query returns it: axis, metric and provenance columns by name. */
export type ResultRow = Record<string, number | string | boolean | null>;
