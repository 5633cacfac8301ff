// latents.wgsl: finishes step t after stepAll.wgsl (MODEL.md §3 phase 2 for t+1, §6 readout).
//
// One workgroup. For every k < K it sums partials[w][k] over the step kernel's workgroups w in a
// fixed order (each invocation a strided run of w, then a tree), giving s_k = Σ_i proj[k][i]·ĝ_i[t]:
//   k < L  (latent channels):  u_k = s_k (the drive of step t+1), y_k = e^{−λ_r·dt}·y_k + s_k
//   k ≥ L  (report-only):      y_k = e^{−λ_r·dt}·y_k + s_k
// records y at t = 0 mod every into latentRecord[t/every][k], then advances the step counter, so
// a chunk of steps is a list of dispatches with no host writes in between.
//
// Dispatch: exactly 1 workgroup of WORKGROUP_SIZE (override, power of two; same choice and reason
// as stepAll.wgsl). Bindings: bindings.wgsl.

override WORKGROUP_SIZE: u32 = 256u;

var<workgroup> scratch: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  let t = control.t;
  let record = params.record_latents != 0u && t % params.every == 0u;
  for (var k = 0u; k < params.k; k++) {
    var sum = 0.0;
    for (var w = lid.x; w < params.workgroups; w += WORKGROUP_SIZE) {
      sum = sum + partials[w * params.k + k];
    }
    scratch[lid.x] = sum;
    workgroupBarrier();
    for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
      if (lid.x < stride) {
        scratch[lid.x] = scratch[lid.x] + scratch[lid.x + stride];
      }
      workgroupBarrier();
    }
    if (lid.x == 0u) {
      let s = scratch[0];
      if (k < params.l) {
        latent[k] = s;
      }
      let y = params.readout_decay * latent[params.l + k] + s;
      latent[params.l + k] = y;
      if (record) {
        latentRecord[(t / params.every) * params.k + k] = y;
      }
    }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    control.t = t + 1u;
  }
}
