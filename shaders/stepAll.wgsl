// stepAll.wgsl: one step t of the spiking model under the `all` spike rule (pulse and exponential
// synapses), MODEL.md §3 phases 1–4 and §6. Followed by latents.wgsl, which finishes the step.
//
// One invocation = one neuron i (global index, populations concatenated):
//   1. command input c and I_ext of its population at t (precomputed on the host: consts.drive)
//   2. R_i = Σ_l e_{i,l}·u_l − ownSyn_i·ĝ_i + fastSelf_i·s_i[t−1]   (u from the previous step)
//      (recurrence off: selfW_i·ĝ_i in place of the encoder sum)
//   3. V ← V + λdt·((−V + F·c + b + I_ext) + R/(λdt)) + noise_scale·ξ(seed, trial, i, t)
//   4. spike if V ≥ 1 and t ≥ nextAllowed (then nextAllowed = t + wait), then the synaptic trace:
//      pulse: pulses opened at t − pwsteps close, ĝ = open·(1/pwsteps); exponential: ĝ = dt·g
// Then the workgroup sums proj[k][i]·ĝ_i[t] over its neurons for every k < K (latent channels, then
// report-only readouts) in a fixed tree order (reduce.wgsl), and writes the f32 bits to
// partials[workgroup][k]: deterministic, no float atomics.
// Phases 1–3 are model.wgsl's, shared with the other rules' kernels; the operation order mirrors
// the CPU engine's f32 mode (src/engine/cpu/spikingTrial.ts).
//
// Dispatch: ⌈N / WORKGROUP_SIZE⌉ workgroups in slices of at most 256 workgroups, each slice's
// first workgroup in `slice` (software adapters abort on very large dispatches). WORKGROUP_SIZE
// (override, a power of two) is chosen by the host within the device's limits: 256 fills a
// workgroup on every adapter seen and keeps the tree reduction at 8 barriers per channel.
// Bindings: bindings.wgsl (all of group 0, 1, 2). Includes model.wgsl, reduce.wgsl, philox.wgsl
// (and spikes.wgsl, unused here).

override WORKGROUP_SIZE: u32 = 256u;

/** Pulse history bit for step s of neuron i (ring of params.history steps). */
fn pulse_bit_index(i: u32, s: u32) -> vec2<u32> {
  let slot = s % params.history;
  return vec2<u32>(params.st_bits + i * params.pulse_words + slot / 32u, 1u << (slot % 32u));
}

/** Updates neuron i for step t; returns ĝ_i[t]. */
fn update_neuron(i: u32, t: u32) -> f32 {
  let pop_index = consts[params.off_pop + i];
  let pop = params.pops[pop_index];
  let g = state_f32(params.st_ghat + i);
  let r = recurrent_drive(i, pop_index, g, state[params.st_spiked + i] != 0u, 0u);
  let v = state_f32(params.st_v + i);
  let next = next_voltage(i, pop_index, t, params.trial, v, feedforward(i, pop_index, t), r);
  set_state_f32(params.st_v + i, next);

  let fired = next >= 1.0 && t >= state[params.st_next + i];
  state[params.st_spiked + i] = select(0u, 1u, fired);
  if (fired) {
    state[params.st_next + i] = t + pop.wait_steps;
    state[params.st_count + i] = state[params.st_count + i] + 1u;
    if (params.record_spikes != 0u) {
      let slot = atomicAdd(&control.events, 1u);
      if (slot < params.event_capacity) {
        events[slot] = vec2<u32>(t, i);
      }
    }
  }

  var ghat: f32;
  if (pop.synapse_kind == 1u) {
    var open = state[params.st_pulse_open + i];
    if (t >= pop.pulse_steps + 1u) {
      // The pulse opened at t − pwsteps covered samples t − pwsteps … t − 1: it closes now.
      let old = pulse_bit_index(i, t - pop.pulse_steps);
      if ((state[old.x] & old.y) != 0u) {
        open = open - 1u;
      }
    }
    let now = pulse_bit_index(i, t);
    if (fired) {
      state[now.x] = state[now.x] | now.y;
      open = open + 1u;
    } else {
      state[now.x] = state[now.x] & ~now.y;
    }
    state[params.st_pulse_open + i] = open;
    ghat = f32(open) * pop.inv_pulse;
  } else {
    let g_exp = state_f32(params.st_gexp + i);
    let decayed = g_exp - pop.decay_dt * g_exp;
    let updated = select(decayed, decayed + pop.rate, fired);
    set_state_f32(params.st_gexp + i, updated);
    ghat = params.dt * updated;
  }
  set_state_f32(params.st_ghat + i, ghat);
  return ghat;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(workgroup_id) wid: vec3<u32>,
) {
  let w = slice.first_workgroup + wid.x;
  let i = w * WORKGROUP_SIZE + lid.x;
  let t = control.t;
  var ghat = 0.0; // zero past the last neuron
  if (i < params.n) {
    ghat = update_neuron(i, t);
  }
  project_partials(lid.x, w, i, ghat);
}
