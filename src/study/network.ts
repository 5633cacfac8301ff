// A point's network: the base run file with the point's axis values written in, validated by the
// run-file parser, then copied m-fold for the redundancy axis (decoders D/m, thresholds spread over
// one copy's spike jump: experiments/scale/network.ts). The base network (m = 1) is what the
// metrics' boundary geometry comes from: copies share their base neuron's boundary.

import { parseRunFile } from '../model/parse.ts';
import { MAX_INDEX, RUN_FIELDS } from '../model/runFields.ts';
import type { NetworkSpec } from '../model/spec.ts';
import type { RunFileJson } from '../model/runFile.ts';
import { RunFileError } from '../model/errors.ts';
import { findPreset } from '../experiments/presets/index.ts';
import { scaleFunction } from '../experiments/scale/functions.ts';
import { checkScaleSpec, redundantSpec, scaleBaseRun } from '../experiments/scale/network.ts';
import { withField, withSteps } from './overrides.ts';
import { correctSpikeCost } from '../construct/spikeCost.ts';
import type { AxisValue, Study } from './types.ts';

/** Spike trains (ISI CV, synchrony) are recorded up to this many neurons; above, only counts. */
export const SPIKE_TRAIN_LIMIT = 100_000;

/** The scale recipe's settings where the study gives none (as `latentspike scale`). */
export const SCALE_DEFAULTS = { steps: 2000, dt: 1e-4, sigmaV: 0.01, every: 10 } as const;

export interface PointNetwork {
  /** The base (m = 1) run file with the point's values: what was validated. */
  baseRun: RunFileJson;
  /** The base network, parsed: the boundaries as constructed (before any spike-cost correction). */
  base: NetworkSpec;
  /** The network the point simulates (the base copied `redundancy` times). */
  spec: NetworkSpec;
  redundancy: number;
}

const num = (v: AxisValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

const isValidSteps = (steps: number): boolean => {
  const { min, max } = RUN_FIELDS.steps.rule;
  return Number.isInteger(steps) && steps >= min && steps <= max;
};

function baseRunFile(study: Study, params: Record<string, AxisValue>): RunFileJson {
  const seed = num(params.seed);
  const { base, settings } = study;
  if (base.kind === 'scale') {
    const dt = num(params.dt) ?? SCALE_DEFAULTS.dt;
    const steps = num(params.steps) ?? settings.steps ?? SCALE_DEFAULTS.steps;
    if (steps * dt <= 0.06)
      throw new RunFileError('steps', `${steps} steps of ${dt} s do not outlast the 50 ms init cut`);
    return scaleBaseRun({
      fn: scaleFunction(base.function),
      dt,
      steps,
      sigma: SCALE_DEFAULTS.sigmaV,
      seed: seed ?? 0,
      every: settings.every ?? SCALE_DEFAULTS.every,
      recordSpikes: true,
    });
  }
  if (base.kind === 'runFile') return seed === undefined ? base.run : { ...base.run, seed };
  const preset = findPreset(base.name)!;
  const runs = preset.runs({ seed: seed ?? 0, ...(settings.trials ? { trials: settings.trials } : {}) });
  if (base.index >= runs.length)
    throw new RunFileError(
      'base.preset.index',
      `${base.name} has ${runs.length} run files (got index ${base.index})`,
    );
  return runs[base.index];
}

/** The point's base run file: base, settings, then every run-file axis in the study's order. */
export function pointRunFile(study: Study, params: Record<string, AxisValue>): RunFileJson {
  let run = baseRunFile(study, params);
  const { settings } = study;
  const steps = params.steps ?? settings.steps;
  // A per-step input is stretched onto a valid number of steps; any other value goes into the run
  // file as it is, for the run-file parser to refuse (at the axis) before anything is allocated.
  if (typeof steps === 'number' && isValidSteps(steps)) run = withSteps(run, steps);
  else if (steps !== null && steps !== undefined) run = { ...run, steps: steps as unknown as number };
  const trials = num(params.trials) ?? settings.trials;
  if (trials !== null && trials !== undefined) run = { ...run, trials };
  if (settings.every !== null) run = { ...run, record: { ...run.record, every: settings.every } };
  for (const axis of study.axes) {
    if (axis.path === null || axis.path === 'steps') continue;
    if (study.base.kind === 'scale' && axis.path === 'dt') continue; // the recipe's input follows dt
    run = withField(run, axis.path, params[axis.name]);
  }
  return run;
}

/**
 * Neurons of the point's network, without building it. The run file is not validated yet (an axis
 * may have broken it; the parser says where), so sizes that are not numbers count as none.
 */
export function pointNeurons(baseRun: RunFileJson, params: Record<string, AxisValue>): number {
  const pops: unknown[] = Array.isArray(baseRun.populations) ? baseRun.populations : [];
  const size = pops.reduce<number>((s, p) => {
    const n = (p as { size?: unknown } | null)?.size;
    return s + (typeof n === 'number' ? n : 0);
  }, 0);
  return size * (num(params.redundancy) ?? 1);
}

/**
 * The network a point simulates. Throws a RunFileError (a bad axis value, or a base that cannot be
 * copied) naming the field; `validateOnly` stops after the checks, before any large array exists.
 */
export function pointNetwork(
  study: Study,
  params: Record<string, AxisValue>,
  validateOnly = false,
): PointNetwork {
  const baseRun = pointRunFile(study, params);
  const redundancy = num(params.redundancy) ?? 1;
  const neurons = pointNeurons(baseRun, params);
  const recorded =
    neurons > SPIKE_TRAIN_LIMIT ? { ...baseRun, record: { ...baseRun.record, spikes: false } } : baseRun;
  const base = parseRunFile(recorded);
  if (!(neurons <= MAX_INDEX)) {
    throw new RunFileError(
      'axes.redundancy',
      `${redundancy} copies of ${neurons / redundancy} neurons make ${neurons}, more than the ${MAX_INDEX} the engines can index`,
    );
  }
  // The correction moves where the network holds y^E, not where it should: `base` keeps the intended
  // boundaries (the metrics' geometry), the simulated network gets the corrected encoders.
  const correction = num(params.costCorrection) ?? 0;
  const simulated = correction === 0 ? base : parseRunFile(correctSpikeCost(recorded, correction));
  if (redundancy === 1 || validateOnly) {
    if (redundancy > 1) copyable(base);
    return { baseRun, base, spec: simulated, redundancy };
  }
  const jitter = num(params.jitter) ?? study.settings.jitter;
  const spec = redundantSpec(simulated, redundancy, jitter);
  checkScaleSpec(spec);
  return { baseRun, base, spec, redundancy };
}

/** Refuses, naming why, a base the redundancy axis cannot copy (redundantSpec's conditions). */
function copyable(base: NetworkSpec): void {
  const why = (problem: string) => {
    throw new RunFileError('axes.redundancy', `the base network cannot be copied: ${problem}`);
  };
  if (base.readouts.length > 0) why('it has readouts');
  base.populations.forEach((p, pi) => {
    if (p.initial) why(`population ${p.name} has an initial state`);
    const own = base.latents.filter((l) => l.source === pi).length;
    if (own !== 1) why(`population ${p.name} sources ${own} latents (one each is needed)`);
  });
}
