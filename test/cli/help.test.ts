// Every command answers --help, exit 0, listing exactly the options its parser takes: both are built
// from the command's option table (src/cli/options.ts), no command parses its arguments any other
// way, and the parser refuses what the table does not declare. `latentspike --help` lists every
// command and every exit code with its meaning.

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.ts';
import { helpOptions, parseOptions, type CommandSpec } from '../../src/cli/options.ts';
import { STUDY_COMMANDS } from '../../src/cli/studyCommand.ts';

const BIN = new URL('../../bin/latentspike.js', import.meta.url).pathname;

function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const SRC_CLI = fileURLToPath(new URL('../../src/cli/', import.meta.url));

/** The options an --help text lists: the first word of each line of its Options section. */
function listedOptions(help: string): string[] {
  const section = help.split('\nOptions:\n')[1]?.split('\n\n')[0] ?? '';
  return section.split('\n').flatMap((line) => /^ {2}(--[\w-]+)/.exec(line)?.[1] ?? []);
}

/** The options a command's parser takes: its table's, and `--no-tune` where main.ts takes it. */
const tableOptions = (command: CommandSpec) => helpOptions(command).map(([name]) => `--${name}`);

/** A value for each option of the table, as its parser takes them. */
const everyOption = (command: CommandSpec) =>
  Object.entries(command.options).flatMap(([name, o]) => (o.flag ? [`--${name}`] : [`--${name}`, 'x']));

const MAIN = Object.entries(COMMANDS).filter(([name]) => name !== 'study');
const STUDY = Object.entries(STUDY_COMMANDS) as [string, CommandSpec][];

describe('latentspike --help', () => {
  it('lists every command and every exit code with its meaning, and exits 0', async () => {
    const r = await cli('--help');
    expect(r.status).toBe(0);
    for (const command of Object.keys(COMMANDS)) {
      expect(r.stdout).toContain(`latentspike ${command}`);
    }
    const codes = r.stdout.slice(r.stdout.indexOf('Exit codes:'));
    for (const [code, meaning] of [
      ['0', 'success'],
      ['1', 'failure'],
      ['2', 'bad input'],
      ['3', 'does not fit'],
      ['130', 'interrupted'],
    ]) {
      expect(codes).toMatch(new RegExp(`^  ${code} +${meaning}`, 'm'));
    }
  });

  it('without a command prints the same usage and exits 2; an unknown command exits 2', async () => {
    const [none, unknown] = await Promise.all([cli(), cli('simulat')]);
    expect(none.status).toBe(2);
    expect(none.stdout).toContain('Exit codes:');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "simulat"');
  });
});

describe('latentspike COMMAND --help', () => {
  it.each(MAIN)('%s --help prints its usage and exactly its table’s options', async (command, spec) => {
    const r = await cli(command, '--help');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: latentspike ${command}`));
    expect(listedOptions(r.stdout)).toEqual(tableOptions(spec));
    expect(r.stdout).toContain('Exit codes: 0, 1, 2, 3, 130');
    expect(r.stderr).toBe('');
  });

  it.each(STUDY)('study %s --help prints its usage and exactly its table’s options', async (sub, spec) => {
    const r = await cli('study', sub, '--help');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: latentspike study ${sub}`));
    expect(listedOptions(r.stdout)).toEqual(tableOptions(spec));
  });

  it('help COMMAND and -h say the same; study lists its subcommands', async () => {
    const [help, short, long, study, helpStudy, studySub] = await Promise.all([
      cli('help', 'run'),
      cli('run', '-h'),
      cli('run', '--help'),
      cli('study', '--help'),
      cli('help', 'study'),
      cli('study', 'help', 'export'),
    ]);
    expect(help.stdout).toBe(long.stdout);
    expect(short.stdout).toBe(long.stdout);
    expect(study.status).toBe(0);
    for (const sub of Object.keys(STUDY_COMMANDS)) expect(study.stdout).toContain(`study ${sub}`);
    expect(helpStudy.stdout).toBe(study.stdout);
    expect(studySub.stdout).toMatch(/^Usage: latentspike study export/);
    expect(studySub.stdout).toContain('--format parquet|csv|json');
  });
});

describe('each command parses by its table', () => {
  it.each([...MAIN, ...STUDY])(
    '%s: the parser takes every option of the table and nothing else',
    (_, spec) => {
      const { values } = parseOptions(spec, everyOption(spec));
      expect(Object.keys(values).sort()).toEqual(Object.keys(spec.options).sort());
      expect(() => parseOptions(spec, ['--not-an-option'])).toThrow(/Unknown option '--not-an-option'/);
    },
  );

  it('no module of src/cli parses arguments but through parseOptions', () => {
    const direct = readdirSync(SRC_CLI).filter(
      (f) => f !== 'options.ts' && /\bparseArgs\b/.test(readFileSync(`${SRC_CLI}${f}`, 'utf8')),
    );
    expect(direct).toEqual([]);
  });

  it('the command line refuses an option outside the table with exit 2, naming it', async () => {
    const runs = await Promise.all(
      [['simulate'], ['bench'], ['study', 'run']].map((c) => cli(...c, '--not-an-option')),
    );
    for (const r of runs) {
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/Unknown option '--not-an-option'/);
    }
  });
});
