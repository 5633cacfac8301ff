// stepAll.wgsl: one step t of the spiking model under the `all` spike rule (pulse and exponential
// synapses), MODEL.md §3 phases 1–4 and §6, for every trial of a batch at once. Followed by
// latents.wgsl, which finishes the step.
//
// Trials: the dispatch runs every trial b of the batch, trial-major (model.wgsl's batch_slot): a
// workgroup works on one trial, whose state is at state[b·trial_words …], u at latent[b·2K …],
// noise trial params.trial + b, step t = control[b].t. A trial's arithmetic does not depend on the
// batch it runs in, so a batched trial gives the bits it gives alone. Batching multiplies the
// workgroups of a dispatch, which fills a GPU (or the cores behind a software adapter) that one
// trial of a small network would leave idle, and shares each dispatch's fixed cost among trials.
// Within a trial, workgroups belong to one population each: population p is cut into spans of
// WORKGROUP_SIZE·NEURONS_PER_INVOCATION neurons counted from the multiple of 4 at or below its
// start (workgroup_range; the host's gpuNetwork.workgroupRanges), in population order, and
// workgroup w's population follows from w and the populations alone. So the population, its
// parameters, I_ext and (with SHARED_ENCODERS) its encoder sum are workgroup-uniform: read once per
// invocation, not per neuron (the J values of c[t] are still read per neuron: holding them would
// take a private array of override length).
// One invocation = NEURONS_PER_INVOCATION neurons of its workgroup's range [begin, stop): i = begin
// + lane + m·WORKGROUP_SIZE (m = 0, 1, … while i < stop; adjacent lanes touch adjacent neurons),
// or, on the vector path (QUADS), quads of neurons 4q … 4q + 3 (q = first quad + lane +
// m·WORKGROUP_SIZE, m < NEURONS_PER_INVOCATION / 4) plus at most one edge neuron outside whole
// quads (quad_cover); each neuron:
//   1. F_i·c + b_i + I_ext (c = command input of the population at t, precomputed on the host)
//   2. R_i = Σ_l e_{i,l}·u_l − ownSyn_i·ĝ_i + (ownSyn_i − μ)·s_i[t−1]   (u from the previous step;
//      recurrence off: selfW_i·ĝ_i in place of the encoder sum; ownSyn_i = selfW_i or 0)
//   3. V ← V + λdt·((−V + ff) + R/(λdt)) + noise_scale·ξ(seed, trial, i, t)
//   4. spike if V ≥ 1 and t ≥ nextAllowed (then nextAllowed = t + wait), then the synaptic trace:
//      pulse: pulses opened at t − pwsteps close, ĝ = open·(1/pwsteps); exponential: ĝ = dt·g
// ĝ_i[t−1] is recomputed from the trace (gExp or pulseOpen) and s_i[t−1] is bit 31 of nextAllowed
// (SPIKED_BIT), so per neuron the kernel touches V, the trace and its constants (F, b, selfW, its
// encoder row or run, the decoders its workgroup projects) every step, nextAllowed and spikeCount
// only around a spike (one now, or at t − 1: SPIKED_BIT to clear; on the vector path, in the
// quad), and nothing else: on software adapters every per-neuron storage access is a loop over the
// SIMD lanes, and it is their number that sets the step's time; on a GPU, the bytes moved.
// Projection: only the channels k (latent channels, then report-only readouts) with a nonzero
// decoder on the workgroup's neurons, in slots 0 … OWN_CHANNELS − 1 of its row of `own`
// (gpuNetwork.ts; slots past its own count name channels whose decoders are zero on its neurons
// and add +0). A population sources a few channels; a workgroup of a block-structured network
// (copies of one module side by side) sources only its modules' few. The invocation
// sums proj[k][i]·ĝ_i[t] over its neurons in m order as it updates them (slots past the held
// ones, HELD_GROUPS, in a second pass), the workgroup adds the lanes' sums in a fixed tree, four
// slots per tree (reduce.wgsl), and writes the f32 bits to partials[b][workgroup][k]; lane 0
// writes +0 for the channels past slot OWN_CHANNELS (their decoders are zero here, so these are
// the bits a full sum would give): deterministic, no float atomics. With spikes recorded, the
// workgroup compacts its events into trial b's region of `events` with one atomicAdd on
// control[b].events (record_events).
// The arithmetic is model.wgsl's (shared with the other rules' kernels); the operation order
// mirrors the CPU engine's f32 mode (src/engine/cpu/spikingTrial.ts).
//
// Specialised per network by overrides (pipelines.ts builds one pipeline per combination): llvmpipe
// and SwiftShader run both sides of every branch they cannot resolve at compile time, masked, so
// a pulse-synapse, noise or spike-recording path that this network never takes would still cost
// its loads and arithmetic on every neuron. PULSE / EXPONENTIAL: some population has that synapse
// kind; NOISE: some population has σ_V ≠ 0; SELF_INPUT: some population has recurrence off;
// SELF_WEIGHTS: some population reads selfW (fast self-reset or recurrence off); SHARED_ENCODERS:
// every recurrent population's neurons have one encoder row (large networks given scalar
// encoders), so Σ_l e_l·u_l is the same expression, with the same bits, for all of them;
// ENCODER_RUNS: otherwise, where each workgroup's neurons fall in at most WORKGROUP_SIZE runs of
// equal encoder rows (gpuNetwork.ts; the benchmark grid's rank-K networks: one row per module),
// lane j sums run j's row once into workgroup memory (share_encoder_runs, one barrier) and each
// neuron reads its run's sum: two loads per neuron (its run, the sum) instead of L, same bits;
// RECORD_SPIKES: the run records spike events; CHANNELS: K; OWN_CHANNELS: the most channels with
// a nonzero decoder on any one workgroup's neurons (at K = 32 in the benchmark grid: 16 of 32 when
// a workgroup covers a whole population, 2 at 10⁶ neurons, where a workgroup covers copies of
// one or two modules).
//
// Dispatch: trials × Σ_p ⌈(size_p + start_p mod 4) / (WORKGROUP_SIZE·NEURONS_PER_INVOCATION)⌉
// workgroups (gpuNetwork.ts's allWorkgroups per trial), as the adapter profile shapes dispatches
// (adapterProfile.ts): in 1-D slices (SwiftShader aborts on very large dispatches) or as one
// dispatch folded into a 2-D or 3-D grid; the workgroup's row is bindings.wgsl's
// dispatch_workgroup, and those past `slice`'s end return at once. WORKGROUP_SIZE (override, a
// power of two) is chosen by the host within the device's limits: 256 fills a workgroup on every
// adapter seen; the tree takes 9 barriers per four slots. NEURONS_PER_INVOCATION (override) is 1
// on GPUs (most parallelism) and more on software adapters, where every barrier costs a coroutine switch per SIMD group and per workgroup
// (pipelines.ts): fewer, fuller workgroups cut the barriers per step by that factor.
// QUADS (override; the host sets it where NEURONS_PER_INVOCATION is a multiple of 4 and no
// population has pulse synapses): every per-neuron word a quad reads or writes (V, gExp,
// nextAllowed, spikeCount, F, b, selfW, its encoder run, each own channel's decoders) is one vec4
// access, since every per-neuron section starts on a vec4 (bindings.wgsl's N'), and one Philox call
// gives the quad's four draws. llvmpipe still loops over the lanes once per component of a vec4,
// so the gain there is the address arithmetic and bounds checks of three words in four, and three
// Philox calls in four (measured in docs/performance.md); a part switch (splitArrays.wgsl) is paid
// once per vec4. The arithmetic is step_core's, shared with the scalar path, so both give the same
// bits. Pulse synapses keep the scalar path: their history bits are per neuron anyway
// (docs/webgpu.md has the quad path's history).
// Bindings: bindings.wgsl (all of group 0, 1, 2). Includes model.wgsl, reduce.wgsl, philox.wgsl
// (and spikes.wgsl, unused here).
// consts and state are read through wholeArrays.wgsl or splitArrays.wgsl (pipelines.ts).

override WORKGROUP_SIZE: u32 = 256u;
/** Neurons per invocation (override): the host's choice, see the header. */
override NEURONS_PER_INVOCATION: u32 = 1u;
// The network's specialisation (header): what the populations have, and K.
override PULSE: bool = true;
override EXPONENTIAL: bool = true;
override NOISE: bool = true;
override SELF_INPUT: bool = true;
override SELF_WEIGHTS: bool = true;
override SHARED_ENCODERS: bool = false;
override ENCODER_RUNS: bool = false;
override RECORD_SPIKES: bool = true;
override CHANNELS: u32 = 4u;
/** The vector path (header): set where NEURONS_PER_INVOCATION is a multiple of 4 and no population has pulse synapses. */
override QUADS: bool = false;
override OWN_CHANNELS: u32 = 4u;
/**
 * Slot groups (of four) each invocation accumulates while it updates its neurons, in a private
 * array: up to HELD_GROUPS of them (a constant bound, as WGSL requires; the loops over them have
 * a compile-time count and unroll). Slots past 4·HELD_GROUPS take project_rest's second pass over
 * the neurons, which re-reads ĝ: on llvmpipe that pass cost about twice the held one per group.
 */
const HELD_GROUPS: u32 = 8u;
override HELD: u32 = min((OWN_CHANNELS + 3u) / 4u, HELD_GROUPS);

/** Slots of held group g used by this network (the last may hold fewer than four). */
fn held_slots(g: u32) -> u32 {
  return min(OWN_CHANNELS - 4u * g, 4u);
}

/** Bit 31 of nextAllowed: the neuron spiked at the previous step (t < 2³¹ always). */
const SPIKED_BIT: u32 = 0x80000000u;

const SYNAPSE_PULSE: u32 = 1u;

/** Pulse history bit for step s of neuron i of the trial whose state starts at `base`. */
fn pulse_bit_index(base: u32, i: u32, s: u32) -> vec2<u32> {
  let slot = s % params.history;
  return vec2<u32>(base + params.st_bits + i * params.pulse_words + slot / 32u, 1u << (slot % 32u));
}

/** Whether population `pop` has pulse synapses, decided at compile time where the network allows. */
fn is_pulse(pop: Population) -> bool {
  return PULSE && (!EXPONENTIAL || pop.synapse_kind == SYNAPSE_PULSE);
}

/**
 * What a workgroup's neurons share: their trial, their population, its drive at t and I_ext, its
 * encoder sum (SHARED_ENCODERS) or the index of the first encoder run of run_net (ENCODER_RUNS).
 */
struct Shared {
  slot: BatchSlot,
  pop: Population,
  drive: u32,
  current: f32,
  net: f32,
  first_run: u32,
}

var<workgroup> run_net: array<f32, WORKGROUP_SIZE>;

/**
 * ENCODER_RUNS: lane j sums the encoder row of run r0 + j (runs of neurons a … b − 1, at most
 * WORKGROUP_SIZE of them: the host's check) against the trial's u into run_net[j]; returns r0. The same
 * expression as encoder_sum(i) for every neuron i of the run, so the same bits.
 */
fn share_encoder_runs(lane: u32, a: u32, b: u32, latent_base: u32) -> u32 {
  let r0 = const_u32(params.off_runs + a);
  let r = r0 + lane;
  if (r <= const_u32(params.off_runs + b - 1u)) {
    run_net[lane] = encoder_sum(const_u32(params.off_runs + params.stride + r), latent_base);
  }
  workgroupBarrier();
  return r0;
}

/** What one neuron's step left: its new V, nextAllowed and whether it fired (phases 2–4). */
struct Stepped {
  v: f32,
  allowed: u32,
  fired: bool,
}

/**
 * Phases 2–4 of neuron i of the workgroup's population from what it read: V, nextAllowed, its
 * feedforward drive ff, ĝ_i[t−1] = g, selfW, its encoder run (ENCODER_RUNS) and its N(0, 1) draw ξ
 * (NOISE). The arithmetic both paths share, so the vector path gives the scalar path's bits.
 */
fn step_core(i: u32, t: u32, s: Shared, v: f32, allowed: u32, ff: f32, g: f32, self_w: f32, run: u32, xi: f32) -> Stepped {
  let pop = s.pop;
  var net: f32;
  if (SELF_INPUT && pop.recurrence == 0u) {
    net = self_w * g;
  } else if (SHARED_ENCODERS) {
    net = s.net;
  } else if (ENCODER_RUNS) {
    net = run_net[run - s.first_run];
  } else {
    net = encoder_sum(i, s.slot.latent_base);
  }
  let own_syn = select(0.0, self_w, pop.fast_reset != 0u);
  let r = recurrent_drive(net, own_syn, pop.mu, g, (allowed & SPIKED_BIT) != 0u);
  var next = integrate_voltage(pop.dt_leak, v, ff, r);
  if (NOISE && pop.noisy != 0u) {
    next = next + pop.noise_scale * xi;
  }
  let fired = next >= 1.0 && t >= (allowed & ~SPIKED_BIT);
  return Stepped(next, select(allowed & ~SPIKED_BIT, (t + pop.wait_steps) | SPIKED_BIT, fired), fired);
}

/** The exponential trace after the step: g ← g − dt·λ_s·g, plus λ_s if the neuron fired. */
fn exponential_trace(pop: Population, g_exp: f32, fired: bool) -> f32 {
  let decayed = g_exp - pop.decay_dt * g_exp;
  return select(decayed, decayed + pop.rate, fired);
}

struct Updated {
  ghat: f32,
  fired: bool,
}

/** Updates neuron i of the workgroup's trial and population (`s`) for step t; returns ĝ_i[t] and whether it fired. */
fn update_neuron(i: u32, t: u32, s: Shared) -> Updated {
  let pop = s.pop;
  let base = s.slot.state_base;
  let pulse = is_pulse(pop);
  // ĝ_i[t−1] from the trace the previous step left (exponential: dt·g; pulse: open/pwsteps).
  var g_exp = 0.0;
  var open = 0u;
  var g: f32;
  if (pulse) {
    open = state_u32(base + params.st_pulse_open + i);
    g = f32(open) * pop.inv_pulse;
  } else {
    g_exp = state_f32(base + params.st_gexp + i);
    g = params.dt * g_exp;
  }
  var self_w = 0.0;
  if (SELF_WEIGHTS) {
    self_w = const_f32(params.off_self_w + i);
  }
  var run = 0u;
  if (ENCODER_RUNS) {
    run = const_u32(params.off_runs + i);
  }
  var xi = 0.0;
  if (NOISE && pop.noisy != 0u) {
    xi = philox_standard_normal(noise_key(), s.slot.trial, i, t);
  }
  let allowed = state_u32(base + params.st_next + i);
  let v = state_f32(base + params.st_v + i);
  let ff = feedforward(i, s.drive, s.current);
  let stepped = step_core(i, t, s, v, allowed, ff, g, self_w, run, xi);
  set_state_f32(base + params.st_v + i, stepped.v);
  // nextAllowed changes only around a spike (one now, or SPIKED_BIT to clear): most steps skip it.
  if (stepped.allowed != allowed) {
    set_state_u32(base + params.st_next + i, stepped.allowed);
  }
  let fired = stepped.fired;
  if (fired) {
    set_state_u32(base + params.st_count + i, state_u32(base + params.st_count + i) + 1u);
  }

  var ghat: f32;
  if (pulse) {
    if (t >= pop.pulse_steps + 1u) {
      // The pulse opened at t − pwsteps covered samples t − pwsteps … t − 1: it closes now.
      let old = pulse_bit_index(base, i, t - pop.pulse_steps);
      if ((state_u32(old.x) & old.y) != 0u) {
        open = open - 1u;
      }
    }
    let now = pulse_bit_index(base, i, t);
    if (fired) {
      set_state_u32(now.x, state_u32(now.x) | now.y);
      open = open + 1u;
    } else {
      set_state_u32(now.x, state_u32(now.x) & ~now.y);
    }
    set_state_u32(base + params.st_pulse_open + i, open);
    ghat = f32(open) * pop.inv_pulse;
  } else {
    let updated = exponential_trace(pop, g_exp, fired);
    set_state_f32(base + params.st_gexp + i, updated);
    ghat = params.dt * updated;
  }
  if (OWN_CHANNELS > 4u * HELD_GROUPS) {
    // Read back by project_rest for the slots past the held ones; nothing else reads ĝ under `all`.
    set_state_f32(base + params.st_ghat + i, ghat);
  }
  return Updated(ghat, fired);
}

struct UpdatedQuad {
  ghat: vec4<f32>,
  fired: vec4<bool>,
}

/**
 * The vector path (QUADS): neurons i = 4q … 4q + 3, all of the workgroup's population (exponential
 * synapses), updated as update_neuron would update each, with every per-neuron word read and
 * written as one vec4 per section (the header says why) and one Philox call for the four draws.
 */
fn update_quad(q: u32, t: u32, s: Shared) -> UpdatedQuad {
  let pop = s.pop;
  let i = 4u * q;
  let at = s.slot.state_base + i;
  let g_exp = state_f32x4(at + params.st_gexp);
  let g = params.dt * g_exp;
  var self_w = vec4<f32>(0.0);
  if (SELF_WEIGHTS) {
    self_w = const_f32x4(params.off_self_w + i);
  }
  var run = vec4<u32>(0u);
  if (ENCODER_RUNS) {
    run = const_u32x4(params.off_runs + i);
  }
  var xi = vec4<f32>(0.0);
  if (NOISE && pop.noisy != 0u) {
    xi = philox_quad_normals(noise_key(), s.slot.trial, q, t);
  }
  let allowed = state_u32x4(at + params.st_next);
  let v = state_f32x4(at + params.st_v);
  let ff = feedforward4(i, s.drive, s.current);
  // Four calls with constant components: a loop over c would index the vectors dynamically.
  let a = step_core(i, t, s, v.x, allowed.x, ff.x, g.x, self_w.x, run.x, xi.x);
  let b = step_core(i + 1u, t, s, v.y, allowed.y, ff.y, g.y, self_w.y, run.y, xi.y);
  let c = step_core(i + 2u, t, s, v.z, allowed.z, ff.z, g.z, self_w.z, run.z, xi.z);
  let d = step_core(i + 3u, t, s, v.w, allowed.w, ff.w, g.w, self_w.w, run.w, xi.w);
  let fired = vec4<bool>(a.fired, b.fired, c.fired, d.fired);
  set_state_f32x4(at + params.st_v, vec4<f32>(a.v, b.v, c.v, d.v));
  // nextAllowed and spikeCount change only around a spike (as in update_neuron): a quad with none
  // now and none at t − 1 neither reads nor writes them.
  let next_allowed = vec4<u32>(a.allowed, b.allowed, c.allowed, d.allowed);
  if (any(next_allowed != allowed)) {
    set_state_u32x4(at + params.st_next, next_allowed);
  }
  if (any(fired)) {
    let count = state_u32x4(at + params.st_count);
    set_state_u32x4(at + params.st_count, count + select(vec4<u32>(0u), vec4<u32>(1u), fired));
  }
  let trace = vec4<f32>(
    exponential_trace(pop, g_exp.x, a.fired),
    exponential_trace(pop, g_exp.y, b.fired),
    exponential_trace(pop, g_exp.z, c.fired),
    exponential_trace(pop, g_exp.w, d.fired),
  );
  set_state_f32x4(at + params.st_gexp, trace);
  let ghat = params.dt * trace;
  if (OWN_CHANNELS > 4u * HELD_GROUPS) {
    set_state_f32x4(at + params.st_ghat, ghat);
  }
  return UpdatedQuad(ghat, fired);
}

/** Σ of a vec4's components in a fixed order. */
fn sum_components(x: vec4<f32>) -> f32 {
  return (x.x + x.y) + (x.z + x.w);
}

/**
 * The vector path's projection: for the `used` slots of k, Σ_c proj[k][i + c]·ĝ_{i+c} over the
 * quad at i (one vec4 load of decoders per slot).
 */
fn project_quad(k: vec4<u32>, used: u32, i: u32, ghat: vec4<f32>) -> vec4<f32> {
  let at = params.off_proj + i;
  var sum = vec4<f32>(0.0);
  if (used > 0u) {
    sum.x = sum_components(const_f32x4(at + k.x * params.stride) * ghat);
  }
  if (used > 1u) {
    sum.y = sum_components(const_f32x4(at + k.y * params.stride) * ghat);
  }
  if (used > 2u) {
    sum.z = sum_components(const_f32x4(at + k.z * params.stride) * ghat);
  }
  if (used > 3u) {
    sum.w = sum_components(const_f32x4(at + k.w * params.stride) * ghat);
  }
  return sum;
}

/**
 * How the vector path covers a workgroup's neurons [begin, stop): whole quads first … end − 1
 * (lane j takes quads first + j + m·WORKGROUP_SIZE), and up to six edge neurons outside them (the
 * partial quads at a population's ends), edge e < edges taken by lane e through update_neuron:
 * e < head is neuron begin + e, the others tail + (e − head).
 */
struct QuadCover {
  first: u32,
  end: u32,
  head: u32,
  tail: u32,
  edges: u32,
}

fn quad_cover(begin: u32, stop: u32) -> QuadCover {
  let first = (begin + 3u) / 4u;
  let end = max(first, stop / 4u);
  let head_end = min(4u * first, stop);
  // Past stop only when the range holds no whole quad (then every neuron is in the head).
  let tail = max(min(4u * end, stop), head_end);
  return QuadCover(first, end, head_end - begin, tail, (head_end - begin) + (stop - tail));
}

fn edge_neuron(cover: QuadCover, begin: u32, e: u32) -> u32 {
  return select(cover.tail + (e - cover.head), begin + e, e < cover.head);
}

var<workgroup> wg_events: atomic<u32>;
var<workgroup> wg_event_base: u32;

/** Writes event (t, i) at slot `at` of trial b's region if it has room (the host reports overflow). */
fn write_event(region: u32, at: u32, t: u32, i: u32) {
  if (at < params.event_capacity) {
    events[region + at] = vec2<u32>(t, i);
  }
}

/**
 * Spike events of this step, compacted per workgroup: each lane reserves room for its `fired`
 * spikes in a workgroup counter, lane 0 reserves the workgroup's total in control[b].events with
 * one atomicAdd, and each lane writes (t, i) for its spiking neurons (SPIKED_BIT), the same ones it
 * updated, from its offset on, into trial b's event_capacity slots. Slots at or past
 * event_capacity are counted but not written (the host reports the overflow). The order of events
 * within a step is the atomics' (the host sorts them).
 */
fn record_events(slot: BatchSlot, lane: u32, begin: u32, stop: u32, t: u32, fired: u32) {
  var at = atomicAdd(&wg_events, fired);
  workgroupBarrier();
  if (lane == 0u) {
    wg_event_base = atomicAdd(&control[slot.batch].events, atomicLoad(&wg_events));
  }
  at = at + workgroupUniformLoad(&wg_event_base);
  let region = slot.batch * params.event_capacity;
  let next = slot.state_base + params.st_next;
  if (QUADS) {
    let cover = quad_cover(begin, stop);
    for (var m = 0u; m < NEURONS_PER_INVOCATION / 4u; m++) {
      let q = cover.first + lane + m * WORKGROUP_SIZE;
      if (q < cover.end) {
        let spiked = (state_u32x4(next + 4u * q) & vec4<u32>(SPIKED_BIT)) != vec4<u32>(0u);
        for (var c = 0u; c < 4u; c++) {
          if (spiked[c]) {
            write_event(region, at, t, 4u * q + c);
            at = at + 1u;
          }
        }
      }
    }
    if (lane < cover.edges) {
      let i = edge_neuron(cover, begin, lane);
      if ((state_u32(next + i) & SPIKED_BIT) != 0u) {
        write_event(region, at, t, i);
      }
    }
    return;
  }
  for (var m = 0u; m < NEURONS_PER_INVOCATION; m++) {
    let i = begin + lane + m * WORKGROUP_SIZE;
    if (i < stop && (state_u32(next + i) & SPIKED_BIT) != 0u) {
      write_event(region, at, t, i);
      at = at + 1u;
    }
  }
}

/**
 * Neurons [begin, stop) of workgroup `local` of population `pop` (gpuNetwork.ts's workgroupRanges):
 * spans of `span` neurons counted from the multiple of 4 at or below its start.
 */
fn workgroup_range(pop: Population, local: u32, span: u32) -> vec2<u32> {
  let base = pop.start & ~3u;
  return vec2<u32>(max(pop.start, base + local * span), min(pop.start + pop.size, base + (local + 1u) * span));
}

/** stepAll's workgroups over population `pop` (workgroup_range's count). */
fn population_workgroups(pop: Population, span: u32) -> u32 {
  return select(0u, (pop.start + pop.size - (pop.start & ~3u) + span - 1u) / span, pop.size > 0u);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) grid: vec3<u32>,
) {
  let row = dispatch_workgroup(wid, grid);
  if (row >= slice.end_workgroup) {
    return;
  }
  let slot = batch_slot(row);
  let span = WORKGROUP_SIZE * NEURONS_PER_INVOCATION;
  // This workgroup's population and its place in it (the host's allWorkgroups, in reverse).
  var index = 0u;
  var local = slot.workgroup;
  for (; index + 1u < params.p; index++) {
    let count = population_workgroups(params.pops[index], span);
    if (local < count) {
      break;
    }
    local = local - count;
  }
  let pop = params.pops[index];
  let t = control[slot.batch].t;
  let drive = drive_at(index, t);
  var s = Shared(slot, pop, drive, drive_current(drive), 0.0, 0u);
  if (SHARED_ENCODERS) {
    s.net = encoder_sum(pop.start, slot.latent_base);
  }
  let range = workgroup_range(pop, local, span);
  let begin = range.x;
  let stop = range.y;
  if (ENCODER_RUNS) {
    s.first_run = share_encoder_runs(lid.x, begin, stop, slot.latent_base);
  }
  let order = params.off_own + slot.workgroup * CHANNELS;
  var k: array<vec4<u32>, HELD_GROUPS>;
  var acc: array<vec4<f32>, HELD_GROUPS>; // zeros; lanes and neurons past the last add nothing
  for (var g = 0u; g < HELD; g++) {
    k[g] = slot_channels(order, 4u * g, OWN_CHANNELS);
  }
  var fired = 0u;
  if (QUADS) {
    let cover = quad_cover(begin, stop);
    for (var m = 0u; m < NEURONS_PER_INVOCATION / 4u; m++) {
      let q = cover.first + lid.x + m * WORKGROUP_SIZE;
      if (q < cover.end) {
        let u = update_quad(q, t, s);
        for (var g = 0u; g < HELD; g++) {
          acc[g] = acc[g] + project_quad(k[g], held_slots(g), 4u * q, u.ghat);
        }
        fired = fired + dot(select(vec4<u32>(0u), vec4<u32>(1u), u.fired), vec4<u32>(1u));
      }
    }
    // Edge neurons exist only in a population's first and last workgroups.
    if (lid.x < cover.edges) {
      let i = edge_neuron(cover, begin, lid.x);
      let u = update_neuron(i, t, s);
      for (var g = 0u; g < HELD; g++) {
        acc[g] = acc[g] + proj4(k[g], held_slots(g), i) * u.ghat;
      }
      fired = fired + select(0u, 1u, u.fired);
    }
  } else {
    for (var m = 0u; m < NEURONS_PER_INVOCATION; m++) {
      let i = begin + lid.x + m * WORKGROUP_SIZE;
      if (i < stop) {
        let u = update_neuron(i, t, s);
        for (var g = 0u; g < HELD; g++) {
          acc[g] = acc[g] + proj4(k[g], held_slots(g), i) * u.ghat;
        }
        fired = fired + select(0u, 1u, u.fired);
      }
    }
  }
  for (var g = 0u; g < HELD; g++) {
    store_partials4(lid.x, slot.row, k[g], held_slots(g), acc[g], CHANNELS);
  }
  if (QUADS && OWN_CHANNELS > 4u * HELD_GROUPS) {
    // project_rest reads ĝ in the scalar path's lanes, written above by the vector path's.
    storageBarrier();
  }
  project_rest(
    lid.x,
    slot.row,
    begin + lid.x,
    NEURONS_PER_INVOCATION,
    stop,
    slot.state_base + params.st_ghat,
    order,
    4u * HELD_GROUPS,
    OWN_CHANNELS,
    CHANNELS,
  );
  if (lid.x == 0u) {
    // The other channels' decoders are zero on this population: their partial sums are +0.
    for (var c = OWN_CHANNELS; c < CHANNELS; c++) {
      partials[slot.row * CHANNELS + const_u32(order + c)] = 0u;
    }
  }
  if (RECORD_SPIKES) {
    record_events(slot, lid.x, begin, stop, t, fired);
  }
}
