// `latentspike run RUN.json`: a run file from disk, validated up front, as a generic preset.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseRunFileText } from '../model/parse.ts';
import type { RunFileJson } from '../model/runFile.ts';
import type { Preset } from './preset.ts';
import { runFileAsPreset } from './genericPreset.ts';
import { admitRunText } from '../engine/admission.ts';

/** Returns undefined when `path` does not end in .json (so the caller can report an unknown preset). */
export function runFilePreset(path: string, options: { force?: boolean } = {}): Preset | undefined {
  if (!path.endsWith('.json')) return undefined;
  const text = readFileSync(path, 'utf8');
  if (!options.force) admitRunText(text); // too large for this machine: refused before the parser allocates
  parseRunFileText(text, path); // a bad file must fail before anything runs or is written
  return runFileAsPreset(basename(path, '.json'), JSON.parse(text) as RunFileJson);
}
