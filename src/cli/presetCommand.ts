// `latentspike preset NAME`: the run file of one of the paper's presets; `latentspike list`: the presets.

import { writeFileAtomic, PRESETS, findPreset } from '../node.ts';
import { UsageError } from './args.ts';
import { parseOptions, type CommandSpec } from './options.ts';

export const PRESET = {
  synopsis: ['preset NAME [options]'],
  summary: "Writes the run file of one of the paper's presets (`latentspike list` names them).",
  positionals: true,
  options: {
    emit: { arg: 'RUN.json', help: 'where to write it (default: stdout)' },
    index: { arg: 'K', help: 'which run file of a preset that simulates several', default: '0' },
    seed: { arg: 'S', help: 'noise seed', default: '0' },
  },
} as const satisfies CommandSpec;

export const LIST = {
  synopsis: ['list'],
  summary: "Lists the paper's presets.",
  options: {},
} as const satisfies CommandSpec;

/** An integer ≥ 0 and ≤ max. */
function parseIndex(name: string, value: string, max = Infinity): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    const range = max === Infinity ? 'a non-negative integer' : `an integer in 0…${max}`;
    throw new UsageError(`--${name}: must be ${range} (got "${value}")`);
  }
  return n;
}

export function presetCommand(args: string[]): number {
  const { values, positionals } = parseOptions(PRESET, args);
  if (positionals.length !== 1) throw new UsageError('preset: give exactly one preset name');
  const preset = findPreset(positionals[0]);
  if (!preset)
    throw new UsageError(
      `preset: unknown preset "${positionals[0]}"; allowed: ${PRESETS.map((p) => p.name).join(', ')}`,
    );
  const seed = parseIndex('seed', values.seed ?? PRESET.options.seed.default);
  const runs = preset.runs({ seed });
  const index = parseIndex('index', values.index ?? PRESET.options.index.default, runs.length - 1);
  if (runs.length > 1 && values.index === undefined) {
    process.stderr.write(
      `${preset.name} simulates ${runs.length} run files; writing #0 (choose another with --index)\n`,
    );
  }
  const text = JSON.stringify(runs[index], null, 1);
  if (values.emit) writeFileAtomic(values.emit, text);
  else process.stdout.write(`${text}\n`);
  return 0;
}

export function listCommand(args: string[]): number {
  parseOptions(LIST, args);
  for (const p of PRESETS) process.stdout.write(`${p.name.padEnd(16)} ${p.title}\n`);
  return 0;
}
