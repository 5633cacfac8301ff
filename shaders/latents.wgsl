// latents.wgsl: finishes step t after stepAll.wgsl (`all` rule) or stepRate.wgsl (rate model):
// MODEL.md §3 phase 2 for t+1 and the §6 readout (§8 for the rate model).
//
// One workgroup. For every k < K it sums partials[w][k] (f32 bits) over the step kernel's W
// workgroups w in workgroup_sum's fixed order (each lane a strided run of w, then a pairwise tree),
// giving s_k = Σ_i proj[k][i]·ĝ_i[t] (rate model: ĝ = r), and stores it in latent[k]: for k < L
// that is u_k, the drive of step t+1. Four channels per vec4 tree, and as many trees side by side
// as segments of `width` lanes fit (reduce.wgsl's segment_sum4): width is the least power of two
// ≥ W (at most WORKGROUP_SIZE), since lanes past W would only add +0, which changes no bits. So at
// K = 32 and W = 13 one pass of 5 barriers sums every channel (one tree of 9 per channel before;
// on software adapters a barrier costs a coroutine switch per SIMD group). Invocation 0 then
// finishes the readout with model.wgsl's finish_readout (y_k = e^{−λ_r·dt}·y_k + s_k;
// readout_decay = 0 makes it y = D·r for the rate model), which records y at t = 0 mod every, and
// advances the step counter, so a chunk of steps is a list of dispatches with no host writes in
// between.
//
// Dispatch: exactly 1 workgroup of WORKGROUP_SIZE (override, power of two; same choice and reason
// as stepAll.wgsl). Bindings: bindings.wgsl (params, latent, partials, control, latentRecord).
// Includes model.wgsl, reduce.wgsl (and philox.wgsl, spikes.wgsl, unused here).

override WORKGROUP_SIZE: u32 = 256u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
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
      let at = w * params.k + k0;
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
      if (left > 0u) {
        latent[k0] = s.x;
      }
      if (left > 1u) {
        latent[k0 + 1u] = s.y;
      }
      if (left > 2u) {
        latent[k0 + 2u] = s.z;
      }
      if (left > 3u) {
        latent[k0 + 3u] = s.w;
      }
    }
  }
  // latent[0 … K − 1] were written by the segments' first lanes: invocation 0 reads them all.
  storageBarrier();
  if (lid.x == 0u) {
    let t = control.t;
    finish_readout(0u, 0u, t);
    control.t = t + 1u;
  }
}
