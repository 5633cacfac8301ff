// The latent plane follows the network's structure: its axes are the channels the excitatory and
// the inhibitory population source, whatever the populations and channels are called and in
// whatever order the file lists them. fig5's own run file with every name changed (E/I → exc/inh,
// yE/yI → a/b) draws the same plane as fig5, in process and through `latentspike run`; a network
// without an E/I plane says so on stderr instead of silently writing no plane.svg.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { runFileAsPreset } from '../../src/experiments/genericPreset.ts';
import { latentPlane } from '../../src/experiments/planeGeometry.ts';
import { fig2Run } from '../../src/experiments/presets/fig2.ts';
import { fig5Run } from '../../src/experiments/presets/fig5.ts';
import { runPreset } from '../../src/experiments/runner.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';
import { renamedFig5 } from './renamedFig5.ts';

const BIN = fileURLToPath(new URL('../../bin/latentspike.js', import.meta.url));

/** Every path of an SVG: the trajectory, both boundaries, the grid and the ticks. */
const paths = (svg: string) => [...svg.matchAll(/ d="([^"]+)"/g)].map((m) => m[1]);

describe('the latent plane follows the network’s structure', () => {
  it('finds the E and I channels by their sources, in any order and under any name', () => {
    const plain = latentPlane(parseRunFile(fig5Run()));
    const renamed = latentPlane(parseRunFile(renamedFig5()));
    const swapped = renamedFig5();
    swapped.latents.reverse();
    const reordered = latentPlane(parseRunFile(swapped));
    if (typeof plain === 'string' || typeof renamed === 'string' || typeof reordered === 'string') {
      throw new Error('fig5 has a latent plane');
    }
    expect(renamed).toEqual(plain);
    expect(reordered.channels).toEqual({ E: 1, I: 0 });
    expect(reordered.geometry).toEqual(plain.geometry);
  });

  it('says plainly why a network has no plane', () => {
    expect(latentPlane(parseRunFile(fig2Run()))).toBe(
      'the latent plane needs one excitatory and one inhibitory population with one latent channel each',
    );
  });

  it('a renamed fig5 run file draws the same plane as fig5’s', async () => {
    const engine = new CpuEngine();
    const plane = async (run: RunFileJson) => {
      const { plots } = await runPreset(runFileAsPreset('f', run), engine);
      return plots.find((p) => p.name === 'plane')?.svg;
    };
    const [plain, renamed] = [await plane(fig5Run()), await plane(renamedFig5())];
    expect(plain).toBeDefined();
    expect(renamed).toBeDefined();
    expect(paths(renamed!)).toEqual(paths(plain!));
    expect(paths(plain!).length).toBeGreaterThan(10);
    // The axes name the channels they show (the labels' superscripts are tspans).
    const text = (svg: string) => svg.replace(/<[^>]+>/g, '');
    expect(text(renamed!)).toContain('yE (a)');
    expect(text(renamed!)).toContain('|yI| (b)');
    expect(text(plain!)).not.toContain('(a)');
  });

  it('`latentspike run` writes plane.svg for the renamed file, and says why fig2 has none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentspike-plane-'));
    writeFileSync(join(dir, 'renamed.json'), JSON.stringify(renamedFig5()));
    const out = join(dir, 'out');
    const r = spawnSync(
      process.execPath,
      [BIN, 'run', join(dir, 'renamed.json'), '--backend', 'cpu', '--out', out],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('plane.svg');
    expect(r.stderr).not.toContain('no plane.svg');
    expect(readFileSync(join(out, 'plane.svg'), 'utf8')).toContain('trajectory in the latent plane');

    writeFileSync(join(dir, 'fig2.json'), JSON.stringify(fig2Run()));
    const out2 = join(dir, 'out2');
    const r2 = spawnSync(
      process.execPath,
      [BIN, 'run', join(dir, 'fig2.json'), '--backend', 'cpu', '--out', out2],
      {
        encoding: 'utf8',
      },
    );
    expect(r2.status, r2.stderr).toBe(0);
    expect(r2.stderr).toContain(
      'no plane.svg: the latent plane needs one excitatory and one inhibitory population',
    );
    expect(existsSync(join(out2, 'plane.svg'))).toBe(false);
  });
});
