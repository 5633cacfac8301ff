// latents.wgsl: finishes step t after stepAll.wgsl (`all` rule) or stepRate.wgsl (rate model),
// for every trial of the batch: MODEL.md §3 phase 2 for t+1 and the §6 readout (§8 for the rate
// model).
//
// One workgroup per trial b of the batch (slice.first_workgroup + workgroup id). For every k < K it
// sums partials[b][w][k] (f32 bits) over the step kernel's workgroups w of that trial in a fixed
// order (each invocation a strided run of w, then reduce.wgsl's tree), giving
// s_k = Σ_i proj[k][i]·ĝ_i[t] (rate model: ĝ = r), and stores it in latent[b·2K + k]: for k < L
// that is u_k, the drive of step t+1. Invocation 0 then finishes the readout with model.wgsl's
// finish_readout (y_k = e^{−λ_r·dt}·y_k + s_k; readout_decay = 0 makes it y = D·r for the rate
// model), which records y at t = 0 mod every in the trial's latentRecord rows, and advances the
// trial's step counter control[b].t, so a chunk of steps is a list of dispatches with no host
// writes in between. Each trial has its own counter, written only by its own workgroup here and
// read by its step-kernel workgroups in the next dispatch: no workgroup of one dispatch reads
// what another writes.
//
// Dispatch: one workgroup of WORKGROUP_SIZE (override, power of two; same choice and reason as
// stepAll.wgsl) per trial of the batch, in slices. Bindings: bindings.wgsl (params, slice, latent,
// partials, control, latentRecord). Includes model.wgsl, reduce.wgsl (and philox.wgsl, spikes.wgsl,
// unused here).
// consts and state are read through wholeArrays.wgsl or splitArrays.wgsl (pipelines.ts).

override WORKGROUP_SIZE: u32 = 256u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(workgroup_id) wid: vec3<u32>,
) {
  let b = slice.first_workgroup + wid.x;
  let rows = b * params.workgroups;
  let latent_base = b * 2u * params.k;
  for (var k = 0u; k < params.k; k++) {
    var sum = 0.0;
    for (var w = lid.x; w < params.workgroups; w += WORKGROUP_SIZE) {
      sum = sum + bitcast<f32>(partials[(rows + w) * params.k + k]);
    }
    let s = workgroup_sum(lid.x, sum);
    if (lid.x == 0u) {
      latent[latent_base + k] = s;
    }
  }
  if (lid.x == 0u) {
    let t = control[b].t;
    finish_readout(latent_base, b * params.record_stride, t);
    control[b].t = t + 1u;
  }
}
