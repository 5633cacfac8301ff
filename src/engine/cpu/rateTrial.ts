// The rate ("soft boundary") network of MODEL.md §8 on the CPU:
//   V[t] = V[t−1] + λ·dt·(−V[t−1] + F·x[t−1] + I_ext[t−1] + Σ_l e_{i,l}·u_l),  u_l = Σ_k d_{l,k}·r_k[t−1]
//   r[t] = 1 / (1 + exp(−β·(V[t] − T))),   y_l[t] = Σ_k d_{l,k}·r_k[t]  (unfiltered)
// W = E·D keeps its diagonal; there is no μ, noise, self-reset, clamp or synapse kind.

import type { CompiledNetwork } from '../../model/compile.ts';
import type { Precision } from './spikingTrial.ts';
import { TrialRecorder } from './recorder.ts';
import { restoreInto, stateRecord, type SnapshotValue } from '../snapshot.ts';

type Real = Float64Array | Float32Array;

export class RateTrial {
  private readonly fr: (v: number) => number;
  private readonly V: Real;
  private readonly r: Real;
  private readonly u: Real;
  private readonly y: Real;
  private readonly readoutValues: Real;
  private readonly recorder: TrialRecorder;

  constructor(
    private readonly net: CompiledNetwork,
    precision: Precision,
  ) {
    const f32 = precision === 'f32';
    this.fr = f32 ? Math.fround : (v: number) => v;
    const real = (n: number): Real => (f32 ? new Float32Array(n) : new Float64Array(n));
    this.V = real(net.N);
    this.V.set(net.V0);
    this.r = real(net.N);
    if (net.r0) this.r.set(net.r0);
    this.u = real(net.L);
    this.y = real(net.L);
    this.readoutValues = real(net.readouts.length);
    this.recorder = new TrialRecorder(net);
    this.project();
    this.recorder.sample(0, this.y, this.readoutValues);
  }

  run(t0: number, t1: number): void {
    for (let t = t0; t < t1; t++) {
      this.integrate(t);
      this.project();
      this.recorder.sample(t, this.y, this.readoutValues);
    }
  }

  result() {
    return this.recorder.result();
  }

  /** The latents and readouts after the last step simulated. */
  latest(): { latents: Float64Array; readouts: Float64Array } {
    return { latents: Float64Array.from(this.y), readouts: Float64Array.from(this.readoutValues) };
  }

  /** The trial's whole state between two steps, recordings included (engine snapshots, snapshot.ts). */
  save(): { [key: string]: SnapshotValue } {
    const { V, r, u, y, readoutValues } = this;
    return {
      V: V.slice(),
      r: r.slice(),
      u: u.slice(),
      y: y.slice(),
      readoutValues: readoutValues.slice(),
      recorder: this.recorder.save(),
    };
  }

  /** Takes back what save() gave. */
  restore(saved: { [key: string]: SnapshotValue }): void {
    const { V, r, u, y, readoutValues } = this;
    for (const [name, target] of Object.entries({ V, r, u, y, readoutValues })) {
      restoreInto(target, saved[name], name);
    }
    this.recorder.restore(stateRecord(saved.recorder, 'recorder'));
  }

  private integrate(t: number): void {
    const { fr, V, r, u } = this;
    const { populations, J, L, x, inputWeights: F, encoders: enc, selfWeight, bias: T, beta } = this.net;
    const b = fr(beta);
    for (const pop of populations) {
      const dtl = fr(pop.dtLeak);
      const current = pop.current ? fr(pop.current[t - 1]) : 0;
      for (let i = pop.start; i < pop.start + pop.size; i++) {
        let drive = 0;
        for (let j = 0; j < J; j++) drive = fr(drive + fr(F[i * J + j] * fr(x[(t - 1) * J + j])));
        if (pop.recurrence) for (let l = 0; l < L; l++) drive = fr(drive + fr(enc[i * L + l] * u[l]));
        else drive = fr(drive + fr(selfWeight[i] * r[i]));
        const v = V[i];
        V[i] = fr(v + fr(dtl * fr(fr(-v + drive) + current)));
      }
    }
    for (let i = 0; i < V.length; i++) r[i] = fr(1 / fr(1 + fr(Math.exp(fr(-b * fr(V[i] - T[i]))))));
  }

  /** u = D·r: the next step's drive and, unfiltered, this step's latent readout. */
  private project(): void {
    const { fr, r, u, y, readoutValues } = this;
    const { channels, readouts } = this.net;
    channels.forEach((ch, l) => {
      let s = 0;
      for (let k = 0; k < ch.size; k++) s = fr(s + fr(ch.decoder[k] * r[ch.start + k]));
      u[l] = s;
      y[l] = s;
    });
    readouts.forEach((ro, q) => {
      let s = 0;
      for (let k = 0; k < ro.size; k++) s = fr(s + fr(ro.weights[k] * r[ro.start + k]));
      readoutValues[q] = s;
    });
  }
}
