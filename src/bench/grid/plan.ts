// The grid's points in the order they run, and what a rerun keeps. Sizes ascend (outermost), so a
// series (backend, kernel, rank, rule, synapse) reaches its large sizes last and a size predicted
// to exceed the per-point budget can be skipped from the one before it; within a size, each
// network is built once and run on every backend in turn; the WebGPU baselines (probe, dense)
// follow the networks of their size.

import { pointKey, type GridBackend, type GridPoint, type GridSettings, type PointRecord } from './core.ts';
import { validPair, type GridRule, type GridSynapse } from './network.ts';

export interface GridPlanOptions {
  /** Requested sizes (any order; run ascending). */
  sizes: number[];
  ranks: number[];
  rules: GridRule[];
  synapses: GridSynapse[];
  backends: GridBackend[];
  /** one-per-step and sequential run only up to this size (one spike per step cannot keep up beyond). */
  serialMaxN: number;
  /** Probe and dense baselines for the `webgpu` backend (off: none). */
  baselines: boolean;
  /** The dense N×N baseline only up to this size (W is N² floats). */
  denseMaxN: number;
}

/** Every point of the grid, in run order. */
export function planGrid(o: GridPlanOptions): GridPoint[] {
  const points: GridPoint[] = [];
  const sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  for (const n of sizes) {
    for (const rank of o.ranks) {
      for (const rule of o.rules) {
        if (rule !== 'all' && n > o.serialMaxN) continue;
        for (const synapse of o.synapses) {
          if (!validPair(rule, synapse)) continue;
          for (const backend of o.backends) {
            points.push({ backend, kernel: 'network', requestedNeurons: n, rank, rule, synapse });
          }
        }
      }
    }
    if (o.baselines && o.backends.includes('webgpu')) {
      const baseline = {
        backend: 'webgpu' as const,
        requestedNeurons: n,
        rank: null,
        rule: null,
        synapse: null,
      };
      points.push({ ...baseline, kernel: 'probe' });
      if (n <= o.denseMaxN) points.push({ ...baseline, kernel: 'dense' });
    }
  }
  return points;
}

/** Points of one timing series (the lines of a plot): all but the size. */
export function seriesKey(p: GridPoint): string {
  return `${p.backend}/${p.kernel}/${p.rank}/${p.rule}/${p.synapse}`;
}

/**
 * Records of an earlier run (grid.json) by key. Only measured points count as finished: skipped
 * and failed points are tried again (a larger budget, a fixed bug), which costs nothing for a
 * predicted skip.
 */
export function finishedKeys(records: PointRecord[]): Set<string> {
  return new Set(records.filter((r) => r.status === 'done').map((r) => r.key));
}

/** The points still to run, given the finished keys of an earlier run with the same --out. */
export function pendingPoints(points: GridPoint[], settings: GridSettings, done: Set<string>): GridPoint[] {
  return points.filter((p) => !done.has(pointKey(p, settings)));
}

/** Replaces the record with the same key, or appends it. */
export function upsert(records: PointRecord[], record: PointRecord): PointRecord[] {
  const i = records.findIndex((r) => r.key === record.key);
  if (i < 0) return [...records, record];
  const out = [...records];
  out[i] = record;
  return out;
}

/**
 * Whether to skip a point before running it, from the last finished point of its series: the
 * predicted time (per-step time scaled by N, times warm-up plus repetitions) against slack × budget;
 * a series whose smaller size failed or was skipped stops there too. null: run it.
 */
export function skipReason(
  point: GridPoint,
  neurons: number,
  previous: PointRecord | undefined,
  settings: GridSettings,
  budgetSeconds: number,
  /** Skip only beyond this multiple of the budget. */
  slack = 1,
): string | null {
  if (!previous) return null;
  if (previous.status !== 'done') {
    return `N = ${previous.requestedNeurons} of this series was ${previous.status} (${previous.reason ?? ''})`;
  }
  if (point.kernel !== 'network' || previous.microsecondsPerStep === undefined) return null;
  const ratio = neurons / (previous.neurons ?? previous.requestedNeurons);
  const predicted =
    previous.microsecondsPerStep * 1e-6 * ratio * (settings.steps - 1) * (settings.repetitions + 1);
  if (predicted <= budgetSeconds * slack) return null;
  return (
    `predicted ${predicted.toFixed(0)} s from N = ${previous.neurons}, over ${slack === 1 ? '' : `${slack} × `}` +
    `--max-point-seconds ${budgetSeconds} (fewer --steps or --repetitions, or a larger budget)`
  );
}
