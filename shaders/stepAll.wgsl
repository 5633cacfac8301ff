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
// report-only readouts) in a fixed tree order, and writes partials[workgroup][k]: deterministic, no
// float atomics.
// The operation order mirrors the CPU engine's f32 mode (src/engine/cpu/spikingTrial.ts).
//
// Dispatch: ⌈N / WORKGROUP_SIZE⌉ workgroups. WORKGROUP_SIZE (override, a power of two) is chosen by
// the host within the device's limits: 256 fills a workgroup on every adapter seen and keeps the
// tree reduction at 8 barriers per channel.
// Bindings: bindings.wgsl (all of group 0, 1, 2). Noise: philox.wgsl.

override WORKGROUP_SIZE: u32 = 256u;

var<workgroup> scratch: array<f32, WORKGROUP_SIZE>;

/** Pulse history bit for step s of neuron i (ring of params.history steps). */
fn pulse_bit_index(i: u32, s: u32) -> vec2<u32> {
  let slot = s % params.history;
  return vec2<u32>(params.st_bits + i * params.pulse_words + slot / 32u, 1u << (slot % 32u));
}

/** Updates neuron i for step t; returns ĝ_i[t]. */
fn update_neuron(i: u32, t: u32) -> f32 {
  let pop_index = consts[params.off_pop + i];
  let pop = params.pops[pop_index];
  let dtl = pop.dt_leak;
  let drive = params.off_drive + (t * params.p + pop_index) * (params.j + 1u);

  var ff = 0.0;
  for (var j = 0u; j < params.j; j++) {
    ff = ff + const_f32(params.off_f + i * params.j + j) * const_f32(drive + j);
  }
  ff = (ff + const_f32(params.off_bias + i)) + const_f32(drive + params.j);

  let g = state_f32(params.st_ghat + i);
  var net = 0.0;
  if (pop.recurrence != 0u) {
    for (var l = 0u; l < params.l; l++) {
      net = net + const_f32(params.off_enc + i * params.l + l) * latent[l];
    }
  } else {
    net = const_f32(params.off_self_w + i) * g;
  }
  var fast = 0.0;
  if (state[params.st_spiked + i] != 0u) {
    fast = const_f32(params.off_fast_self + i);
  }
  let r = (net - const_f32(params.off_own_syn + i) * g) + fast;

  let v = state_f32(params.st_v + i);
  var next = v + dtl * ((-v + ff) + r / dtl);
  if (pop.noisy != 0u) {
    let key = vec2<u32>(params.seed_lo, params.seed_hi);
    next = next + pop.noise_scale * philox_standard_normal(key, params.trial, i, t);
  }
  set_state_f32(params.st_v + i, next);

  let fired = next >= 1.0 && t >= state[params.st_next + i];
  state[params.st_spiked + i] = select(0u, 1u, fired);
  if (fired) {
    state[params.st_next + i] = t + pop.wait_steps;
    state[params.st_count + i] = state[params.st_count + i] + 1u;
    let slot = atomicAdd(&control.events, 1u);
    if (slot < params.event_capacity) {
      events[slot] = vec2<u32>(t, i);
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
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(workgroup_id) wid: vec3<u32>,
) {
  let i = gid.x;
  let t = control.t;
  var ghat = 0.0; // zero past the last neuron
  if (i < params.n) {
    ghat = update_neuron(i, t);
  }
  // Every invocation takes part in the reductions (barriers must be reached uniformly).
  for (var k = 0u; k < params.k; k++) {
    var term = 0.0;
    if (i < params.n) {
      term = const_f32(params.off_proj + k * params.n + i) * ghat;
    }
    scratch[lid.x] = term;
    workgroupBarrier();
    for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
      if (lid.x < stride) {
        scratch[lid.x] = scratch[lid.x] + scratch[lid.x + stride];
      }
      workgroupBarrier();
    }
    if (lid.x == 0u) {
      partials[wid.x * params.k + k] = scratch[0];
    }
    workgroupBarrier();
  }
}
