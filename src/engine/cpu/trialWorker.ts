// One worker thread of a TrialPool (trialPool.ts): holds a run's network, simulates the trials it is
// handed one at a time, reports its progress through the trial now and then, and posts each trial's
// recordings back with their buffers transferred.
//
// In:  { net, precision }   the run's network (net: null drops it at the end of the run)
//      { trial }            simulate this trial
// Out: { ready: true }      once the noise fill is loaded (or { error } if it could not be)
//      { progress }         steps of the current trial simulated so far
//      { trial, result }    the trial's recordings
//      { error }            the trial threw (the message and stack)

import { parentPort } from 'node:worker_threads';
import type { TrialResult } from '../engine.ts';
import type { CompiledNetwork } from '../../model/compile.ts';
import { loadNoiseFill } from './wasmNoise.ts';
import { ownChunkSteps, startTrial } from './cpuTrial.ts';
import type { Precision } from './spikingTrial.ts';

const PROGRESS_EVERY_MS = 50;
const port = parentPort!;
let run: { net: CompiledNetwork; precision: Precision } | null = null;

/** Every distinct buffer under a trial's recordings, to transfer rather than copy. */
function buffersOf(result: TrialResult): ArrayBuffer[] {
  const arrays = [
    ...result.spikeCounts,
    ...(result.spikes ?? []).flatMap((s) => [s.step, s.neuron]),
    ...(result.latents ?? []),
    ...(result.readouts ?? []),
  ];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

function simulate(trial: number): void {
  const { net, precision } = run!;
  const sim = startTrial(net, trial, precision);
  const chunk = ownChunkSteps(net);
  let posted = performance.now();
  for (let t = 1; t < net.S; t += chunk) {
    const t1 = Math.min(net.S, t + chunk);
    sim.run(t, t1);
    if (performance.now() - posted > PROGRESS_EVERY_MS) {
      port.postMessage({ progress: t1 - 1 });
      posted = performance.now();
    }
  }
  const result = sim.result();
  port.postMessage({ trial, result }, buffersOf(result));
}

type Message = { net: CompiledNetwork | null; precision: Precision } | { trial: number };

try {
  await loadNoiseFill();
  port.on('message', (m: Message) => {
    if ('net' in m) {
      run = m.net && { net: m.net, precision: m.precision };
      return;
    }
    try {
      simulate(m.trial);
    } catch (e) {
      port.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
  port.postMessage({ ready: true });
} catch (e) {
  port.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
