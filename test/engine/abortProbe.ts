// Run as a child process by cpuTrialThreads.test.ts: starts a run of 100 000 trials on two trial
// workers, aborts it at its first progress report, prints how it ended, and then simply ends
// without disposing of the engine; the test fails if a worker keeps Node alive (it kills the child
// after a timeout).

import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { figS2Run } from '../../src/experiments/presets/figS2.ts';

const net = compileNetwork(parseRunFile(figS2Run(0.1, true, 0, 100_000)));
const total = (net.S - 1) * net.trials;
const controller = new AbortController();
let done = 0;
try {
  await new CpuEngine({ threads: 2 }).run(net, {
    signal: controller.signal,
    onProgress: (d) => {
      done = d;
      if (d > 0) controller.abort();
    },
  });
  console.log(JSON.stringify({ name: 'finished', done, total }));
} catch (e) {
  console.log(JSON.stringify({ name: (e as Error).name, done, total }));
}
