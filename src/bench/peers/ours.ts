// latentspike's own side of the peer bench: one engine timed on a compiled network the way the
// other benches do it (one warm-up run, then the median of `repetitions` runs of simulate time per
// step), with the spike statistics the peer is compared on.

import type { Engine } from '../../engine/engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { median } from '../../analysis/stats.ts';

export interface SpikeStats {
  spikesTotal: number;
  spikesByPopulation: Record<string, number>;
  /** spikesTotal / N / ((S − 1)·dt). */
  meanRateHz: number;
}

export interface EngineTiming extends SpikeStats {
  secondsPerStep: number;
  repetitions: number;
  /** CPU engine: the threads it used. */
  threads?: number;
}

export async function timeEngine(
  engine: Engine,
  net: CompiledNetwork,
  repetitions: number,
): Promise<EngineTiming> {
  await engine.run(net); // warm-up: JIT (CPU) or pipeline and buffer creation (WebGPU)
  const perStep: number[] = [];
  let counts: number[][] = [];
  let threads: number | undefined;
  for (let r = 0; r < repetitions; r++) {
    const result = await engine.run(net);
    perStep.push(result.timing.simulateSeconds / (net.S - 1));
    counts = result.trials[0].spikeCounts.map((c) => Array.from(c));
    threads = result.timing.threads;
  }
  const spikesByPopulation: Record<string, number> = {};
  net.populations.forEach((p, i) => (spikesByPopulation[p.name] = counts[i].reduce((a, c) => a + c, 0)));
  const spikesTotal = Object.values(spikesByPopulation).reduce((a, c) => a + c, 0);
  return {
    secondsPerStep: median(perStep),
    repetitions,
    ...(threads === undefined ? {} : { threads }),
    spikesTotal,
    spikesByPopulation,
    meanRateHz: spikesTotal / net.N / ((net.S - 1) * net.dt),
  };
}

/**
 * Whether `other`'s spike counts match `reference`'s: every population's total within `tolerance`
 * (relative). Noise streams differ between simulators, so this compares statistics, not trains.
 * `worst` is the largest relative difference, signed (other − reference).
 */
export function spikeAgreement(
  reference: SpikeStats,
  other: SpikeStats,
  tolerance: number,
): { agree: boolean; worst: number } {
  let worst = 0;
  const names = new Set([
    ...Object.keys(reference.spikesByPopulation),
    ...Object.keys(other.spikesByPopulation),
  ]);
  for (const name of names) {
    const a = reference.spikesByPopulation[name] ?? 0;
    const b = other.spikesByPopulation[name] ?? 0;
    const rel = a === 0 ? (b === 0 ? 0 : Infinity) : (b - a) / a;
    if (Math.abs(rel) > Math.abs(worst)) worst = rel;
  }
  return { agree: Math.abs(worst) <= tolerance, worst };
}
