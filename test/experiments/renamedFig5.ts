// fig5's run file with its populations and latents renamed (E/I → exc/inh, yE/yI → a/b) and every
// reference renamed with them: the same network under names no code may rely on.

import { fig5Run } from '../../src/experiments/presets/fig5.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';

const RENAME: Record<string, string> = { E: 'exc', I: 'inh', yE: 'a', yI: 'b' };

/** fig5's run file with its populations and latents renamed everywhere they are referred to. */
export function renamedFig5(): RunFileJson {
  const run = fig5Run();
  const to = (name: string) => RENAME[name] ?? name;
  return {
    ...run,
    populations: run.populations.map((p) => ({ ...p, name: to(p.name) })),
    latents: run.latents.map((l) => ({ ...l, name: to(l.name), source: to(l.source) })),
    encoders: Object.fromEntries(
      Object.entries(run.encoders!).map(([pop, row]) => [
        to(pop),
        Object.fromEntries(Object.entries(row).map(([l, v]) => [to(l), v])),
      ]),
    ),
  };
}
