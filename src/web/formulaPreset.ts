// A typed formula f(x) as a one-run preset, built exactly as the tutorial builds its network:
// piecewise-linear fit on [0, 10], difference-of-convex split, 50 E + 50 I tangent neurons
// (src/experiments/presets/tutorial.ts), the input ramping from −2.5 to 10 over 250 ms.

import {
  eiLatents,
  inputAt,
  latent,
  raster,
  functionMetrics,
  functionNetwork,
  functionRun,
  type Preset,
} from '../browser.ts';
import { parseFormula } from './expression.ts';

/** Throws FormulaError for text that does not parse, Error for a target the construction refuses. */
export function formulaPreset(text: string): Preset {
  const f = parseFormula(text);
  const { construction: dc, run } = functionNetwork(f);
  const [E, I] = run.populations;
  return {
    name: 'formula',
    title: `f(x) = ${text} with ${E.size} E + ${I.size} I`,
    runs: ({ seed }) => [functionRun(dc, { seed, meta: { formula: text } })],
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
