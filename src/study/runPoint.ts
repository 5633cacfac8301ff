// One point, in this process: admission, build, simulate, measure. A point's own failure (a
// network the backend cannot run, an engine error) is a record with status `failed`, and a point
// too large for the machine is `refused` before it allocates; only an abort is thrown, because an
// interrupted point has no result to keep.

import { compileNetwork } from '../model/compile.ts';
import { createEngine } from '../engine/select.ts';
import type { Engine } from '../engine/engine.ts';
import { findPreset } from '../experiments/presets/index.ts';
import type { SimulatedRun } from '../experiments/preset.ts';
import { scaleFunction } from '../experiments/scale/functions.ts';
import { isAbortError } from '../experiments/runner.ts';
import { availableMemory } from '../engine/admission.ts';
import { admission, estimatePointMemory } from '../engine/memoryNeed.ts';
import { pointMetrics, type Metrics } from './metrics.ts';
import { pointNetwork, pointRunFile, SPIKE_TRAIN_LIMIT } from './network.ts';
import { codeVersion, machine } from './provenance.ts';
import type { PointRecord, PointStatus, Provenance, Study, StudyBackend, StudyPoint } from './types.ts';

export interface RunPointOptions {
  /** CPU-engine threads when the point has no `threads` axis (default 1). */
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

function provenance(startedAt: Date, backend: string, engine: Engine | null): Provenance {
  const code = codeVersion();
  const finished = new Date();
  return {
    package_version: code.packageVersion,
    git_commit: code.gitCommit,
    git_dirty: code.gitDirty,
    node_version: process.version,
    backend,
    adapter: engine?.adapter?.description || engine?.adapter?.vendor || null,
    adapter_software: engine?.adapter ? engine.adapter.software : null,
    ...machine(),
    started_at: startedAt.toISOString(),
    finished_at: finished.toISOString(),
    wall_seconds: (finished.getTime() - startedAt.getTime()) / 1000,
    peak_rss_mib: process.resourceUsage().maxRSS / 1024,
  };
}

/** The record of a point that did not produce metrics. */
export function unfinishedRecord(
  study: Study,
  point: StudyPoint,
  status: Exclude<PointStatus, 'done'>,
  error: string,
  startedAt: Date,
  backend: string,
): PointRecord {
  return {
    id: point.id,
    study: study.name,
    index: point.index,
    status,
    error,
    params: point.params,
    metrics: { neurons: point.neurons },
    provenance: provenance(startedAt, backend, null),
  };
}

function pointBackend(study: Study, point: StudyPoint): StudyBackend {
  const v = point.params.backend;
  return typeof v === 'string' ? (v as StudyBackend) : study.settings.backend;
}

/** The target y^E should follow, where the base defines one. */
function targetOf(study: Study): ((x: number) => number) | null {
  const { base } = study;
  if (base.kind === 'scale') {
    const fn = scaleFunction(base.function);
    return fn.target;
  }
  if (base.kind === 'preset') return findPreset(base.name)?.target ?? null;
  return null;
}

/** A preset's own metrics as extra columns, `preset_` + the metric's name in snake case. */
function presetMetrics(study: Study, sim: SimulatedRun, seed: number): Metrics {
  if (study.base.kind !== 'preset' || study.base.index !== 0) return {};
  const preset = findPreset(study.base.name);
  if (!preset || preset.runs({ seed }).length !== 1) return {};
  try {
    const out: Metrics = {};
    for (const m of preset.metrics([sim], { seed })) {
      const slug = m.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_|_$/g, '');
      if (Number.isFinite(m.value)) out[`preset_${slug}`] = m.value;
    }
    return out;
  } catch {
    return {}; // a preset's metrics may assume its own network's shape, which an axis can change
  }
}

export async function runPoint(
  study: Study,
  point: StudyPoint,
  options: RunPointOptions = {},
): Promise<PointRecord> {
  const startedAt = new Date();
  const backend = pointBackend(study, point);
  const fail = (status: 'failed' | 'refused', error: string) =>
    unfinishedRecord(study, point, status, error, startedAt, backend);
  if (backend === 'browser')
    return fail('failed', 'backend browser: study points run on cpu or webgpu only (docs/studies.md)');

  // The run file alone sizes the point: nothing per-neuron exists before the point is admitted.
  const refusal = admission(
    estimatePointMemory(pointRunFile(study, point.params), point.neurons, point.neurons <= SPIKE_TRAIN_LIMIT),
    availableMemory(),
  );
  if (refusal) return fail('refused', refusal);

  const threads = typeof point.params.threads === 'number' ? point.params.threads : (options.threads ?? 1);
  let engine: Engine | null = null;
  try {
    engine = await createEngine({ backend, cpu: { threads } });
    const { spec, base, baseRun } = pointNetwork(study, point.params);
    const net = compileNetwork(spec);
    const why = engine.unsupported(net);
    if (why) return fail('failed', `backend ${backend}: ${why}`);
    const result = await engine.run(net, {
      signal: options.signal,
      onProgress: (done, total) => options.onProgress?.(done / total),
      kernelTimes: study.settings.kernelTimes === true,
    });
    const seed = typeof point.params.seed === 'number' ? point.params.seed : 0;
    const metrics: Metrics = {
      ...pointMetrics({ net, base, result, target: targetOf(study) }),
      ...presetMetrics(study, { run: baseRun, net, result }, seed),
    };
    const prov = provenance(startedAt, result.backend, engine);
    metrics.peak_rss_mib = prov.peak_rss_mib;
    return {
      id: point.id,
      study: study.name,
      index: point.index,
      status: 'done',
      error: null,
      params: point.params,
      metrics,
      provenance: prov,
    };
  } catch (e) {
    if (isAbortError(e)) throw e;
    return fail('failed', (e as Error).message || String(e));
  } finally {
    engine?.dispose();
  }
}
