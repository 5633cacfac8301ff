// The command line as a user meets it: exit codes, what is (and is not) written, messages naming
// the bad field. Runs the real bin in a child process.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/latentspike.js', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'latentspike-'));

describe('latentspike CLI', () => {
  it('preset → simulate reproduces fig4’s 20 E and 20 I spikes', () => {
    const dir = tmp();
    expect(cli('preset', 'fig4', '--emit', join(dir, 'fig4.json')).status).toBe(0);
    const r = cli('simulate', join(dir, 'fig4.json'), '--backend', 'cpu', '--out', join(dir, 'result.json'));
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    expect(result.format).toBe('latentspike/result@1');
    expect(result.spikeCounts).toEqual({ E: [20], I: [20] });
    expect(result.latents.yE.values).toHaveLength(1200);
  });

  it('a bad run file exits 2, names the field, and writes nothing', () => {
    const dir = tmp();
    cli('preset', 'fig4', '--emit', join(dir, 'fig4.json'));
    const run = JSON.parse(readFileSync(join(dir, 'fig4.json'), 'utf8'));
    run.latents[1].decoder = [-1];
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(run));
    const r = cli('simulate', join(dir, 'bad.json'), '--backend', 'cpu', '--out', join(dir, 'out.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('latents[1].decoder[0]');
    expect(existsSync(join(dir, 'out.json'))).toBe(false);
    const runOut = cli('run', join(dir, 'bad.json'), '--backend', 'cpu', '--out', join(dir, 'runout'));
    expect(runOut.status).toBe(2);
    expect(existsSync(join(dir, 'runout'))).toBe(false);
  });

  it('--backend auto takes the CPU engine over a software adapter, and says why', () => {
    const r = cli('run', 'fig4', '--out', join(tmp(), 'fig4'));
    expect(r.status, r.stderr).toBe(0);
    const why =
      process.env.LATENTSPIKE_REQUIRE_WEBGPU === '1'
        ? /backend: cpu — the only WebGPU adapter is a software one \(.+\), slower than the CPU engine/
        : /backend: (cpu — the only WebGPU adapter is a software one|cpu — WebGPU unavailable|webgpu \()/;
    expect(r.stderr).toMatch(why);
    if (process.env.LATENTSPIKE_REQUIRE_WEBGPU === '1') expect(r.stdout).toMatch(/backend: cpu/);
  });

  it('invalid JSON and unknown names exit 2 with a clear message', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'broken.json'), '{"format": ');
    const r = cli('simulate', join(dir, 'broken.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON/);
    expect(cli('run', 'fig99').stderr).toMatch(/unknown preset "fig99"; allowed: fig2/);
    expect(cli('run', 'fig5', '--backend', 'gpu').stderr).toMatch(/--backend: unknown backend "gpu"/);
    expect(cli('run', 'fig5', '--seeds', '0').status).toBe(2);
    const threads = cli('run', 'fig5', '--threads', 'two');
    expect(threads.status).toBe(2);
    expect(threads.stderr).toMatch(/--threads: must be a positive integer \(got "two"\)/);
  });

  it('bench --per-invocation takes a positive integer and only the WebGPU bench', () => {
    const bad = cli('bench', '--backend', 'webgpu', '--per-invocation', '0');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--per-invocation: must be a positive integer \(got "0"\)/);
    const cpu = cli('bench', '--backend', 'cpu', '--per-invocation', '4');
    expect(cpu.status).toBe(2);
    expect(cpu.stderr).toMatch(/--per-invocation: only with --backend webgpu/);
    expect(cli('bench', '--grid', '--per-invocation', '4').stderr).toMatch(
      /--per-invocation: not with --grid/,
    );
  });

  it('bench --json takes a file name and only the WebGPU bench', () => {
    const cpu = cli('bench', '--backend', 'cpu', '--json', 'out.json');
    expect(cpu.status).toBe(2);
    expect(cpu.stderr).toMatch(/--json: only with --backend webgpu/);
    const empty = cli('bench', '--backend', 'webgpu', '--json', '');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/--json: needs a file name/);
    expect(cli('bench', '--grid', '--json', 'x.json').stderr).toMatch(/--json: not with --grid/);
    expect(cli('bench', '--peer', 'brian2', '--json', 'x.json').stderr).toMatch(/--json: not with --peer/);
  });

  it('run writes metrics, result and plots, and prints the paper’s values beside ours', () => {
    const dir = tmp();
    const r = cli('run', 'fig5', '--backend', 'cpu', '--out', dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/RMSE y\^E vs target\s+0\.353\s+0\.353/);
    expect(readdirSync(dir).sort()).toEqual([
      'latents.svg',
      'metrics.json',
      'plane.svg',
      'raster.svg',
      'result.json',
    ]);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.interrupted).toBe(false);
    expect(metrics.seeds).toEqual([0]);
  });
});
