// Time windows in seconds → index ranges. Spike steps live at t = step·dt; recorded latents and
// readouts at t = k·every·dt (sample k is step k·every). Every metric takes a half-open index range, so
// windowing is decided here once and the metric functions stay plain loops over arrays.

import { DEFAULTS } from '../model/defaults.ts';

/** A time window [t0, t1) in seconds; t1 may be Infinity (to the end of the run). */
export interface TimeWindow {
  t0: number;
  t1: number;
}

/** A half-open index range [start, end). */
export interface IndexRange {
  start: number;
  end: number;
}

/** The default metric window: everything after the 50 ms init cut (MODEL.md §6). */
export const INIT_CUT_WINDOW: TimeWindow = { t0: DEFAULTS.initCutSeconds, t1: Infinity };

// Relative tolerance for snapping t/dt onto an integer step: 0.175 / 5e-5 is 3499.9999999999995 in
// float64, and a window edge written in round milliseconds must land on step 3500, not 3500 by luck.
const SNAP = 1e-9;

/** The first step index s with s·dt ≥ t, where t within rounding of a step's time counts as that step. */
function firstStepAtOrAfter(t: number, dt: number): number {
  const x = t / dt;
  const nearest = Math.round(x);
  return Math.abs(x - nearest) <= SNAP * Math.max(1, Math.abs(x)) ? nearest : Math.ceil(x);
}

function clamp(i: number, length: number): number {
  return Math.min(Math.max(i, 0), length);
}

/** Steps s ∈ [0, steps) with t0 ≤ s·dt < t1. */
export function stepRange(window: TimeWindow, dt: number, steps: number): IndexRange {
  return sampleRange(window, dt, 1, steps);
}

/** Samples k ∈ [0, samples) of a recording with stride `every`, i.e. steps k·every with t0 ≤ k·every·dt < t1. */
export function sampleRange(window: TimeWindow, dt: number, every: number, samples: number): IndexRange {
  if (!(dt > 0)) throw new RangeError(`dt must be > 0, got ${dt}`);
  if (!Number.isInteger(every) || every < 1)
    throw new RangeError(`every must be an integer ≥ 1, got ${every}`);
  // Snap in steps first, then round up to the stride, so a window edge between two samples is exact.
  const start = clamp(Math.ceil(firstStepAtOrAfter(window.t0, dt) / every), samples);
  const end = clamp(Math.ceil(firstStepAtOrAfter(window.t1, dt) / every), samples);
  return { start, end: Math.max(start, end) };
}

/** The whole of an array of this length. */
export function wholeRange(length: number): IndexRange {
  return { start: 0, end: length };
}

/** Throws unless range lies within [0, length]. */
export function checkRange(range: IndexRange, length: number): void {
  const { start, end } = range;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > length) {
    throw new RangeError(`index range [${start}, ${end}) does not lie within [0, ${length})`);
  }
}
