// wholeArrays.wgsl: the accessors of consts and state when each is bound whole (bindings.wgsl,
// 0/1 and 1/0): every run whose arrays fit maxStorageBufferBindingSize. Included after
// bindings.wgsl in place of splitArrays.wgsl (pipelines.ts), so an ordinary run's kernels index
// the two arrays directly and its pipeline layout has no extra bindings. No entry point; word
// indices. The arrays are vec4 words so that stepAll's vector path loads four neurons' words in
// one access (a multiple-of-4 index: the *_x4 accessors); a single word is a component of one.

fn const_u32(index: u32) -> u32 {
  return consts[index >> 2u][index & 3u];
}

fn const_u32x4(index: u32) -> vec4<u32> {
  return consts[index >> 2u];
}

fn state_u32(index: u32) -> u32 {
  return state[index >> 2u][index & 3u];
}

fn state_u32x4(index: u32) -> vec4<u32> {
  return state[index >> 2u];
}

fn set_state_u32(index: u32, value: u32) {
  state[index >> 2u][index & 3u] = value;
}

fn set_state_u32x4(index: u32, value: vec4<u32>) {
  state[index >> 2u] = value;
}
