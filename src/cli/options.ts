// Each command declares its options once, in a table: name, whether it takes a value, its default
// and what it does. parseOptions builds the command's parser (node:util parseArgs) from the table,
// and usage.ts writes the command's --help from the same table, so the two cannot disagree.
// Defaults are written as a user would type them and parsed like a given value.

import { parseArgs } from 'node:util';

export interface OptionSpec {
  /**
   * What follows the option in --help: the value it takes (`N`, `cpu|webgpu`), or for a flag the
   * positionals that go with it (`[FILE]`).
   */
  readonly arg?: string;
  /** A flag takes no value. */
  readonly flag?: true;
  /** What the option does. */
  readonly help: string;
  /**
   * The value taken when the option is not given, as a user would type it; where a command's
   * forms differ, one per form (--help names the form).
   */
  readonly default?: string | Readonly<Record<string, string>>;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

export interface CommandSpec<T extends OptionTable = OptionTable> {
  /** One line per form of the command, without the leading `latentspike`. */
  readonly synopsis: readonly string[];
  /** What the command does, in a sentence or two. */
  readonly summary: string;
  readonly options: T;
  /** The command takes positional arguments (a run file, a preset name, …). */
  readonly positionals?: true;
  /** The command makes a WebGPU engine: it also takes `--no-tune` (main.ts). */
  readonly tuned?: true;
}

/** The values parseOptions returns: a string per valued option given, true per flag given. */
export type OptionValues<T extends OptionTable> = {
  [K in keyof T]?: T[K] extends { flag: true } ? boolean : string;
};

/** `--no-tune`, which main.ts takes for every `tuned` command. */
export const NO_TUNE: OptionSpec = {
  flag: true,
  help: 'WebGPU: the built-in knobs, not this adapter’s entry in the tuning cache (as LATENTSPIKE_TUNING=off)',
};

/** A command's options as --help lists them: its table, and `--no-tune` where main.ts takes it. */
export function helpOptions(command: CommandSpec): [string, OptionSpec][] {
  const rows = Object.entries(command.options);
  return command.tuned ? [...rows, ['no-tune', NO_TUNE]] : rows;
}

/**
 * Parses `args` by the command's table: an option it does not declare, a missing value or a value
 * given to a flag is bad input (parseArgs' ERR_PARSE_ARGS_* errors, exit 2 in main.ts).
 */
export function parseOptions<T extends OptionTable>(
  command: CommandSpec<T>,
  args: string[],
): { values: OptionValues<T>; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(command.options).map(([name, o]) => [
      name,
      { type: o.flag ? ('boolean' as const) : ('string' as const) },
    ]),
  );
  const { values, positionals } = parseArgs({
    args,
    options,
    allowPositionals: command.positionals === true,
    strict: true,
  });
  return { values: values as OptionValues<T>, positionals };
}

/** An option's row in --help: the option with what follows it, and what it does with its default. */
export function optionRow(name: string, o: OptionSpec): [string, string] {
  const left = o.arg === undefined ? `--${name}` : `--${name} ${o.arg}`;
  const d = o.default;
  if (d === undefined) return [left, o.help];
  if (typeof d === 'string') return [left, `${o.help} (default ${d})`];
  // Per form: the forms that share a value together, e.g. `5 for cpu, webgpu; 3 for peer`.
  const forms = new Map<string, string[]>();
  for (const [form, value] of Object.entries(d)) forms.set(value, [...(forms.get(value) ?? []), form]);
  const text = [...forms].map(([value, names]) => `${value} for ${names.join(', ')}`).join('; ');
  return [left, `${o.help} (default ${text})`];
}
