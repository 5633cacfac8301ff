// What `latentspike --help` and `latentspike COMMAND --help` print: each command's synopsis and its
// options, written from the table its parser is built from (options.ts), and the exit codes every
// command shares.

import { helpOptions, optionRow, type CommandSpec } from './options.ts';

/** Exit codes of every command. */
export const EXIT_CODES: readonly { code: number; meaning: string }[] = [
  { code: 0, meaning: 'success' },
  { code: 1, meaning: 'failure: an error other than bad input (the message says what failed)' },
  {
    code: 2,
    meaning:
      'bad input: a run or study file that fails validation (the message names the JSON path), ' +
      'invalid JSON, an unknown preset, command or option; nothing is written',
  },
  {
    code: 3,
    meaning:
      'does not fit: a valid run too large for this machine or GPU adapter, refused before it runs or ' +
      'out of GPU memory while it runs (the need is named)',
  },
  { code: 130, meaning: 'interrupted (Ctrl-C): what finished is kept and written' },
];

/** Lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** Two columns, the right one wrapped to fit 100 characters. */
function table(rows: [string, string][], indent: string): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  const room = Math.max(40, 100 - indent.length - width - 2);
  return rows
    .flatMap(([left, right]) =>
      wrap(right, room).map((line, i) => `${indent}${(i === 0 ? left : '').padEnd(width)}  ${line}`),
    )
    .join('\n');
}

/** `latentspike COMMAND --help`. */
export function commandHelp(command: CommandSpec): string {
  const lines = [
    `Usage: ${command.synopsis.map((s) => `latentspike ${s}`).join('\n       ')}`,
    '',
    ...wrap(command.summary, 100),
  ];
  const options = helpOptions(command).map(([name, o]) => optionRow(name, o));
  if (options.length > 0) lines.push('', 'Options:', table(options, '  '));
  lines.push(
    '',
    `Exit codes: ${EXIT_CODES.map((e) => e.code).join(', ')} (latentspike --help says what each means)`,
  );
  return lines.join('\n');
}

/** `latentspike --help`: every command's synopsis, the exit codes, the presets. */
export function mainHelp(
  commands: Readonly<Record<string, CommandSpec>>,
  presets: readonly string[],
): string {
  const synopses = Object.values(commands).flatMap((c) => c.synopsis.map((s) => `  latentspike ${s}`));
  return [
    'latentspike — low-rank E/I spiking networks with latent boundaries (Podlaski & Machens 2024)',
    '',
    'Usage:',
    ...synopses,
    '',
    'latentspike COMMAND --help shows a command’s options.',
    '',
    'Exit codes:',
    table(
      EXIT_CODES.map((e) => [String(e.code), e.meaning]),
      '  ',
    ),
    '',
    `Presets: ${presets.join(', ')}`,
  ].join('\n');
}
