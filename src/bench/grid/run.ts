// `latentspike bench --grid`: the benchmark grid over N, rank K, spike rule, synapse kind and
// backend (cpu, webgpu in Node, webgpu in headless Chromium), resumable. Every point's record is
// written to grid.json and grid.csv as soon as it is known (atomically), so an interrupted run keeps
// every finished point, and a rerun with the same --out skips them (plan.ts). Plots and grid.md are
// written at the end, interrupted or not.

import '../../engine/nodeRuntime.ts';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { CpuEngine } from '../../engine/cpu/cpuEngine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { isAbortError } from '../../experiments/runner.ts';
import { writeFileAtomic } from '../../io/files.ts';
import {
  adapterFacts,
  buildPointNetwork,
  measureOnDevice,
  meterDeviceMemory,
  networkBytes,
  networkMeasurement,
  OVER_BUDGET,
  pointKey,
  timeEngine,
  type AdapterFacts,
  type GridGpu,
  type GridPoint,
  type GridSettings,
  type Measurement,
  type PointRecord,
} from './core.ts';
import { actualSize } from './network.ts';
import { finishedKeys, planGrid, seriesKey, skipReason, upsert, type GridPlanOptions } from './plan.ts';
import { GRID_FORMAT, gridCsv, gridMarkdown, gridPlots, type GridFile } from './output.ts';
import type { BrowserBackend } from './browser.ts';

export interface GridOptions extends GridPlanOptions, GridSettings {
  out: string;
  /** A point whose predicted time exceeds this many seconds is skipped (plan.ts skipReason). */
  maxPointSeconds: number;
  signal?: AbortSignal;
  /** Progress lines (one per point, plus notes). */
  onLine?: (line: string) => void;
  /** Called after each point's record is written; `measured` is false for a skip or failure. */
  onRecord?: (record: PointRecord, measured: boolean) => void;
}

/**
 * A point is skipped unrun only when the linear prediction from the previous size exceeds the
 * budget this many times over: on a GPU a small size's time is mostly fixed overhead, so the
 * prediction is pessimistic; otherwise the warm-up run decides (core.ts timeEngine).
 */
const PREDICTION_SLACK = 10;

export interface GridSummary {
  planned: number;
  /** Finished in an earlier run with the same --out, not run again. */
  resumed: number;
  measured: number;
  skipped: number;
  failed: number;
  interrupted: boolean;
  files: string[];
}

export function hostFacts(): Record<string, string | number> {
  const cpu = cpus();
  return {
    platform: `${process.platform} ${process.arch}`,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    node: process.version,
  };
}

const cpuAdapter = (threads: number | 'auto'): AdapterFacts => ({
  description: `CPU engine, ${threads === 1 ? 'one thread' : `--threads ${threads}`} (${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores)`,
  vendor: '',
  architecture: process.arch,
  path: 'cpu',
  software: null,
});

/** Reads an earlier run's grid.json in `out`; a file of another format is an error, none is empty. */
export function readGridFile(out: string): PointRecord[] {
  const path = join(out, 'grid.json');
  if (!existsSync(path)) return [];
  let parsed: Partial<GridFile>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<GridFile>;
  } catch (err) {
    throw new Error(`${path}: not JSON (${(err as Error).message}); move it away or choose another --out`);
  }
  if (parsed.format !== GRID_FORMAT || !Array.isArray(parsed.records)) {
    throw new Error(`${path}: not a ${GRID_FORMAT} file; move it away or choose another --out`);
  }
  return parsed.records;
}

/**
 * Host ArrayBuffer bytes above the level at start, sampled at every progress report of the CPU
 * engine (an estimate: a garbage collection between samples can hide arrays).
 */
function hostMeter() {
  let base = 0;
  let peak = 0;
  const read = () => process.memoryUsage().arrayBuffers;
  return {
    start() {
      base = read();
      peak = base;
    },
    sample() {
      peak = Math.max(peak, read());
    },
    peakAbove: () => Math.max(0, peak - base),
  };
}

export async function runGrid(options: GridOptions): Promise<GridSummary> {
  const settings: GridSettings = {
    steps: options.steps,
    dt: options.dt,
    sigmaV: options.sigmaV,
    repetitions: options.repetitions,
    seed: options.seed,
    cpuThreads: options.cpuThreads ?? 1,
  };
  const emit = (line: string) => options.onLine?.(line);
  const points = planGrid(options);
  let records = readGridFile(options.out);
  const done = finishedKeys(records);
  const summary: GridSummary = {
    planned: points.length,
    resumed: points.filter((p) => done.has(pointKey(p, settings))).length,
    measured: 0,
    skipped: 0,
    failed: 0,
    interrupted: false,
    files: [],
  };
  const host = hostFacts();
  const writeData = () => {
    const file: GridFile = { format: GRID_FORMAT, host, updated: new Date().toISOString(), records };
    writeFileAtomic(join(options.out, 'grid.json'), `${JSON.stringify(file, null, 1)}\n`);
    writeFileAtomic(join(options.out, 'grid.csv'), gridCsv(records));
  };
  if (summary.resumed > 0) {
    emit(`resuming ${options.out}: ${summary.resumed} of ${points.length} points already measured`);
  }

  // Opened on first use; a holder, so the closures' assignments are seen in `finally`.
  const open: {
    cpu: CpuEngine | null;
    nodeGpu: Promise<GridGpu> | null;
    browser: Promise<BrowserBackend> | null;
  } = { cpu: null, nodeGpu: null, browser: null };
  const openNodeGpu = async (): Promise<GridGpu> => {
    const { acquireDevice } = await import('../../engine/webgpu/device.ts');
    const { WebGpuEngine } = await import('../../engine/webgpu/webgpuEngine.ts');
    const gpu = await acquireDevice();
    const meter = meterDeviceMemory(gpu.device);
    const { resolveTuning } = await import('../../engine/webgpu/tuningCache.ts');
    const { describeTuning } = await import('../../engine/webgpu/tuning.ts');
    const engine = await WebGpuEngine.create({ gpu, tuning: (g) => resolveTuning(g, emit) });
    const adapter = adapterFacts(gpu.adapterInfo, gpu.path);
    emit(
      `webgpu: ${adapter.description} via ${gpu.path}, ${gpu.featureLevel} feature level, software: ${adapter.software}` +
        (adapter.software ? ' (CPU emulation: these times are not GPU performance)' : '') +
        (engine.tuning ? `; ${describeTuning(engine.tuning)}` : ''),
    );
    return { gpu, engine, meter, adapter };
  };

  // The compiled network of the current (N, K, rule, synapse), shared by the backends.
  let built: { id: string; net: CompiledNetwork; buildSeconds: number } | null = null;
  const networkFor = (p: GridPoint): { net: CompiledNetwork; buildSeconds: number } => {
    const id = `${p.requestedNeurons}/${p.rank}/${p.rule}/${p.synapse}`;
    if (built?.id !== id) {
      built = null; // let the previous network go before building the next
      built = { id, ...buildPointNetwork(p, settings) };
    }
    return built;
  };

  const measure = async (p: GridPoint): Promise<Measurement> => {
    if (p.kernel !== 'network') {
      const g = await (open.nodeGpu ??= openNodeGpu());
      const { measureProbe, measureDense } = await import('../webgpuBench.ts');
      const benchOptions = {
        sizes: [],
        denseSizes: [],
        repetitions: settings.repetitions,
        steps: settings.steps,
        gpu: g.gpu,
      };
      g.meter.reset();
      const row =
        p.kernel === 'probe'
          ? await measureProbe(g.gpu, p.requestedNeurons, benchOptions)
          : await measureDense(g.gpu, p.requestedNeurons, benchOptions);
      if (typeof row === 'string') throw new Error(row);
      return {
        neurons: row.neurons,
        buildSeconds: null,
        setupSeconds: null,
        timedSteps: row.steps,
        microsecondsPerStep: row.secondsPerStep * 1e6,
        neuronUpdatesPerSecond: row.updatesPerSecond,
        spikesPerSecond: null,
        meanRateHz: null,
        realTimeFactor: null,
        networkBytes: null,
        stateBytes: g.meter.peak(),
        memoryKind: 'device',
        threads: null,
        adapter: g.adapter,
      };
    }
    if (p.backend === 'browser') {
      const b = await (open.browser ??= (async () => {
        const { openBrowserBackend } = await import('./browser.ts');
        const opened = await openBrowserBackend();
        emit(`browser: ${opened.describe()}`);
        return opened;
      })());
      return b.measure(p, settings, options.maxPointSeconds, options.signal);
    }
    const { net, buildSeconds } = networkFor(p);
    if (p.backend === 'cpu') {
      open.cpu ??= new CpuEngine({ precision: 'f64', threads: settings.cpuThreads });
      const meter = hostMeter();
      meter.start();
      const timed = await timeEngine(open.cpu, net, settings.repetitions, {
        signal: options.signal,
        maxSeconds: options.maxPointSeconds,
        onProgress: () => meter.sample(),
      });
      meter.sample();
      return networkMeasurement(net, timed, {
        buildSeconds,
        networkBytes: networkBytes(net),
        stateBytes: meter.peakAbove(),
        memoryKind: 'host',
        adapter: cpuAdapter(settings.cpuThreads ?? 1),
      });
    }
    const g = await (open.nodeGpu ??= openNodeGpu());
    return measureOnDevice(g, net, buildSeconds, settings.repetitions, {
      signal: options.signal,
      maxSeconds: options.maxPointSeconds,
    });
  };

  const started = performance.now();
  let index = 0;
  try {
    for (const p of points) {
      index++;
      const key = pointKey(p, settings);
      if (done.has(key)) continue;
      if (options.signal?.aborted) {
        summary.interrupted = true;
        break;
      }
      const neurons = p.kernel === 'network' ? actualSize(p.rank!, p.requestedNeurons) : p.requestedNeurons;
      const series = seriesKey(p);
      const previous = records
        .filter((r) => seriesKey(r) === series && r.requestedNeurons < p.requestedNeurons)
        .filter((r) => r.steps === settings.steps && r.repetitions === settings.repetitions)
        .filter((r) => r.dt === settings.dt && r.sigmaV === settings.sigmaV && r.seed === settings.seed)
        .sort((a, b) => a.requestedNeurons - b.requestedNeurons)
        .at(-1);
      const base = { ...p, ...settings, key, at: '' };
      let record: PointRecord;
      let measured = false;
      const skip = skipReason(p, neurons, previous, settings, options.maxPointSeconds, PREDICTION_SLACK);
      if (skip !== null) {
        record = { ...base, status: 'skipped', reason: skip, neurons };
        summary.skipped++;
      } else {
        try {
          const m = await measure(p);
          record = { ...base, ...m, status: 'done', reason: null };
          measured = true;
          summary.measured++;
        } catch (err) {
          if (isAbortError(err) || options.signal?.aborted) {
            summary.interrupted = true;
            break;
          }
          const message = (err as Error).message.split('\n')[0];
          const overBudget = message.includes(OVER_BUDGET);
          record = { ...base, status: overBudget ? 'skipped' : 'failed', reason: message, neurons };
          if (overBudget) summary.skipped++;
          else summary.failed++;
        }
      }
      record.at = new Date().toISOString();
      records = upsert(records, record);
      writeData();
      options.onRecord?.(record, measured);
      emit(progressLine(index, points.length, record, (performance.now() - started) / 1000));
    }
  } finally {
    open.cpu?.dispose();
    const closing: Promise<unknown>[] = [];
    if (open.nodeGpu) {
      closing.push(
        open.nodeGpu.then(
          (g) => {
            g.engine.dispose();
            g.gpu.release();
          },
          () => undefined,
        ),
      );
    }
    if (open.browser) closing.push(open.browser.then((b) => b.close()).catch(() => undefined));
    await Promise.all(closing);
  }
  writeData();
  const md = join(options.out, 'grid.md');
  writeFileAtomic(md, gridMarkdown(records));
  summary.files = ['grid.json', 'grid.csv', 'grid.md'];
  for (const plot of gridPlots(records)) {
    writeFileAtomic(join(options.out, `${plot.name}.svg`), plot.svg);
    summary.files.push(`${plot.name}.svg`);
  }
  return summary;
}

function progressLine(index: number, total: number, r: PointRecord, elapsed: number): string {
  const what =
    r.kernel === 'network'
      ? `${r.backend} N=${r.neurons} K=${r.rank} ${r.rule}/${r.synapse}`
      : `${r.backend} ${r.kernel} N=${r.neurons}`;
  const result =
    r.status === 'done'
      ? `${r.microsecondsPerStep!.toPrecision(4)} µs/step, ${r.neuronUpdatesPerSecond!.toExponential(2)} updates/s`
      : `${r.status}: ${r.reason}`;
  return `[${index}/${total}] ${what}: ${result} (${elapsed.toFixed(0)} s)`;
}
