// stepAll.wgsl: one step t of the spiking model under the `all` spike rule (pulse and exponential
// synapses), MODEL.md §3 phases 1–4 and §6, for every trial of a batch at once. Followed by
// latents.wgsl, which finishes the step.
//
// One invocation = NEURONS_PER_INVOCATION neurons i = first + m·WORKGROUP_SIZE (m = 0, 1, …; global
// index, populations concatenated; adjacent lanes touch adjacent neurons) of one trial b of the
// batch (its state at state[b·trial_words …], u at latent[b·2K …], noise trial params.trial + b,
// step t = control[b].t), each:
//   1. command input c and I_ext of its population at t (precomputed on the host: consts.drive)
//   2. R_i = Σ_l e_{i,l}·u_l − ownSyn_i·ĝ_i + fastSelf_i·s_i[t−1]   (u from the previous step)
//      (recurrence off: selfW_i·ĝ_i in place of the encoder sum)
//   3. V ← V + λdt·((−V + F·c + b + I_ext) + R/(λdt)) + noise_scale·ξ(seed, trial, i, t)
//   4. spike if V ≥ 1 and t ≥ nextAllowed (then nextAllowed = t + wait), then the synaptic trace:
//      pulse: pulses opened at t − pwsteps close, ĝ = open·(1/pwsteps); exponential: ĝ = dt·g
// The invocation sums proj[k][i]·ĝ_i[t] over its neurons in m order, then the workgroup adds the
// lanes' sums in a fixed tree, four channels k per tree (reduce.wgsl: latent channels, then
// report-only readouts), and writes the f32 bits to partials[b][workgroup][k]: deterministic, no
// float atomics. With spikes recorded, the workgroup compacts its events into trial b's region of
// `events` with one atomicAdd on control[b].events (record_events).
// Phases 1–3 are model.wgsl's, shared with the other rules' kernels; the operation order mirrors
// the CPU engine's f32 mode (src/engine/cpu/spikingTrial.ts). A trial's arithmetic does not depend
// on the batch it runs in, so a batched trial gives the bits it gives alone.
//
// Dispatch: trials × ⌈N / (WORKGROUP_SIZE·NEURONS_PER_INVOCATION)⌉ workgroups (trial-major, see
// model.wgsl's batch_slot) in slices, each slice's first workgroup in `slice` (software adapters
// abort on very large dispatches). WORKGROUP_SIZE (override, a power of two) is chosen by the host
// within the device's limits: 256 fills a workgroup on every adapter seen; the tree takes 9
// barriers per four channels. NEURONS_PER_INVOCATION (override) is 1 on GPUs (most parallelism)
// and more on software adapters, where every barrier costs a coroutine switch per SIMD group and
// per workgroup (pipelines.ts): fewer, fuller workgroups cut the barriers per step by that factor.
// Batching trials multiplies the workgroups of a dispatch, which fills a GPU (or the cores behind
// a software adapter) that one trial of a small network would leave idle, and shares each
// dispatch's fixed cost among the trials.
// Bindings: bindings.wgsl (all of group 0, 1, 2). Includes model.wgsl, reduce.wgsl, philox.wgsl
// (and spikes.wgsl, unused here).
// consts and state are read through wholeArrays.wgsl or splitArrays.wgsl (pipelines.ts).

override WORKGROUP_SIZE: u32 = 256u;
/** Neurons per invocation (override): the host's choice, see the header. */
override NEURONS_PER_INVOCATION: u32 = 1u;

/** Pulse history bit for step s of neuron i of the trial whose state starts at `base`. */
fn pulse_bit_index(base: u32, i: u32, s: u32) -> vec2<u32> {
  let slot = s % params.history;
  return vec2<u32>(base + params.st_bits + i * params.pulse_words + slot / 32u, 1u << (slot % 32u));
}

struct Updated {
  ghat: f32,
  fired: bool,
}

/** Updates neuron i of trial `slot` for step t; returns ĝ_i[t] and whether it fired. */
fn update_neuron(slot: BatchSlot, i: u32, t: u32) -> Updated {
  let base = slot.state_base;
  let pop_index = const_u32(params.off_pop + i);
  let pop = params.pops[pop_index];
  let g = state_f32(base + params.st_ghat + i);
  let r = recurrent_drive(i, pop_index, g, state_u32(base + params.st_spiked + i) != 0u, slot.latent_base);
  let v = state_f32(base + params.st_v + i);
  let next = next_voltage(i, pop_index, t, slot.trial, v, feedforward(i, pop_index, t), r);
  set_state_f32(base + params.st_v + i, next);

  let fired = next >= 1.0 && t >= state_u32(base + params.st_next + i);
  set_state_u32(base + params.st_spiked + i, select(0u, 1u, fired));
  if (fired) {
    set_state_u32(base + params.st_next + i, t + pop.wait_steps);
    set_state_u32(base + params.st_count + i, state_u32(base + params.st_count + i) + 1u);
  }

  var ghat: f32;
  if (pop.synapse_kind == 1u) {
    var open = state_u32(base + params.st_pulse_open + i);
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
    let g_exp = state_f32(base + params.st_gexp + i);
    let decayed = g_exp - pop.decay_dt * g_exp;
    let updated = select(decayed, decayed + pop.rate, fired);
    set_state_f32(base + params.st_gexp + i, updated);
    ghat = params.dt * updated;
  }
  set_state_f32(base + params.st_ghat + i, ghat);
  return Updated(ghat, fired);
}

var<workgroup> wg_events: atomic<u32>;
var<workgroup> wg_event_base: u32;

/**
 * Spike events of this step, compacted per workgroup: each lane reserves room for its `fired`
 * spikes in a workgroup counter, lane 0 reserves the workgroup's total in control[b].events with
 * one atomicAdd, and each lane writes (t, i) for its spiking neurons (st_spiked) from its offset
 * on, into trial b's event_capacity slots. Slots at or past event_capacity are counted but not
 * written (the host reports the overflow). The order of events within a step is the atomics' (the
 * host sorts them).
 */
fn record_events(slot: BatchSlot, lane: u32, first: u32, t: u32, fired: u32) {
  var at = atomicAdd(&wg_events, fired);
  workgroupBarrier();
  if (lane == 0u) {
    wg_event_base = atomicAdd(&control[slot.batch].events, atomicLoad(&wg_events));
  }
  at = at + workgroupUniformLoad(&wg_event_base);
  let region = slot.batch * params.event_capacity;
  for (var m = 0u; m < NEURONS_PER_INVOCATION; m++) {
    let i = first + m * WORKGROUP_SIZE;
    if (i < params.n && state_u32(slot.state_base + params.st_spiked + i) != 0u) {
      if (at < params.event_capacity) {
        events[region + at] = vec2<u32>(t, i);
      }
      at = at + 1u;
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(workgroup_id) wid: vec3<u32>,
) {
  let slot = batch_slot(wid.x);
  let first = slot.workgroup * WORKGROUP_SIZE * NEURONS_PER_INVOCATION + lid.x;
  let t = control[slot.batch].t;
  var acc = vec4<f32>(0.0); // channels 0 … 3; lanes and neurons past the last add nothing
  var fired = 0u;
  for (var m = 0u; m < NEURONS_PER_INVOCATION; m++) {
    let i = first + m * WORKGROUP_SIZE;
    if (i < params.n) {
      let u = update_neuron(slot, i, t);
      acc = acc + proj4(0u, i) * u.ghat;
      fired = fired + select(0u, 1u, u.fired);
    }
  }
  store_partials4(lid.x, slot.row, 0u, acc);
  project_rest(lid.x, slot.row, first, NEURONS_PER_INVOCATION, slot.state_base + params.st_ghat);
  if (params.record_spikes != 0u) {
    record_events(slot, lid.x, first, t, fired);
  }
}
