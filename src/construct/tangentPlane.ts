// One boundary neuron from a boundary surface |y^I| = B(x, y^E) (MODEL.md §9): the neuron whose
// threshold line is B's tangent plane at (x_v, y^E_v). Its threshold condition
// E_self·y^E − E_cross·|y^I| + F·x = T with E_cross = 1 reads |y^I| = E_self·y^E + F·x − T, which
// touches B at the tangent point when
//   E_self = ∂B/∂y^E,  F = ∂B/∂x,  T = E_self·y^E_v − B(x_v, y^E_v) + F·x_v.
// The same formula serves E neurons (E_self = E_EE, E_cross = E_EI) and I neurons (E_IE, E_II).

export interface BoundarySurface {
  value: (x: number, yE: number) => number;
  dx: (x: number, yE: number) => number;
  dyE: (x: number, yE: number) => number;
}

export interface BoundaryNeuron {
  /** Encoder on y^E: E_EE for an E neuron, E_IE for an I neuron. */
  self: number;
  /** Encoder on |y^I|: E_EI or E_II. Always 1: B is measured in units of |y^I|. */
  cross: number;
  F: number;
  T: number;
}

export function tangentPlaneNeuron(surface: BoundarySurface, xv: number, yEv: number): BoundaryNeuron {
  const self = surface.dyE(xv, yEv);
  const F = surface.dx(xv, yEv);
  return { self, cross: 1, F, T: self * yEv - surface.value(xv, yEv) + F * xv };
}
