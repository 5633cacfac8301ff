// splitArrays.wgsl: the accessors of consts and state when a run's array is larger than one
// storage binding may be (maxStorageBufferBindingSize): the array is cut into parts of
// 2^PART_SHIFT words, part p in its own buffer and binding, and word `index` lives in part
// index >> PART_SHIFT at index & PART_MASK. Included after bindings.wgsl in place of
// wholeArrays.wgsl (pipelines.ts) only for runs that need it: the switch costs a branch per access,
// and the extra bindings below must fit maxStorageBuffersPerShaderStage (7 + 5 = 12, which
// SwiftShader and llvmpipe offer; resources.ts refuses the run, naming that limit, where they do
// not fit). Parts an array does not need are bound to small spare buffers that no index reaches.
//
// | group/binding | name     | access     | type       | shape                                    |
// |---------------|----------|------------|------------|------------------------------------------|
// | 0/1           | consts   | read       | array<vec4<u32>> | words [0, 2^PART_SHIFT) of consts  |
// | 0/3 … 0/5     | consts_1 … consts_3 | read | array<vec4<u32>> | words [p·2^PART_SHIFT, (p+1)·2^PART_SHIFT) |
// | 1/0           | state    | read_write | array<vec4<u32>> | words [0, 2^PART_SHIFT) of state   |
// | 1/4, 1/5      | state_1, state_2 | read_write | array<vec4<u32>> | words of parts 1 and 2 of state |
//
// PART_SHIFT (override): log2 of the words per part, the same for both arrays: the largest power
// of two within the device's binding limit (or the engine's maxPartBytes, for tests).
// CONSTS_SPLIT, STATE_SPLIT (overrides): whether each array is in parts; one that is not is read
// in its first binding as wholeArrays.wgsl reads it (the branch folds away when the pipeline is
// made), so a run pays the part switch only on the array that needs it. No entry point. As in
// wholeArrays.wgsl, the words are grouped in vec4s (PART_SHIFT ≥ 2, so no vec4 straddles parts).

override PART_SHIFT: u32;
override PART_MASK: u32 = (1u << PART_SHIFT) - 1u;
/** Whether consts, and state, are in parts: an array that is not is indexed in its first binding. */
override CONSTS_SPLIT: bool;
override STATE_SPLIT: bool;

@group(0) @binding(3) var<storage, read> consts_1: array<vec4<u32>>;
@group(0) @binding(4) var<storage, read> consts_2: array<vec4<u32>>;
@group(0) @binding(5) var<storage, read> consts_3: array<vec4<u32>>;
@group(1) @binding(4) var<storage, read_write> state_1: array<vec4<u32>>;
@group(1) @binding(5) var<storage, read_write> state_2: array<vec4<u32>>;

/** The vec4 of word `index` within its part. */
fn part_vec(index: u32) -> u32 {
  return (index & PART_MASK) >> 2u;
}

fn const_u32x4(index: u32) -> vec4<u32> {
  if (!CONSTS_SPLIT) {
    return consts[index >> 2u];
  }
  let at = part_vec(index);
  switch (index >> PART_SHIFT) {
    case 0u: {
      return consts[at];
    }
    case 1u: {
      return consts_1[at];
    }
    case 2u: {
      return consts_2[at];
    }
    default: {
      return consts_3[at];
    }
  }
}

fn const_u32(index: u32) -> u32 {
  if (!CONSTS_SPLIT) {
    return consts[index >> 2u][index & 3u];
  }
  return const_u32x4(index)[index & 3u];
}

fn state_u32x4(index: u32) -> vec4<u32> {
  if (!STATE_SPLIT) {
    return state[index >> 2u];
  }
  let at = part_vec(index);
  switch (index >> PART_SHIFT) {
    case 0u: {
      return state[at];
    }
    case 1u: {
      return state_1[at];
    }
    default: {
      return state_2[at];
    }
  }
}

fn state_u32(index: u32) -> u32 {
  if (!STATE_SPLIT) {
    return state[index >> 2u][index & 3u];
  }
  return state_u32x4(index)[index & 3u];
}

fn set_state_u32x4(index: u32, value: vec4<u32>) {
  if (!STATE_SPLIT) {
    state[index >> 2u] = value;
    return;
  }
  let at = part_vec(index);
  switch (index >> PART_SHIFT) {
    case 0u: {
      state[at] = value;
    }
    case 1u: {
      state_1[at] = value;
    }
    default: {
      state_2[at] = value;
    }
  }
}

/** One word: only its component is stored (neighbouring words may belong to other invocations). */
fn set_state_u32(index: u32, value: u32) {
  let c = index & 3u;
  if (!STATE_SPLIT) {
    state[index >> 2u][c] = value;
    return;
  }
  let at = part_vec(index);
  switch (index >> PART_SHIFT) {
    case 0u: {
      state[at][c] = value;
    }
    case 1u: {
      state_1[at][c] = value;
    }
    default: {
      state_2[at][c] = value;
    }
  }
}
