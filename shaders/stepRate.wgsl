// stepRate.wgsl: one step t of the rate ("soft boundary") network, MODEL.md §8, for networks too
// large for smallNetwork.wgsl. Followed by latents.wgsl, which sums the partials into u = D·r[t]
// (the drive of t+1) and, with readout_decay = 0, y = D·r[t] unfiltered.
//
// Every trial of a batch at once, as stepAll.wgsl (model.wgsl's batch_slot). One invocation =
// NEURONS_PER_INVOCATION neurons i = first + m·WORKGROUP_SIZE of one trial b, each (model.wgsl's
// integrate_rate):
//   V ← V + λdt·((−V + F·x[t−1] + Σ_l e_{i,l}·u_l) + I_ext[t−1])   (W·r with its diagonal; no μ,
//       noise, reset or clamp; without recurrence w_self·r_i)
//   r_i ← 1/(1 + exp(−β·(V − T_i))), kept where spiking networks keep ĝ
// then, as stepAll.wgsl, the invocation sums proj[k][i]·r_i over its neurons, the workgroup adds
// the lanes' sums for every k < K in a fixed tree (reduce.wgsl) and writes the f32 bits to
// partials[b][workgroup][k].
// WGSL's exp is not correctly rounded: rates differ from the CPU's f32 mode by a few ulp.
//
// Dispatch: trials × ⌈N / (WORKGROUP_SIZE·NEURONS_PER_INVOCATION)⌉ workgroups, sliced or folded as
// stepAll.wgsl's (the workgroup's row: bindings.wgsl's dispatch_workgroup). WORKGROUP_SIZE,
// NEURONS_PER_INVOCATION: overrides, the host's choice as for stepAll.wgsl.
// Bindings: bindings.wgsl (params, consts, slice, state, latent, partials, control).
// Includes model.wgsl, reduce.wgsl (and philox.wgsl, spikes.wgsl, unused here).
// consts and state are read through wholeArrays.wgsl or splitArrays.wgsl (pipelines.ts).

override WORKGROUP_SIZE: u32 = 256u;
override NEURONS_PER_INVOCATION: u32 = 1u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) grid: vec3<u32>,
) {
  let row = dispatch_workgroup(wid, grid);
  if (row >= slice.end_workgroup) {
    return;
  }
  let slot = batch_slot(row);
  let first = slot.workgroup * WORKGROUP_SIZE * NEURONS_PER_INVOCATION + lid.x;
  let t = control[slot.batch].t;
  let k = slot_channels(SLOT_IS_CHANNEL, 0u, params.k);
  let used = min(params.k, 4u);
  var acc = vec4<f32>(0.0); // channels 0 … 3; lanes and neurons past the last add nothing
  for (var m = 0u; m < NEURONS_PER_INVOCATION; m++) {
    let i = first + m * WORKGROUP_SIZE;
    if (i < params.n) {
      acc = acc + proj4(k, used, i) * integrate_rate(i, slot.state_base, slot.latent_base, t);
    }
  }
  store_partials4(lid.x, slot.row, k, used, acc, params.k);
  project_rest(
    lid.x,
    slot.row,
    first,
    NEURONS_PER_INVOCATION,
    params.n,
    slot.state_base + params.st_ghat,
    SLOT_IS_CHANNEL,
    4u,
    params.k,
    params.k,
  );
}
