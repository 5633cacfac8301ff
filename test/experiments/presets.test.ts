// Every preset builds valid run files and runs end to end with finite metrics and well-formed plots.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { runPreset } from '../../src/experiments/runner.ts';
import { PRESETS } from '../../src/experiments/presets/index.ts';
import { parseRunFile } from '../../src/model/parse.ts';

describe.each(PRESETS.map((p) => [p.name, p] as const))('preset %s', (_name, preset) => {
  it('emits valid run files', () => {
    for (const run of preset.runs({ seed: 0, trials: 2 })) expect(() => parseRunFile(run)).not.toThrow();
  });

  it('runs and reports finite metrics and SVG plots', async () => {
    const { report, plots } = await runPreset(preset, new CpuEngine(), { trials: 3 });
    expect(report.metrics.length).toBeGreaterThan(0);
    for (const m of report.metrics) expect(Number.isFinite(m.value), m.name).toBe(true);
    expect(plots.length).toBeGreaterThan(0);
    for (const p of plots) expect(p.svg.startsWith('<svg')).toBe(true);
  });
});
