// latents.wgsl: finishes step t after stepAll.wgsl (`all` rule) or stepRate.wgsl (rate model),
// for every trial of the batch: MODEL.md §3 phase 2 for t+1 and the §6 readout (§8 for the rate
// model).
//
// One workgroup per trial b of the batch (bindings.wgsl's dispatch_workgroup). For every k < K
// it sums partials[b][w][k] (f32 bits) over the step kernel's W workgroups w of that trial in
// workgroup_sum's fixed order (each lane a strided run of w, then a pairwise tree), giving
// s_k = Σ_i proj[k][i]·ĝ_i[t] (rate model: ĝ = r), and stores it in latent[b·2K + k]: for k < L
// that is u_k, the drive of step t+1. Four channels per vec4 tree, and as many trees side by side
// as segments of `width` lanes fit (reduce.wgsl's segment_sum4): width is the least power of two
// ≥ W (at most WORKGROUP_SIZE), since lanes past W would only add +0, which changes no bits. So at
// K = 32 and W = 13 one pass of 5 barriers sums every channel (one tree of 9 per channel before;
// on software adapters a barrier costs a coroutine switch per SIMD group). Invocation 0 then
// finishes the readout with model.wgsl's finish_readout (y_k = e^{−λ_r·dt}·y_k + s_k;
// readout_decay = 0 makes it y = D·r for the rate model), which records y at t = 0 mod every in
// the trial's latentRecord ring, and advances the trial's step counter control[b].t, so a chunk of
// steps is a list of dispatches with no host writes in between. Each trial has its own counter,
// written only by its own workgroup here and read by its step-kernel workgroups in the next
// dispatch: no workgroup of one dispatch reads what another writes.
//
// Dispatch: one workgroup of WORKGROUP_SIZE (override, power of two; same choice and reason as
// stepAll.wgsl) per trial of the batch, sliced or folded as stepAll.wgsl's. Bindings:
// bindings.wgsl (params, slice, latent, partials, control, latentRecord). Includes model.wgsl,
// reduce.wgsl (and philox.wgsl, spikes.wgsl, unused here).
// consts and state are read through wholeArrays.wgsl or splitArrays.wgsl (pipelines.ts).

override WORKGROUP_SIZE: u32 = 256u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) grid: vec3<u32>,
) {
  let b = dispatch_workgroup(wid, grid);
  if (b >= slice.end_workgroup) {
    return;
  }
  let rows = b * params.workgroups;
  let latent_base = b * 2u * params.k;
  var width = 1u;
  while (width < min(params.workgroups, WORKGROUP_SIZE)) {
    width = width * 2u;
  }
  let j = lid.x % width;
  let segments = WORKGROUP_SIZE / width;
  for (var base = 0u; base < params.k; base += 4u * segments) {
    // Channels k0 … k0 + 3 for this lane's segment; those ≥ K are neither read nor written.
    let k0 = base + 4u * (lid.x / width);
    let left = select(0u, params.k - k0, k0 < params.k);
    var sum = vec4<f32>(0.0);
    for (var w = j; w < params.workgroups; w += width) {
      let at = (rows + w) * params.k + k0;
      var p = vec4<f32>(0.0);
      if (left > 0u) {
        p.x = bitcast<f32>(partials[at]);
      }
      if (left > 1u) {
        p.y = bitcast<f32>(partials[at + 1u]);
      }
      if (left > 2u) {
        p.z = bitcast<f32>(partials[at + 2u]);
      }
      if (left > 3u) {
        p.w = bitcast<f32>(partials[at + 3u]);
      }
      sum = sum + p;
    }
    let s = segment_sum4(lid.x, width, sum);
    if (j == 0u) {
      let out = latent_base + k0;
      if (left > 0u) {
        latent[out] = s.x;
      }
      if (left > 1u) {
        latent[out + 1u] = s.y;
      }
      if (left > 2u) {
        latent[out + 2u] = s.z;
      }
      if (left > 3u) {
        latent[out + 3u] = s.w;
      }
    }
  }
  // latent[0 … K − 1] were written by the segments' first lanes: invocation 0 reads them all.
  storageBarrier();
  if (lid.x == 0u) {
    let t = control[b].t;
    finish_readout(b, t);
    control[b].t = t + 1u;
  }
}
