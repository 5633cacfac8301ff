// spikes.wgsl: the delta rules' spike phases (MODEL.md §5, §6), shared functions (no entry point)
// used by the per-step kernels (selectOne, spikeSequential: base 0) and the small-network kernel
// (one trial per workgroup: the trial's state and latent bases). Lane q of a workgroup owns neurons
// q, q + WORKGROUP_SIZE, …: it alone reads and writes their state, so only the candidate reduction
// needs barriers. Needs model.wgsl, reduce.wgsl, bindings.wgsl.

/** `one-per-step`'s winner k: V_k ← 1 if its population clamps, s_k = ĝ_k = 1, count_k += 1. */
fn apply_single_spike(base: u32, k: u32) {
  if (params.pops[const_u32(params.off_pop + k)].clamp != 0u) {
    set_state_f32(base + params.st_v + k, 1.0);
  }
  set_state_u32(base + params.st_spiked + k, 1u);
  set_state_f32(base + params.st_ghat + k, 1.0);
  set_state_u32(base + params.st_count + k, state_u32(base + params.st_count + k) + 1u);
}

/** The step's s_c = Σ_i proj[c][i]·ĝ_i with ĝ = s: proj[c][k] for the one spike k, 0 without. */
fn set_single_increment(latent_base: u32, k: u32, fired: bool) {
  for (var c = 0u; c < params.k; c++) {
    var s = 0.0;
    if (fired) {
      s = const_f32(params.off_proj + c * params.stride + k);
    }
    latent[latent_base + c] = s;
  }
}

/**
 * `sequential` (after Calaim et al. 2022), once V of step t is integrated: repeat — the winner k
 * among neurons that have not spiked in this step, are not refractory (t ≥ nextAllowed) and have
 * V ≥ 1 (priority class, largest V − 1, lowest index); V_i += W_ik for every i (only i = k without
 * recurrence), V_k −= μ; k marked spiked, nextAllowed_k = t + max(trsteps, 1), count_k += 1; lane 0
 * writes event (t, k) to events[first_event + m] (m-th spike, while below event_end) and adds
 * proj[·][k] to s in spike order, as the CPU engine sums — until no candidate is left. The loop is
 * serial by nature (each kick can bring others over threshold) and runs at most N times: a `for`
 * bounded by N, since llvmpipe miscompiles smallNetwork.wgsl around an unbounded `loop` here when
 * the workgroup is narrower than its 8-wide SIMD (the latent channels after the first were never
 * recorded; docs/conformance.md). Returns the number of spikes (uniform).
 */
fn sequential_spikes(lane: u32, base: u32, latent_base: u32, t: u32, first_event: u32, event_end: u32) -> u32 {
  if (lane == 0u) {
    for (var c = 0u; c < params.k; c++) {
      latent[latent_base + c] = 0.0;
    }
  }
  var spikes = 0u;
  for (var round = 0u; round < params.n; round++) {
    var mine = no_candidate();
    for (var i = lane; i < params.n; i += WORKGROUP_SIZE) {
      let eligible = state_u32(base + params.st_spiked + i) == 0u && t >= state_u32(base + params.st_next + i);
      let c = candidate(i, state_f32(base + params.st_v + i), eligible);
      if (better(c, mine)) {
        mine = c;
      }
    }
    let best = workgroup_best(lane, mine);
    if (best.rank == NO_RANK) {
      break;
    }
    let k = best.index;
    for (var i = lane; i < params.n; i += WORKGROUP_SIZE) {
      let pop = const_u32(params.off_pop + i);
      if (params.pops[pop].recurrence == 0u && i != k) {
        continue;
      }
      var v = state_f32(base + params.st_v + i) + column_weight(i, k);
      if (i == k) {
        v = v - params.pops[pop].mu;
        set_state_u32(base + params.st_spiked + k, 1u);
        set_state_u32(base + params.st_next + k, t + params.pops[pop].wait_steps);
        set_state_u32(base + params.st_count + k, state_u32(base + params.st_count + k) + 1u);
      }
      set_state_f32(base + params.st_v + i, v);
    }
    if (lane == 0u) {
      if (params.record_spikes != 0u && first_event + spikes < event_end) {
        events[first_event + spikes] = vec2<u32>(t, k);
      }
      for (var c = 0u; c < params.k; c++) {
        latent[latent_base + c] = latent[latent_base + c] + const_f32(params.off_proj + c * params.stride + k);
      }
    }
    spikes = spikes + 1u;
  }
  return spikes;
}
