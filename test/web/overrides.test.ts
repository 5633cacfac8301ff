// The app's knobs as run-file edits (src/web/overrides.ts) in Node: redundancy copies every neuron m
// times with 1/m of its decoder (so each channel's total decoder is unchanged), a new length
// resamples the input keeping its ends, a new rule brings the synapses it needs, and the size
// admission sees (overriddenSize) is the size applyOverrides builds.
import { describe, expect, it } from 'vitest';
import { applyOverrides, overriddenSize, overridesFromState } from '../../src/web/overrides.ts';
import { DEFAULT_STATE } from '../../src/web/appState.ts';
import { fig5Run } from '../../src/experiments/presets/fig5.ts';
import { fig12bRun } from '../../src/experiments/presets/fig12.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import type { RunFileJson } from '../../src/model/runFile.ts';

const total = (v: number | number[], size: number) =>
  typeof v === 'number' ? v * size : v.reduce((a, b) => a + b, 0);

describe('applyOverrides', () => {
  it('copies every neuron m times, adjacent, with 1/m of its decoder', () => {
    const run = fig5Run();
    const out = applyOverrides(run, { m: 3 });
    run.populations.forEach((p, i) => {
      const q = out.populations[i];
      expect(q.size).toBe(3 * p.size);
      const t = p.threshold as number[];
      expect(q.threshold).toEqual(t.flatMap((v) => [v, v, v]));
    });
    run.latents.forEach((l, i) => {
      const source = run.populations.find((p) => p.name === l.source)!;
      expect(total(out.latents[i].decoder, 3 * source.size)).toBeCloseTo(total(l.decoder, source.size), 12);
    });
    expect(() => parseRunFile(out)).not.toThrow();
    expect(run.populations[0].size).toBe(3); // the argument is not modified
  });

  it('resamples the input to a new length, keeping its ends', () => {
    const run = fig5Run();
    const out = applyOverrides(run, { steps: 500 });
    const [track] = out.input.samples!;
    const [original] = run.input.samples!;
    expect(out.steps).toBe(500);
    expect(track).toHaveLength(500);
    expect(track[0]).toBeCloseTo(original[0], 12);
    expect(track[499]).toBeCloseTo(original[original.length - 1], 12);
    expect(() => parseRunFile(out)).not.toThrow();
  });

  it('gives the `all` rule pulse synapses of the chosen width and the delta rules delta synapses', () => {
    const all = applyOverrides(fig5Run(), { rule: 'all', pulseMs: 0.5 });
    expect(all.populations.map((p) => p.synapse)).toEqual([
      { kind: 'pulse', widthMs: 0.5 },
      { kind: 'pulse', widthMs: 0.5 },
    ]);
    const back = applyOverrides(all, { rule: 'sequential' });
    expect(back.populations.map((p) => p.synapse)).toEqual([{ kind: 'delta' }, { kind: 'delta' }]);
    for (const run of [all, back]) expect(() => parseRunFile(run)).not.toThrow();
  });

  it('refuses spiking-only knobs on a rate model, naming the knob', () => {
    expect(() => applyOverrides(fig12bRun(), { sigma: 0.1 })).toThrow(/noise σ applies to spiking networks/);
    expect(() => applyOverrides(fig12bRun(), { rule: 'all' })).toThrow(/spike rule applies to spiking/);
  });

  it('sizes a run as applyOverrides builds it without building it', () => {
    for (const o of [{ m: 4 }, { steps: 321 }, { m: 2, steps: 1000, sigma: 0.1 }, {}]) {
      const built: RunFileJson = applyOverrides(fig5Run(), o);
      const sized = overriddenSize(fig5Run(), o);
      expect(sized.steps).toBe(built.steps);
      expect(sized.populations.map((p) => p.size)).toEqual(built.populations.map((p) => p.size));
    }
  });
});

describe('overridesFromState', () => {
  it('reads the form, empty fields meaning "keep"', () => {
    expect(overridesFromState({ ...DEFAULT_STATE, m: '4', sigma: '0.1', steps: '' })).toMatchObject({
      m: 4,
      sigma: 0.1,
      steps: undefined,
    });
  });

  it.each([
    [{ m: '2.5' }, 'redundancy m'],
    [{ sigma: '-1' }, 'noise σ'],
    [{ steps: '1' }, 'steps'],
    [{ rule: 'fast' }, 'spike rule'],
    [{ pulse: '0' }, 'pulse width'],
  ])('names the field of a bad value %j', (change, field) => {
    expect(() => overridesFromState({ ...DEFAULT_STATE, ...change })).toThrow(field);
  });
});
