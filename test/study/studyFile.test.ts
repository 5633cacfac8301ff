// Study files are validated like run files: a bad field is refused with its path, every point's run
// file is checked before anything runs, and the axes expand to the points the file declares.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { RunFileError } from '../../src/model/errors.ts';
import { parseStudy, readStudyFile } from '../../src/study/studyFile.ts';
import { gridParams, studyPoints } from '../../src/study/points.ts';
import { pointNetwork } from '../../src/study/network.ts';
import { resample, withField } from '../../src/study/overrides.ts';
import { fig12Run } from '../../src/experiments/presets/fig12.ts';
import { smoke } from './studies.ts';

const STUDIES = fileURLToPath(new URL('../../studies/', import.meta.url));

function refusal(json: unknown): RunFileError {
  try {
    studyPoints(parseStudy(json, '.').study);
  } catch (e) {
    if (e instanceof RunFileError) return e;
    throw e;
  }
  throw new Error('the study was accepted');
}

describe('study files', () => {
  it('the issue’s smoke study expands to 8 points, smallest networks first, with stable ids', () => {
    const { study } = parseStudy(smoke, '.');
    expect(study.axes.map((a) => [a.name, a.path])).toEqual([
      ['redundancy', null],
      ['sigmaV', 'populations.*.sigmaV'],
      ['seed', null],
    ]);
    const points = studyPoints(study);
    expect(points).toHaveLength(8);
    expect(points.map((p) => p.neurons)).toEqual([6, 6, 6, 6, 24, 24, 24, 24]);
    expect(new Set(points.map((p) => p.id)).size).toBe(8);
    // The same declaration with its axes in another order names the same points.
    const reordered = parseStudy(
      { ...smoke, axes: { seed: [1, 2], sigmaV: [0, 0.01], redundancy: [1, 4] } },
      '.',
    );
    expect(new Set(studyPoints(reordered.study).map((p) => p.id))).toEqual(new Set(points.map((p) => p.id)));
    // …and a change of settings names other points.
    const longer = parseStudy({ ...smoke, steps: 3001 }, '.');
    expect(studyPoints(longer.study)[0].id).not.toBe(points[0].id);
  });

  it('writes each axis value into the point’s run file, and copies the network m times', () => {
    const { study } = parseStudy(smoke, '.');
    const point = studyPoints(study).find((p) => p.params.redundancy === 4 && p.params.sigmaV === 0.01)!;
    const { baseRun, spec } = pointNetwork(study, point.params);
    expect(baseRun.steps).toBe(3000);
    expect(baseRun.seed).toBe(point.params.seed);
    expect(baseRun.populations.map((p) => p.sigmaV)).toEqual([0.01, 0.01]);
    expect(spec.populations.map((p) => p.size)).toEqual([12, 12]);
    // Decoders D/m: four copies kick the latent as much as the one base neuron.
    const base = fig12Run('a', 0).latents[0].decoder as number[];
    expect(spec.latents[0].decoder[0] * 4).toBeCloseTo(base[0], 12);
  });

  it('stretches a per-step input onto a new number of steps, keeping its ends', () => {
    expect(resample([0, 10], 5)).toEqual([0, 2.5, 5, 7.5, 10]);
    const run = fig12Run('a', 0);
    const { study } = parseStudy(smoke, '.');
    const { baseRun } = pointNetwork(study, { redundancy: 1, sigmaV: 0, seed: 1 });
    const samples = baseRun.input.samples![0];
    expect(samples).toHaveLength(3000);
    expect(samples[0]).toBe(run.input.samples![0][0]);
    expect(samples[2999]).toBeCloseTo(run.input.samples![0][2499], 12);
  });

  it('ranges, zipped axes and seeded samples', () => {
    const { study } = parseStudy(
      {
        ...smoke,
        axes: {
          redundancy: { log: [1, 1000], count: 4 },
          dt: [1e-4, 5e-5],
          steps: [3000, 6000],
          seed: [1, 2, 3],
        },
        zip: [['dt', 'steps']],
      },
      '.',
    );
    expect(study.axes[0].values).toEqual([1, 10, 100, 1000]);
    const grid = gridParams(study);
    expect(grid).toHaveLength(4 * 2 * 3);
    expect(grid.every((p) => (p.dt === 1e-4 ? p.steps === 3000 : p.steps === 6000))).toBe(true);
    const sampled = parseStudy({ ...smoke, sample: { count: 3, seed: 7 } }, '.').study;
    const a = studyPoints(sampled).map((p) => p.id);
    expect(a).toHaveLength(3);
    expect(studyPoints(sampled).map((p) => p.id)).toEqual(a);
  });

  it('refuses a bad field with its path', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ ...smoke, format: 'latentspike/study@2' }, 'format', /must be "latentspike\/study@1"/],
      [{ ...smoke, name: 'no spaces' }, 'name', /letters, digits/],
      [{ ...smoke, base: 'fig99' }, 'base', /unknown preset "fig99"/],
      [{ ...smoke, stepz: 3 }, 'stepz', /unknown field/],
      [{ ...smoke, steps: 1.5 }, 'steps', /integer/],
      [{ ...smoke, backend: 'gpu' }, 'backend', /one of cpu, webgpu, browser/],
      [{ ...smoke, kernelTimes: 'yes' }, 'kernelTimes', /must be true or false \(got "yes"\)/],
      [{ ...smoke, axes: { sigmav: [0] } }, 'axes.sigmav', /unknown axis/],
      [{ ...smoke, axes: { redundancy: [0, 2] } }, 'axes.redundancy[0]', /≥ 1/],
      [{ ...smoke, axes: { seed: [] } }, 'axes.seed', /at least one value/],
      [{ ...smoke, axes: { redundancy: { log: [0, 10], count: 3 } } }, 'axes.redundancy.log', /> 0/],
      [
        { ...smoke, axes: { sigmaV: [0, -1] } },
        'axes.sigmaV',
        /-1 gives populations\[0\]\.sigmaV: must be >= 0/,
      ],
      [{ ...smoke, axes: { 'populations.7.mu': [1] } }, 'populations[7]', /no such element/],
      [{ ...smoke, axes: { dt: [1e-4], seed: [1, 2] }, zip: [['dt', 'seed']] }, 'zip[0][1]', /has 2 values/],
      [{ ...smoke, base: { scale: { function: 'sine' } } }, 'base.scale.function', /fig5, tutorial/],
    ];
    for (const [json, path, problem] of cases) {
      const e = refusal(json);
      expect(e.path, JSON.stringify(json)).toBe(path);
      expect(e.problem).toMatch(problem);
    }
  });

  it('every study shipped in studies/ is valid', () => {
    const files = readdirSync(STUDIES).filter((f) => f.endsWith('.yaml'));
    expect(files).toContain('redundancy.yaml');
    for (const f of files) {
      const { study, maxNeurons } = readStudyFile(join(STUDIES, f));
      expect(studyPoints(study, maxNeurons).length, f).toBeGreaterThan(0);
      expect(parseYaml(`name: ${study.name}`)).toEqual({ name: study.name });
    }
  });

  it('withField never changes the base and names a missing path', () => {
    const run = fig12Run('a', 0);
    const changed = withField(run, 'populations.I.synapse.widthMs', 2);
    expect(changed.populations[1].synapse).toEqual({ kind: 'pulse', widthMs: 2 });
    expect(run.populations[1].synapse).toEqual({ kind: 'pulse', widthMs: 1 });
    expect(() => withField(run, 'populations.X.mu', 1)).toThrow(/no element named "X"/);
  });
});

describe('the spike-cost correction axis', () => {
  it('raises each neuron’s encoder on its own latent by k·μ/d, and leaves the boundaries the metrics use', () => {
    const { study } = parseStudy(
      {
        format: 'latentspike/study@1',
        name: 'corrected',
        base: { scale: { function: 'fig5' } },
        axes: { costCorrection: [0, 1] },
      },
      '.',
    );
    const [plain, corrected] = [0, 1].map((k) => pointNetwork(study, { costCorrection: k }));
    expect(corrected.base).toEqual(plain.base);
    expect(plain.spec).toEqual(plain.base);
    plain.spec.populations.forEach((p, pi) => {
      for (let i = 0; i < p.size; i++) {
        const d = plain.spec.latents[pi].decoder[i];
        const shift = corrected.spec.encoders[pi][pi][i] - plain.spec.encoders[pi][pi][i];
        expect(shift).toBeCloseTo(p.mu / d, 12);
        expect(corrected.spec.encoders[pi][1 - pi][i]).toBe(plain.spec.encoders[pi][1 - pi][i]);
      }
    });
  });
});
