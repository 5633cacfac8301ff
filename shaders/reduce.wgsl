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
 * Step kernels with one neuron per lane (stepAll, stepRate): partials[w][k] = f32 bits of
 * Σ_{i in workgroup w} proj[k][i]·g_i for every k < K; lanes past the last neuron add 0.
 */
fn project_partials(lane: u32, w: u32, i: u32, g: f32) {
  for (var k = 0u; k < params.k; k++) {
    var term = 0.0;
    if (i < params.n) {
      term = const_f32(params.off_proj + k * params.n + i) * g;
    }
    let sum = workgroup_sum(lane, term);
    if (lane == 0u) {
      partials[w * params.k + k] = bitcast<u32>(sum);
    }
  }
}
