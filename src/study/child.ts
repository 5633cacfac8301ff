// The program each study point runs in (pool.ts forks it): Node's engine runtime, then one point
// served over the IPC channel, then exit. The library's own program, so runStudy works wherever the
// package is installed, with or without the repository's command line.

import '../engine/nodeRuntime.ts';
import { serveChild } from './pool.ts';

process.exit(await serveChild());
