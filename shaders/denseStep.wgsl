// denseStep.wgsl: the dense baseline for the benchmark (src/bench/webgpuBench.ts). Not part of the
// model: it is what a full-rank recurrent network pays per step, V_i += Σ_k W_ik·s_k, next to the
// low-rank step, which replaces the N×N product by K = 2 latent sums.
//
// One invocation = one row i of one row block: reads W[i][0 … N−1] and s[0 … N−1] in column order
// and adds the dot product to V[i] (f32, sequential sum). One invocation per row, as a simple dense
// kernel would do it: it reads W once per step, which is the cost being measured.
//
// Row blocks: W is N×N f32 (1 GiB at N = 16 384), above the 128 MiB storage binding that the
// OpenGL adapter allows (and one 1 GiB buffer failed to allocate on SwiftShader), so W is one
// buffer of at most 128 MiB per block of rows, and the host binds W's block and V's rows from the
// block's first row (one bind group and one dispatch per block), s whole. N is the length of s;
// the rows of a block are the length of V's binding.
// Dispatch per block: ⌈rows / WORKGROUP_SIZE⌉ workgroups. WORKGROUP_SIZE (override, a power of two)
// is the host's choice within the device's limits: 256, as for the probe and the step kernels.
//
// | group/binding | name | access     | type       | shape        | units         |
// |---------------|------|------------|------------|--------------|---------------|
// | 0/0           | w    | read       | array<f32> | [rows][N]    | weight        |
// | 0/1           | s    | read       | array<f32> | [N]          | spike (0 / 1) |
// | 0/2           | v    | read_write | array<f32> | [rows]       | voltage       |

override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<storage, read> w: array<f32>;
@group(0) @binding(1) var<storage, read> s: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.x;
  if (row >= arrayLength(&v)) {
    return;
  }
  let n = arrayLength(&s);
  let base = row * n;
  var sum = 0.0;
  for (var k = 0u; k < n; k++) {
    sum = sum + w[base + k] * s[k];
  }
  v[row] = v[row] + sum;
}
