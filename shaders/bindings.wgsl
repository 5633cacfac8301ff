// bindings.wgsl: shared by every kernel (appended after the kernel). The bind group layouts,
// written once here and built to match in src/engine/webgpu/layout.ts; groups by lifetime:
//
// | group/binding | name          | access     | type               | shape                          |
// |---------------|---------------|------------|--------------------|--------------------------------|
// | 0/0           | params        | uniform    | Params             | network scalars, section offsets, populations |
// | 0/1           | consts        | read       | array<vec4<u32>>   | words, f32 bits: bias[N'] selfW[N'], u32 popOf[N'], F[J][N'], enc[N][L], proj[K][N'], drive[S][P][J+1], u32 own[W][K] (W: stepAll's workgroups per trial) runOf[N'] runFirst[R] (split runs: its first part) |
// | 0/2           | slice         | uniform    | Slice              | dynamic offset: this dispatch's first workgroup and the end of its range (dispatch_workgroup) |
// | 0/3 … 0/5     | consts_1 …    | read       | array<u32>         | split runs only: the further parts of consts (splitArrays.wgsl) |
// | 1/0           | state         | read_write | array<vec4<u32>>   | words [trials][trial_words]: f32 bits V[N'] ghat[N'] gExp[N'], u32 pulseOpen[N'] nextAllowed[N'] spikedPrev[N'] spikeCount[N'], pulseBits[N][pulseWords] (split runs: its first part) |
// | 1/1           | latent        | read_write | array<f32>         | [trials][2K]: s[K] (this step's Σ proj·ĝ; s[l < L] is u_l, the drive of t+1), y[K] |
// | 1/2           | partials      | read_write | array<u32>         | [trials][workgroups][max(K, 3)]: f32 bits of proj·ĝ per step-kernel workgroup, or a Candidate (one trial) |
// | 1/3           | control       | read_write | array<Control>     | [trials]: step counter t, spike events this chunk (atomic) |
// | 1/4, 1/5      | state_1, state_2 | read_write | array<u32>      | split runs only: the further parts of state (splitArrays.wgsl) |
// | 2/0           | events        | read_write | array<vec2<u32>>   | [trials][event_capacity]: (step, global neuron) |
// | 2/1           | latentRecord  | read_write | array<f32>         | [trials][record_window][K], a ring: sample s (t = s·every) in row s mod record_window, pulled by the host (latentRecord.ts) before it is overwritten |
//
// [trials]: the trials of the batch running together (params.trial is the first one's index in
// the run): all of them on the batched paths (smallNetwork.wgsl, and stepAll/stepRate + latents),
// one on the per-step delta-rule path.
// Under the `all` rule (stepAll.wgsl) ghat[N] is written only for K > 4 and spikedPrev[N] not at
// all: ĝ follows from gExp or pulseOpen, and bit 31 of nextAllowed is spikedPrev (SPIKED_BIT).
// K = L + R (latent channels, then report-only readouts). Offsets (in 4-byte words) are computed
// on the host and passed in Params, so the host is the one place that lays the buffers out.
// N' = params.stride, N rounded up to a multiple of 4: every per-neuron section, and trial_words,
// starts at a multiple of 4 words, so the words of neurons 4q … 4q + 3 of a section are one vec4
// of consts or state (stepAll.wgsl's vector path reads them in one access).
// consts and state are per-neuron arrays that may exceed maxStorageBufferBindingSize: a run whose
// arrays fit binds each whole and includes wholeArrays.wgsl; a larger one binds them as parts of
// 2^PART_SHIFT words in bindings of their own and includes splitArrays.wgsl (resources.ts).
// `drive` holds, per step t ≥ 1 and population, the command input c[t] (spiking) or x[t−1] (rate),
// then I_ext[t−1] (MODEL.md §3, §8).

const MAX_POPULATIONS: u32 = 16u;

// Params.rule: the spike rule of a spiking network (MODEL.md §5), or the rate model (§8).
const RULE_ALL: u32 = 0u;
const RULE_ONE_PER_STEP: u32 = 1u;
const RULE_SEQUENTIAL: u32 = 2u;
const RULE_RATE: u32 = 3u;

struct Population {
  start: u32,
  size: u32,
  pulse_steps: u32,   // pwsteps (pulse synapses), else 0
  wait_steps: u32,    // max(trsteps, 1)
  dt_leak: f32,       // λ·dt
  noise_scale: f32,   // √(2·λ·dt)·σ
  inv_pulse: f32,     // 1/pwsteps
  decay_dt: f32,      // dt·λ_s
  rate: f32,          // λ_s
  synapse_kind: u32,  // 1 pulse, 2 exponential (compile.ts)
  recurrence: u32,    // 0 or 1
  noisy: u32,         // σ ≠ 0
  mu: f32,            // μ_p, the extra instantaneous self-reset
  class_rank: u32,    // rank of the population's priority among the network's distinct priorities
  clamp: u32,         // clampAtThreshold (one-per-step)
  fast_reset: u32,    // selfReset 'fast': ownSyn = w_self (MODEL.md §3), else 0
}

struct Params {
  n: u32,
  j: u32,
  l: u32,
  k: u32,
  p: u32,
  trial: u32,
  seed_lo: u32,
  seed_hi: u32,
  every: u32,
  record_latents: u32,
  history: u32,        // pulse history depth H = max pwsteps + 1 (0 without pulse synapses)
  pulse_words: u32,    // ⌈H/32⌉
  event_capacity: u32, // event slots per trial (per chunk, or per submit for smallNetwork.wgsl)
  dt: f32,
  readout_decay: f32,
  workgroups: u32,     // of the step kernel per trial = rows of partials per trial
  off_bias: u32,
  off_self_w: u32,
  off_pop: u32,
  off_f: u32,
  off_enc: u32,
  off_proj: u32,
  off_drive: u32,
  st_v: u32,
  st_ghat: u32,
  st_gexp: u32,
  st_pulse_open: u32,
  st_next: u32,
  st_spiked: u32,
  st_count: u32,
  st_bits: u32,
  rule: u32,           // RULE_*
  beta: f32,           // rate model: sigmoid gain β
  s: u32,              // samples S: steps run t = 1 … S − 1 (smallNetwork.wgsl: its stop, lowered by closed-loop input)
  steps_per_dispatch: u32, // small-network kernel: steps one dispatch may run
  trial_words: u32,    // words of state per trial (stride of state's [trials] sections)
  step_event_bound: u32, // most events one step can add (1 one-per-step, N otherwise)
  record_spikes: u32,
  off_own: u32,        // stepAll: own-channel order per workgroup, [W][K] (gpuNetwork.ts)
  off_runs: u32,       // stepAll with ENCODER_RUNS: u32 runOf[N], first[runs] (gpuNetwork.ts)
  stride: u32,         // N': N rounded up to a multiple of 4, the words of a per-neuron section
  record_window: u32,  // rows per trial of the latentRecord ring: sample s in row s mod record_window
  _pad1: u32,
  _pad2: u32,
  pops: array<Population, MAX_POPULATIONS>,
}

// A dispatch's place in its kernel's linear range of workgroups (resources.ts writes one entry per
// slice of a sliced dispatch, and per workgroup count of a folded one).
struct Slice {
  first_workgroup: u32, // the linear index of the dispatch's workgroup (0, 0, 0)
  end_workgroup: u32,   // workgroups at or past it are outside the range: a folded grid's tail
}

struct Control {
  t: u32,
  events: atomic<u32>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> consts: array<vec4<u32>>;
@group(0) @binding(2) var<uniform> slice: Slice;
@group(1) @binding(0) var<storage, read_write> state: array<vec4<u32>>;
@group(1) @binding(1) var<storage, read_write> latent: array<f32>;
@group(1) @binding(2) var<storage, read_write> partials: array<u32>;
@group(1) @binding(3) var<storage, read_write> control: array<Control>;
@group(2) @binding(0) var<storage, read_write> events: array<vec2<u32>>;
@group(2) @binding(1) var<storage, read_write> latentRecord: array<f32>;

/**
 * The linear index of workgroup `wid` of a dispatch over `grid` workgroups (num_workgroups): the
 * slice's first workgroup plus the workgroup's place in the grid, x fastest. A sliced dispatch is
 * 1-D; a folded one (adapterProfile.ts) is a 2-D or 3-D grid whose last few workgroups may lie at
 * or past slice.end_workgroup, and a kernel returns from those at once (a uniform exit: the index
 * is the same for every invocation of the workgroup, so the barriers after it stay legal).
 */
fn dispatch_workgroup(wid: vec3<u32>, grid: vec3<u32>) -> u32 {
  return slice.first_workgroup + wid.x + grid.x * (wid.y + grid.y * wid.z);
}

// consts and state are read and written only through const_u32, state_u32 and set_state_u32 (one
// word) and their _x4 forms (the vec4 of words index … index + 3, index a multiple of 4),
// defined by wholeArrays.wgsl (each bound whole: ordinary runs) or splitArrays.wgsl (bound as
// parts); the host includes one of the two (pipelines.ts).

fn const_f32(index: u32) -> f32 {
  return bitcast<f32>(const_u32(index));
}

fn const_f32x4(index: u32) -> vec4<f32> {
  return bitcast<vec4<f32>>(const_u32x4(index));
}

fn state_f32(index: u32) -> f32 {
  return bitcast<f32>(state_u32(index));
}

fn set_state_f32(index: u32, value: f32) {
  set_state_u32(index, bitcast<u32>(value));
}

fn state_f32x4(index: u32) -> vec4<f32> {
  return bitcast<vec4<f32>>(state_u32x4(index));
}

fn set_state_f32x4(index: u32, value: vec4<f32>) {
  set_state_u32x4(index, bitcast<vec4<u32>>(value));
}
