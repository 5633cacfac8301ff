// selectOne.wgsl: the spike phase and the end of step t under `one-per-step` (MODEL.md §5, §6),
// after stepDelta.wgsl; the next step's stepDelta.wgsl follows.
//
// One workgroup. Each invocation takes the best of a strided run of the step kernel's per-workgroup
// candidates (partials[w] = rank, V − 1 bits, index), then reduce.wgsl's tree picks the network's
// one winner k: lowest priority class, then largest V − 1, then lowest index (the CPU engine's
// selectCandidate). Invocation 0 then, if there is a winner (spikes.wgsl's apply_single_spike):
//   V_k ← 1 when its population clamps at threshold; s_k = ĝ_k = 1; count_k += 1; event (t, k)
// and for every c < K: s_c = proj[c][k] (0 without a winner) — this step's Σ proj·ĝ, and for
// latent channels u, the drive of t+1 — then y ← e^{−λ_r·dt}·y + s (model.wgsl's finish_readout),
// records y on the grid, and advances the step counter.
//
// Dispatch: exactly 1 workgroup of WORKGROUP_SIZE (override, power of two; as stepDelta.wgsl).
// Bindings: bindings.wgsl (params, consts, state, latent, partials, control, events, latentRecord).
// Includes model.wgsl, reduce.wgsl, spikes.wgsl (and philox.wgsl, unused here).
// consts and state are read through wholeArrays.wgsl or splitArrays.wgsl (pipelines.ts).

override WORKGROUP_SIZE: u32 = 256u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  var mine = no_candidate();
  for (var w = lid.x; w < params.workgroups; w += WORKGROUP_SIZE) {
    let c = Candidate(partials[3u * w], bitcast<f32>(partials[3u * w + 1u]), partials[3u * w + 2u]);
    if (better(c, mine)) {
      mine = c;
    }
  }
  let best = workgroup_best(lid.x, mine);
  if (lid.x != 0u) {
    return;
  }
  let t = control[0].t;
  let fired = best.rank != NO_RANK;
  if (fired) {
    apply_single_spike(0u, best.index);
    if (params.record_spikes != 0u) {
      let slot = atomicAdd(&control[0].events, 1u);
      if (slot < params.event_capacity) {
        events[slot] = vec2<u32>(t, best.index);
      }
    }
  }
  set_single_increment(0u, best.index, fired);
  finish_readout(0u, t);
  control[0].t = t + 1u;
}
