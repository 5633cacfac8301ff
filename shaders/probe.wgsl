// probe.wgsl: the memory-bandwidth floor of a per-neuron step, for the benchmark
// (src/bench/webgpuBench.ts). Not part of the model: it does the least any neuron update must do,
// read one f32 of state and write it back, so a real step kernel's time divided by this one's says
// how far that kernel is from "one touch of state per neuron".
//
// One invocation = one neuron i: v[i] ← decay·v[i] + drive. With decay < 1 the values converge to
// drive/(1 − decay) and stay normal floats however many steps run (no denormal slow paths on CPU
// emulation), and the store depends on the load, so neither can be optimised away.
//
// Dispatch: ⌈N / WORKGROUP_SIZE⌉ workgroups, one dispatch per step. WORKGROUP_SIZE (override, a
// power of two) is the host's choice within the device's limits; 256, as for the step kernels, so
// the probe and the step it is compared with have the same geometry.
//
// | group/binding | name | access     | type       | shape | units        |
// |---------------|------|------------|------------|-------|--------------|
// | 0/0           | v    | read_write | array<f32> | [N]   | state (any)  |

override WORKGROUP_SIZE: u32 = 256u;

const DECAY: f32 = 0.999;
const DRIVE: f32 = 0.001;

@group(0) @binding(0) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i < arrayLength(&v)) {
    v[i] = DECAY * v[i] + DRIVE;
  }
}
