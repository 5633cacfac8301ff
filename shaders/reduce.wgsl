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
 * The step kernels' projection (stepAll, stepRate), four slots at a time. Slot s of a kernel is
 * channel order[s] of its order table (a row of consts from `order` on; stepAll: the workgroup's
 * population's own channels first, so its neurons read no decoder that is zero on them), or
 * channel s itself with order = SLOT_IS_CHANNEL (stepRate). `slots` is the number of slots the
 * kernel projects: a kernel that knows it at pipeline creation (an override) passes that, so the
 * tests on it fold away; on software adapters every load here is a loop over the SIMD lanes even
 * when masked off.
 */
const SLOT_IS_CHANNEL: u32 = 0xffffffffu;

/** The channels of slots s0 … s0 + 3 (uniform loads); entries from slot `slots` on are unused. */
fn slot_channels(order: u32, s0: u32, slots: u32) -> vec4<u32> {
  if (order == SLOT_IS_CHANNEL) {
    return vec4<u32>(s0, s0 + 1u, s0 + 2u, s0 + 3u);
  }
  let at = order + s0;
  let left = slots - s0;
  var k = vec4<u32>(0u);
  if (left > 0u) {
    k.x = const_u32(at);
  }
  if (left > 1u) {
    k.y = const_u32(at + 1u);
  }
  if (left > 2u) {
    k.z = const_u32(at + 2u);
  }
  if (left > 3u) {
    k.w = const_u32(at + 3u);
  }
  return k;
}

/** proj[k.c][i] as a vec4 for the c < `used` (no dynamic component index), zeros past them. */
fn proj4(k: vec4<u32>, used: u32, i: u32) -> vec4<f32> {
  let at = params.off_proj + i;
  var d = vec4<f32>(0.0);
  if (used > 0u) {
    d.x = const_f32(at + k.x * params.stride);
  }
  if (used > 1u) {
    d.y = const_f32(at + k.y * params.stride);
  }
  if (used > 2u) {
    d.z = const_f32(at + k.z * params.stride);
  }
  if (used > 3u) {
    d.w = const_f32(at + k.w * params.stride);
  }
  return d;
}

var<workgroup> sum4_scratch: array<vec4<f32>, WORKGROUP_SIZE>;

/**
 * Σ of the lanes' vec4s within segments of `width` lanes (a power of two dividing WORKGROUP_SIZE:
 * lanes s·width … s·width + width − 1), pairwise in workgroup_sum's order, all segments and four
 * sums at once (one barrier per level). The segment's first lane gets its sum; the others get
 * partial sums. No barrier needed before the next call: a lane reads its own slot last, and
 * every other slot only after the next call's first barrier.
 */
fn segment_sum4(lane: u32, width: u32, value: vec4<f32>) -> vec4<f32> {
  sum4_scratch[lane] = value;
  workgroupBarrier();
  let j = lane % width;
  for (var stride = width / 2u; stride > 0u; stride = stride / 2u) {
    if (j < stride) {
      sum4_scratch[lane] = sum4_scratch[lane] + sum4_scratch[lane + stride];
    }
    workgroupBarrier();
  }
  return sum4_scratch[lane];
}

/**
 * Lane `lane` has summed proj[k.c][i]·g_i serially over its neurons (in the order it updated them)
 * into acc[c]; the workgroup adds the lanes' vec4s in one fixed tree (one barrier per level for all
 * four) and lane 0 writes partials[w][k.c] (f32 bits) for c < `used`. `channels` is K, the row
 * length of partials.
 */
fn store_partials4(lane: u32, w: u32, k: vec4<u32>, used: u32, acc: vec4<f32>, channels: u32) {
  let sum = segment_sum4(lane, WORKGROUP_SIZE, acc);
  if (lane == 0u) {
    let row = w * channels;
    if (used > 0u) {
      partials[row + k.x] = bitcast<u32>(sum.x);
    }
    if (used > 1u) {
      partials[row + k.y] = bitcast<u32>(sum.y);
    }
    if (used > 2u) {
      partials[row + k.z] = bitcast<u32>(sum.z);
    }
    if (used > 3u) {
      partials[row + k.w] = bitcast<u32>(sum.w);
    }
  }
}

/**
 * Slots `from_slot` … slots − 1 (the kernel has projected the slots before while updating its neurons):
 * lane `lane` re-reads g_i = state[g_section + i] of its neurons first + m·WORKGROUP_SIZE (m < npi,
 * i < end) and sums as above, four slots per tree.
 */
fn project_rest(
  lane: u32,
  w: u32,
  first: u32,
  npi: u32,
  end: u32,
  g_section: u32,
  order: u32,
  from_slot: u32,
  slots: u32,
  channels: u32,
) {
  for (var s0 = from_slot; s0 < slots; s0 += 4u) {
    let k = slot_channels(order, s0, slots);
    let used = min(slots - s0, 4u);
    var acc = vec4<f32>(0.0);
    for (var m = 0u; m < npi; m++) {
      let i = first + m * WORKGROUP_SIZE;
      if (i < end) {
        acc = acc + proj4(k, used, i) * state_f32(g_section + i);
      }
    }
    store_partials4(lane, w, k, used, acc, channels);
  }
}
