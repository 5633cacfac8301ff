// reduce.wgsl: shared workgroup reductions (no bindings, no entry point), appended after the
// kernels that sum over a workgroup or pick a spike candidate. Both are fixed trees over
// WORKGROUP_SIZE lanes (the kernel's override, a power of two), so their results do not depend on
// scheduling: no float atomics anywhere. Every invocation of the workgroup must call them from
// uniform control flow (they contain barriers); every invocation gets the result. Needs the
// Candidate type and `better` of model.wgsl, and bindings.wgsl.

var<workgroup> sum_scratch: array<f32, WORKGROUP_SIZE>;
var<workgroup> candidate_scratch: array<Candidate, WORKGROUP_SIZE>;

/** Σ of `term` over the workgroup's lanes, pairwise in a fixed order. */
fn workgroup_sum(lane: u32, term: f32) -> f32 {
  sum_scratch[lane] = term;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
    if (lane < stride) {
      sum_scratch[lane] = sum_scratch[lane] + sum_scratch[lane + stride];
    }
    workgroupBarrier();
  }
  return workgroupUniformLoad(&sum_scratch[0]);
}

/** The best of the lanes' candidates by `better` (MODEL.md §5's selection order). */
fn workgroup_best(lane: u32, mine: Candidate) -> Candidate {
  candidate_scratch[lane] = mine;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
    if (lane < stride && better(candidate_scratch[lane + stride], candidate_scratch[lane])) {
      candidate_scratch[lane] = candidate_scratch[lane + stride];
    }
    workgroupBarrier();
  }
  return workgroupUniformLoad(&candidate_scratch[0]);
}

/**
 * The step kernels' projection (stepAll, stepRate), four channels at a time: lane `lane` has summed
 * proj[k0 + c][i]·g_i serially over its neurons (in the order it updated them) into acc[c]; the
 * workgroup adds the lanes' vec4s in one fixed tree (one barrier per level for all four channels)
 * and lane 0 writes partials[w][k0 + c] (f32 bits) for k0 + c < K. `channels` is K: a kernel that
 * knows it at pipeline creation (an override) passes that, so the tests on it fold away.
 */
var<workgroup> sum4_scratch: array<vec4<f32>, WORKGROUP_SIZE>;

fn store_partials4(lane: u32, w: u32, k0: u32, acc: vec4<f32>, channels: u32) {
  sum4_scratch[lane] = acc;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
    if (lane < stride) {
      sum4_scratch[lane] = sum4_scratch[lane] + sum4_scratch[lane + stride];
    }
    workgroupBarrier();
  }
  if (lane == 0u) {
    let sum = sum4_scratch[0];
    let at = w * channels + k0;
    let left = channels - k0;
    if (left > 0u) {
      partials[at] = bitcast<u32>(sum.x);
    }
    if (left > 1u) {
      partials[at + 1u] = bitcast<u32>(sum.y);
    }
    if (left > 2u) {
      partials[at + 2u] = bitcast<u32>(sum.z);
    }
    if (left > 3u) {
      partials[at + 3u] = bitcast<u32>(sum.w);
    }
  }
  // No barrier needed before the next call: only lane 0 reads slot 0, and only lane 0 writes it.
}

/**
 * proj[k0 … k0 + 3][i] as a vec4, zeros from channel K = `channels` on (no dynamic component
 * index). On software adapters every load here is a loop over the SIMD lanes even when masked off,
 * so a compile-time `channels` (stepAll's CHANNELS) saves the loads past K.
 */
fn proj4(k0: u32, i: u32, channels: u32) -> vec4<f32> {
  let at = params.off_proj + k0 * params.n + i;
  let left = channels - k0;
  var d = vec4<f32>(0.0);
  if (left > 0u) {
    d.x = const_f32(at);
  }
  if (left > 1u) {
    d.y = const_f32(at + params.n);
  }
  if (left > 2u) {
    d.z = const_f32(at + 2u * params.n);
  }
  if (left > 3u) {
    d.w = const_f32(at + 3u * params.n);
  }
  return d;
}

/**
 * Channels from k = 4 on (K > 4): lane `lane` re-reads g_i = state[g_section + i] of its neurons
 * first + m·WORKGROUP_SIZE (m < npi, i < end) and sums as above, four channels per tree.
 */
fn project_rest(lane: u32, w: u32, first: u32, npi: u32, end: u32, g_section: u32, channels: u32) {
  for (var k0 = 4u; k0 < channels; k0 += 4u) {
    var acc = vec4<f32>(0.0);
    for (var m = 0u; m < npi; m++) {
      let i = first + m * WORKGROUP_SIZE;
      if (i < end) {
        acc = acc + proj4(k0, i, channels) * state_f32(g_section + i);
      }
    }
    store_partials4(lane, w, k0, acc, channels);
  }
}
