// A typed formula f(x) as a one-run preset, built exactly as the tutorial builds its network:
// piecewise-linear fit on [0, 10], difference-of-convex split, 50 E + 50 I tangent neurons
// (src/experiments/presets/tutorial.ts), the input ramping from −2.5 to 10 over 250 ms.

import { buildDifferenceOfConvex } from '../construct/differenceOfConvex.ts';
import { eiRun } from '../experiments/networks.ts';
import { linspace } from '../experiments/inputs.ts';
import { eiLatents, inputAt, latent, raster } from '../experiments/figures.ts';
import { functionMetrics, tutorialPopulations } from '../experiments/presets/tutorial.ts';
import type { Preset } from '../experiments/preset.ts';
import { parseFormula } from './expression.ts';

const X_RANGE: [number, number] = [0, 10];
const SEGMENTS = 40;
const STEPS = 5000;

/** Throws FormulaError for text that does not parse, Error for a target the construction refuses. */
export function formulaPreset(text: string): Preset {
  const f = parseFormula(text);
  const dc = buildDifferenceOfConvex({ f, xRange: X_RANGE, segments: SEGMENTS });
  const { E, I } = tutorialPopulations(dc);
  return {
    name: 'formula',
    title: `f(x) = ${text} with ${E.size} E + ${I.size} I`,
    runs: ({ seed }) => [
      eiRun(
        { dt: 5e-5, steps: STEPS, input: linspace(-2.5, 10, STEPS), seed, meta: { formula: text } },
        E,
        I,
      ),
    ],
    metrics: ([sim]) => functionMetrics(sim, dc, f),
    plots: ([sim]) => {
      const yE = latent(sim, 'yE');
      const at = (g: (x: number) => number) => yE.map((_, k) => g(inputAt(sim, k)));
      return [
        eiLatents(sim, `y^E against f(x) = ${text}`, [
          { name: 'f(x)', values: at(f), color: '#000', dashed: true },
          { name: 'boundary intersection', values: at(dc.yEStar), color: '#7f7f7f', dashed: true },
        ]),
        raster(sim, 'spikes'),
      ];
    },
  };
}
