// wholeArrays.wgsl: the accessors of consts and state when each is bound whole (bindings.wgsl,
// 0/1 and 1/0): every run whose arrays fit maxStorageBufferBindingSize. Included after
// bindings.wgsl in place of splitArrays.wgsl (pipelines.ts), so an ordinary run's kernels index
// the two arrays directly, as they did before arrays could be split, and its pipeline layout has
// no extra bindings. No entry point; word indices.

fn const_u32(index: u32) -> u32 {
  return consts[index];
}

fn state_u32(index: u32) -> u32 {
  return state[index];
}

fn set_state_u32(index: u32, value: u32) {
  state[index] = value;
}
