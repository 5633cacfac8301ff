// Every command answers --help: its usage and every option its parser takes, exit 0. The option
// lists below are read off each command's parseArgs (and main.ts's `--no-tune`), so a new option
// missing from src/cli/usage.ts fails here. `latentspike --help` lists every exit code with its meaning.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

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

/** Each command's options, as its parseArgs declares them. */
const OPTIONS: Record<string, string[]> = {
  simulate: ['--backend', '--precision', '--threads', '--out', '--no-tune', '--force'],
  preset: ['--emit', '--index', '--seed'],
  run: ['--backend', '--threads', '--seeds', '--trials', '--out', '--no-tune', '--force'],
  list: [],
  bench: [
    '--backend',
    '--sizes',
    '--dense-sizes',
    '--repetitions',
    '--steps',
    '--max-row-seconds',
    '--per-invocation',
    '--peer',
    '--targets',
    '--threads',
    '--grid',
    '--out',
    '--max-n',
    '--ranks',
    '--rules',
    '--synapses',
    '--backends',
    '--dt',
    '--sigma',
    '--seed',
    '--serial-max-n',
    '--dense-max-n',
    '--no-baselines',
    '--max-point-seconds',
    '--no-tune',
  ],
  tune: ['--sizes', '--steps', '--trials', '--repetitions'],
  table: ['--out', '--backend'],
  scale: [
    '--sizes',
    '--backend',
    '--function',
    '--steps',
    '--sigma',
    '--jitter',
    '--dt',
    '--every',
    '--seed',
    '--out',
    '--threads',
    '--workers',
  ],
  plan: ['--adapter', '--limits', '--json', '--dispatch', '--trials', '--dump-limits'],
};

describe('latentspike --help', () => {
  it('lists every command and every exit code with its meaning, and exits 0', async () => {
    const r = await cli('--help');
    expect(r.status).toBe(0);
    for (const command of [...Object.keys(OPTIONS), 'study']) {
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
  it.each(Object.entries(OPTIONS))(
    '%s --help prints its usage and every option',
    async (command, options) => {
      const r = await cli(command, '--help');
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: latentspike ${command}`));
      for (const option of options) expect(r.stdout).toMatch(new RegExp(`^ +${option}\\b`, 'm'));
      expect(r.stdout).toContain('Exit codes: 0, 1, 2, 3, 130');
      expect(r.stderr).toBe('');
    },
  );

  it('help COMMAND and -h say the same; study answers for itself', async () => {
    const [help, short, long, study] = await Promise.all([
      cli('help', 'run'),
      cli('run', '-h'),
      cli('run', '--help'),
      cli('study', '--help'),
    ]);
    expect(help.stdout).toBe(long.stdout);
    expect(short.stdout).toBe(long.stdout);
    expect(study.status).toBe(0);
    expect(study.stdout).toContain('latentspike study');
  });
});
