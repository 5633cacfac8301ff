// latents.wgsl: finishes step t after stepAll.wgsl (`all` rule) or stepRate.wgsl (rate model):
// MODEL.md §3 phase 2 for t+1 and the §6 readout (§8 for the rate model).
//
// One workgroup. For every k < K it sums partials[w][k] (f32 bits) over the step kernel's
// workgroups w in a fixed order (each invocation a strided run of w, then reduce.wgsl's tree),
// giving s_k = Σ_i proj[k][i]·ĝ_i[t] (rate model: ĝ = r), and stores it in latent[k]: for k < L
// that is u_k, the drive of step t+1. Invocation 0 then finishes the readout with model.wgsl's
// finish_readout (y_k = e^{−λ_r·dt}·y_k + s_k; readout_decay = 0 makes it y = D·r for the rate
// model), which records y at t = 0 mod every, and advances the step counter, so a chunk of steps
// is a list of dispatches with no host writes in between.
//
// Dispatch: exactly 1 workgroup of WORKGROUP_SIZE (override, power of two; same choice and reason
// as stepAll.wgsl). Bindings: bindings.wgsl (params, latent, partials, control, latentRecord).
// Includes model.wgsl, reduce.wgsl (and philox.wgsl, spikes.wgsl, unused here).
// consts and state are read through wholeArrays.wgsl or splitArrays.wgsl (pipelines.ts).

override WORKGROUP_SIZE: u32 = 256u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  for (var k = 0u; k < params.k; k++) {
    var sum = 0.0;
    for (var w = lid.x; w < params.workgroups; w += WORKGROUP_SIZE) {
      sum = sum + bitcast<f32>(partials[w * params.k + k]);
    }
    let s = workgroup_sum(lid.x, sum);
    if (lid.x == 0u) {
      latent[k] = s;
    }
  }
  if (lid.x == 0u) {
    let t = control.t;
    finish_readout(0u, 0u, t);
    control.t = t + 1u;
  }
}
