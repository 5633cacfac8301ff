// Every preset of EXPERIMENTS.md, by name.
import type { Preset } from '../preset.ts';
import { fig2, fig2e } from './fig2.ts';
import { fig4, fig4Large } from './fig4.ts';
import { fig5 } from './fig5.ts';
import { fig6, fig10, fig10Rate } from './fig6.ts';
import { fig7 } from './fig7.ts';
import { fig8, fig8Mistuning } from './fig8.ts';
import { fig12a, fig12b, fig12c } from './fig12.ts';
import { figS2 } from './figS2.ts';
import { tutorial } from './tutorial.ts';

export const PRESETS: readonly Preset[] = [
  fig2,
  fig2e,
  fig4,
  fig4Large,
  fig5,
  fig6,
  fig7,
  fig8,
  fig8Mistuning,
  fig10,
  fig10Rate,
  fig12a,
  fig12b,
  fig12c,
  figS2,
  tutorial,
];

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}
