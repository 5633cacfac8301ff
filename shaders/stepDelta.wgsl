// stepDelta.wgsl: phases 1–3 of step t for the delta-synapse rules (MODEL.md §3, §5), the
// per-neuron half of a step; the spike phase runs next in one workgroup: selectOne.wgsl
// (`one-per-step`) or spikeSequential.wgsl (`sequential`). Used for networks too large for
// smallNetwork.wgsl, one trial at a time.
//
// One invocation = one neuron i (global index), model.wgsl's integrate_delta:
//   one-per-step: R_i = Σ_l e_{i,l}·u_l − ownSyn_i·ĝ_i + fastSelf_i·s_i[t−1]  (u = d_{·,k} of the
//                 previous step's spiker k, ĝ = s: delta synapses)
//   sequential:   R_i = 0 (every kick of step t−1 was applied within that step)
//   V ← V + λdt·((−V + F·c + b + I_ext) + R/(λdt)) + noise_scale·ξ(seed, trial, i, t)
//   then s_i[t−1] and ĝ_i are cleared: the spike kernel marks this step's spikers.
// One-per-step only: the workgroup reduces its neurons' candidates (priority class rank, V − 1,
// index) with reduce.wgsl's total order and writes the best as 3 words to partials[workgroup];
// selectOne.wgsl reduces those rows to the step's one winner.
//
// Dispatch: ⌈N / WORKGROUP_SIZE⌉ workgroups, sliced or folded as the adapter profile says
// (adapterProfile.ts); workgroup w is bindings.wgsl's dispatch_workgroup, and those past
// `slice`'s end return at once.
// WORKGROUP_SIZE: override, a power of two, the host's choice as for stepAll.wgsl.
// Bindings: bindings.wgsl (params, consts, slice, state, latent, partials, control).
// Includes model.wgsl, reduce.wgsl, philox.wgsl (and spikes.wgsl, unused here).
// consts and state are read through wholeArrays.wgsl or splitArrays.wgsl (pipelines.ts).

override WORKGROUP_SIZE: u32 = 256u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) grid: vec3<u32>,
) {
  let w = dispatch_workgroup(wid, grid);
  if (w >= slice.end_workgroup) {
    return;
  }
  let i = w * WORKGROUP_SIZE + lid.x;
  let t = control[0].t;
  var mine = no_candidate();
  if (i < params.n) {
    let v = integrate_delta(i, 0u, 0u, t, params.trial);
    mine = candidate(i, v, true);
  }
  if (params.rule == RULE_ONE_PER_STEP) {
    let best = workgroup_best(lid.x, mine);
    if (lid.x == 0u) {
      partials[3u * w] = best.rank;
      partials[3u * w + 1u] = bitcast<u32>(best.excess);
      partials[3u * w + 2u] = best.index;
    }
  }
}
