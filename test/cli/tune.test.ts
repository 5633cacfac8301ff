// `latentspike tune` caches its choice per adapter under $XDG_CACHE_HOME and later WebGPU runs on
// that adapter use it, saying so on the adapter line; LATENTSPIKE_TUNING=off and --no-tune turn it
// off; a corrupt or foreign cache file is warned about and ignored. Runs the real bin on llvmpipe
// (Dawn's OpenGL ES path) with a temporary cache folder.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tryAcquireDeviceOn } from '../webgpu/gpu.ts';
import { describeChoice, notACandidate } from '../../src/engine/webgpu/tuning.ts';

const BIN = new URL('../../bin/latentspike.js', import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), 'latentspike-tune-'));

const gpu = await tryAcquireDeviceOn('opengl');
const limits = gpu?.device.limits;
gpu?.release();

describe.skipIf(!gpu)('latentspike tune', () => {
  const cache = tmp();
  const work = tmp();
  const env = (extra: Record<string, string> = {}) => ({
    ...process.env,
    XDG_CACHE_HOME: cache,
    LATENTSPIKE_WEBGPU_PATH: 'opengl',
    LATENTSPIKE_TUNING: '',
    ...extra,
  });
  const cli = (args: string[], extra?: Record<string, string>) =>
    spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: env(extra) });
  const file = join(cache, 'latentspike', 'tuning.json');
  const run = join(work, 'fig5.json');

  it('caches a tested candidate for this adapter, and runs use it', { timeout: 600_000 }, () => {
    const tuned = cli(['tune', '--sizes', '600', '--steps', '6', '--trials', '2', '--repetitions', '1']);
    expect(tuned.status, tuned.stderr).toBe(0);
    expect(tuned.stdout).toContain(`cached in ${file}`);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.version).toBe(1);
    const entries = Object.values(saved.adapters) as { choice: never; adapter: { limitsHash: string } }[];
    expect(entries).toHaveLength(1);
    const { choice } = entries[0];
    expect(notACandidate(choice, limits!)).toBeNull();
    expect(entries[0].adapter.limitsHash).toMatch(/^[0-9a-f]{8}$/);
    expect(tuned.stdout).toContain(`: ${describeChoice(choice)}`);

    expect(cli(['preset', 'fig5', '--emit', run]).status).toBe(0);
    const used = cli(['simulate', run, '--backend', 'webgpu', '--out', join(work, 'a.json')]);
    expect(used.status, used.stderr).toBe(0);
    expect(used.stderr).toContain(`tuning: tuned for this adapter (${file}): ${describeChoice(choice)}`);

    for (const off of [
      cli(['simulate', run, '--backend', 'webgpu', '--no-tune', '--out', join(work, 'b.json')]),
      cli(['simulate', run, '--backend', 'webgpu', '--out', join(work, 'c.json')], {
        LATENTSPIKE_TUNING: 'off',
      }),
    ]) {
      expect(off.status, off.stderr).toBe(0);
      expect(off.stderr).toContain('tuning: built-in defaults (LATENTSPIKE_TUNING=off or --no-tune)');
    }
    // Tuned or not, the same result.
    const spikes = (name: string) => JSON.parse(readFileSync(join(work, name), 'utf8')).spikeCounts;
    expect(spikes('a.json')).toEqual(spikes('b.json'));
  });

  it('warns about a corrupt or foreign cache file and runs on the defaults', { timeout: 600_000 }, () => {
    const corrupt = tmp();
    const path = join(corrupt, 'latentspike', 'tuning.json');
    spawnSync('mkdir', ['-p', join(corrupt, 'latentspike')]);
    expect(cli(['preset', 'fig5', '--emit', run]).status).toBe(0);
    for (const [text, warning] of [
      ['{"version": 1, "adapt', /tuning: ignoring .*tuning\.json: .*JSON/],
      ['{"version": 99, "adapters": {}}', /not a version 1 tuning file/],
    ] as const) {
      writeFileSync(path, text);
      const r = cli(['simulate', run, '--backend', 'webgpu', '--out', join(work, 'd.json')], {
        XDG_CACHE_HOME: corrupt,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(warning);
      expect(r.stderr).toContain('tuning: built-in defaults (no entry for this adapter');
    }
    const bad = cli(['simulate', run, '--backend', 'webgpu', '--out', join(work, 'e.json')], {
      LATENTSPIKE_TUNING: 'maybe',
    });
    expect(bad.status).toBe(2);
    expect(existsSync(join(work, 'e.json'))).toBe(false);
    expect(bad.stderr).toContain("LATENTSPIKE_TUNING='maybe' is not one of: on, off");
  });
});
