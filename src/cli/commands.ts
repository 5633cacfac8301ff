// Every command of `latentspike`, by name: its synopsis, summary and option table (options.ts), as
// main.ts prints them for --help and each command's module parses its arguments by them.

import type { CommandSpec } from './options.ts';
import { SIMULATE } from './simulateCommand.ts';
import { LIST, PRESET } from './presetCommand.ts';
import { RUN } from './runCommand.ts';
import { BENCH } from './benchCommand.ts';
import { TUNE } from './tuneCommand.ts';
import { TABLE } from './tableCommand.ts';
import { SCALE } from './scaleCommand.ts';
import { PLAN } from './planCommand.ts';
import { STUDY } from './studyCommand.ts';

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  simulate: SIMULATE,
  preset: PRESET,
  run: RUN,
  list: LIST,
  bench: BENCH,
  tune: TUNE,
  table: TABLE,
  scale: SCALE,
  plan: PLAN,
  study: STUDY,
};
