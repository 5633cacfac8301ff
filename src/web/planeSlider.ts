// The latent plane's input slider: the boundaries move with x (they are lines in (y^E, |y^I|) whose
// offsets depend on the input), so dragging it shows where the network was pushed at each input.
// Redraws only the plane; the simulated trajectory stays as it was.

import { type SimulatedRun, inputAt } from '../browser.ts';
import { renderPlane } from './render.ts';
import { planeView } from './view.ts';

const STEPS = 200;

export function attachPlaneSlider(sim: SimulatedRun, title: string, hasPlane: boolean): void {
  const control = document.getElementById('plane-x-control')!;
  const slider = document.getElementById('plane-x') as HTMLInputElement;
  const label = document.getElementById('plane-x-value')!;
  control.hidden = !hasPlane;
  if (!hasPlane) return;
  const { x, J, S } = sim.net;
  let lo = Infinity;
  let hi = -Infinity;
  for (let t = 0; t < S; t++) {
    lo = Math.min(lo, x[t * J]);
    hi = Math.max(hi, x[t * J]);
  }
  const last = inputAt(sim, sim.result.trials[0].latents![0].length - 1);
  slider.min = String(lo);
  slider.max = String(hi);
  slider.step = hi > lo ? String((hi - lo) / STEPS) : 'any';
  slider.value = String(last);
  label.textContent = last.toFixed(2);
  slider.oninput = () => {
    const at = Number(slider.value);
    label.textContent = at.toFixed(2);
    renderPlane(planeView(sim, title, at));
  };
}
