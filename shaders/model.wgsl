// model.wgsl: shared functions (no entry point), appended after every kernel, so the model's
// arithmetic is written once for the per-step kernels (stepAll, stepDelta, stepRate, selectOne,
// spikeSequential, latents) and the small-network kernel. Every expression keeps the operation
// order of the CPU engine's f32 mode (src/engine/cpu/spikingTrial.ts, rateTrial.ts), so both round
// alike. A trial's state section starts at word `base` of `state` and its latents (s[K], y[K]) at
// `latent_base` of `latent` (both 0 for the first trial of a batch). A population is passed by index
// (`pop`, into params.pops) and only the fields used are read. Needs bindings.wgsl and philox.wgsl.

/**
 * Where a workgroup of a per-step projecting kernel (stepAll, stepRate) works. Their dispatches run
 * every trial of a batch, trial-major: workgroup g (bindings.wgsl's dispatch_workgroup) is
 * workgroup w = g mod params.workgroups of the batch's trial b = ⌊g / params.workgroups⌋, and
 * writes row g of partials ([trials][workgroups][K]). b is uniform in the workgroup.
 */
struct BatchSlot {
  row: u32,         // g
  batch: u32,       // b, the trial's index within the batch (control[b], its event region)
  workgroup: u32,   // w
  trial: u32,       // params.trial + b, the trial's index in the run (the noise's counter)
  state_base: u32,  // b·trial_words
  latent_base: u32, // b·2K
}

fn batch_slot(g: u32) -> BatchSlot {
  let b = g / params.workgroups;
  return BatchSlot(g, b, g - b * params.workgroups, params.trial + b, b * params.trial_words, b * 2u * params.k);
}

/** Word offset of drive[t][pop] in consts: c[t] (x[t−1] for the rate model), then I_ext[t−1]. */
fn drive_at(pop: u32, t: u32) -> u32 {
  return params.off_drive + (t * params.p + pop) * (params.j + 1u);
}

/** I_ext[t−1] of the population whose drive is at `drive` (it follows c[t]). */
fn drive_current(drive: u32) -> f32 {
  return const_f32(drive + params.j);
}

/**
 * MODEL.md §3 phases 1 and 3: F_i·c[t] + b_i + I_ext,i[t−1], with the population's drive at `drive`
 * and its I_ext passed in (a population-uniform caller reads it once for all its neurons).
 */
fn feedforward(i: u32, drive: u32, current: f32) -> f32 {
  var ff = 0.0;
  for (var j = 0u; j < params.j; j++) {
    ff = ff + const_f32(params.off_f + j * params.stride + i) * const_f32(drive + j);
  }
  return (ff + const_f32(params.off_bias + i)) + current;
}

/**
 * feedforward of neurons i … i + 3 (i a multiple of 4) from vec4 loads: the same operations in the
 * same order, component by component, so the same bits (stepAll.wgsl's vector path).
 */
fn feedforward4(i: u32, drive: u32, current: f32) -> vec4<f32> {
  var ff = vec4<f32>(0.0);
  for (var j = 0u; j < params.j; j++) {
    ff = ff + const_f32x4(params.off_f + j * params.stride + i) * const_f32(drive + j);
  }
  return (ff + const_f32x4(params.off_bias + i)) + current;
}

/** Σ_l e_{i,l}·u_l with u = latent[u_base …]: the encoder row of neuron i against the latents. */
fn encoder_sum(i: u32, u_base: u32) -> f32 {
  var net = 0.0;
  for (var l = 0u; l < params.l; l++) {
    net = net + const_f32(params.off_enc + i * params.l + l) * latent[u_base + l];
  }
  return net;
}

/**
 * Σ_l e_{i,l}·u_l, or w_self·g when the population has no recurrence (the spiking drive's synaptic
 * part, and the rate model's W·r).
 */
fn encoded_input(i: u32, pop: u32, g: f32, u_base: u32) -> f32 {
  if (params.pops[pop].recurrence == 0u) {
    return const_f32(params.off_self_w + i) * g;
  }
  return encoder_sum(i, u_base);
}

/** ownSyn_i (MODEL.md §3): w_self,i when the population's self-reset is fast, else 0. */
fn own_synapse(i: u32, pop: u32) -> f32 {
  return select(0.0, const_f32(params.off_self_w + i), params.pops[pop].fast_reset != 0u);
}

/**
 * MODEL.md §3 phase 2: R_i = (net − ownSyn_i·ĝ_i) + fastSelf_i·s_i[t−1] with fastSelf_i = ownSyn_i − μ
 * and net = encoded_input (computed here, not stored per neuron: the CPU engine's f32 rounding).
 */
fn recurrent_drive(net: f32, own_syn: f32, mu: f32, g: f32, spiked: bool) -> f32 {
  return (net - own_syn * g) + select(0.0, own_syn - mu, spiked);
}

/** MODEL.md §3 phase 3 without the noise, in the reference's rounding: V + λdt·((−V + ff) + R/λdt). */
fn integrate_voltage(dtl: f32, v: f32, ff: f32, r: f32) -> f32 {
  return v + dtl * ((-v + ff) + r / dtl);
}

/** The Philox key of the run's noise: (seed mod 2^32, floor(seed / 2^32)). */
fn noise_key() -> vec2<u32> {
  return vec2<u32>(params.seed_lo, params.seed_hi);
}

/** The voltage noise of neuron i at step t: noise_scale·ξ(seed, trial, i, t) (philox.wgsl). */
fn voltage_noise(scale: f32, i: u32, t: u32, trial: u32) -> f32 {
  return scale * philox_standard_normal(noise_key(), trial, i, t);
}

/** MODEL.md §3 phase 3 with the noise of the population, when it has any. */
fn next_voltage(i: u32, pop: u32, t: u32, trial: u32, v: f32, ff: f32, r: f32) -> f32 {
  var next = integrate_voltage(params.pops[pop].dt_leak, v, ff, r);
  if (params.pops[pop].noisy != 0u) {
    next = next + voltage_noise(params.pops[pop].noise_scale, i, t, trial);
  }
  return next;
}

/**
 * MODEL.md §8: V ← V + λdt·((−V + F·x[t−1] + W·r[t−1]) + I_ext[t−1]); `drive` holds x[t−1] here.
 * `r` is the neuron's own rate (used without recurrence), u = D·r[t−1] at latent[u_base …].
 */
fn next_rate_voltage(i: u32, pop: u32, t: u32, v: f32, r: f32, u_base: u32) -> f32 {
  let drive = drive_at(pop, t);
  var d = 0.0;
  for (var j = 0u; j < params.j; j++) {
    d = d + const_f32(params.off_f + j * params.stride + i) * const_f32(drive + j);
  }
  d = d + encoded_input(i, pop, r, u_base);
  return v + params.pops[pop].dt_leak * ((-v + d) + drive_current(drive));
}

/** MODEL.md §8: r = 1/(1 + exp(−β·(V − T))); T is stored where spiking networks keep b. */
fn rate_of(i: u32, v: f32) -> f32 {
  return 1.0 / (1.0 + exp(-params.beta * (v - const_f32(params.off_bias + i))));
}

/**
 * Phases 1–3 of step t for neuron i under a delta rule (MODEL.md §3): R from u and the previous
 * step's spike under `one-per-step`, R = 0 under `sequential` (its kicks were applied within the
 * step). Stores V and clears s_i[t−1] and ĝ_i (the spike phase marks this step's); returns V.
 */
fn integrate_delta(i: u32, base: u32, latent_base: u32, t: u32, trial: u32) -> f32 {
  let pop = const_u32(params.off_pop + i);
  var r = 0.0;
  if (params.rule == RULE_ONE_PER_STEP) {
    let g = state_f32(base + params.st_ghat + i);
    let spiked = state_u32(base + params.st_spiked + i) != 0u;
    let net = encoded_input(i, pop, g, latent_base);
    r = recurrent_drive(net, own_synapse(i, pop), params.pops[pop].mu, g, spiked);
  }
  let drive = drive_at(pop, t);
  let ff = feedforward(i, drive, drive_current(drive));
  let v = next_voltage(i, pop, t, trial, state_f32(base + params.st_v + i), ff, r);
  set_state_f32(base + params.st_v + i, v);
  set_state_u32(base + params.st_spiked + i, 0u);
  set_state_f32(base + params.st_ghat + i, 0.0);
  return v;
}

/** MODEL.md §8, one step of neuron i of the rate model: stores V and r (in ĝ's place); returns r. */
fn integrate_rate(i: u32, base: u32, latent_base: u32, t: u32) -> f32 {
  let pop = const_u32(params.off_pop + i);
  let r = state_f32(base + params.st_ghat + i);
  let v = next_rate_voltage(i, pop, t, state_f32(base + params.st_v + i), r, latent_base);
  set_state_f32(base + params.st_v + i, v);
  let rate = rate_of(i, v);
  set_state_f32(base + params.st_ghat + i, rate);
  return rate;
}

/** MODEL.md §5 (sequential): W_ik = Σ_l e_{i,l}·d_{l,k}, the column of spiking neuron k. */
fn column_weight(i: u32, k: u32) -> f32 {
  // proj[l][k] is 0 where k is not in channel l's source: adding e·0 leaves w as the CPU's sum.
  var w = 0.0;
  for (var l = 0u; l < params.l; l++) {
    w = w + const_f32(params.off_enc + i * params.l + l) * const_f32(params.off_proj + l * params.stride + k);
  }
  return w;
}

/** A spike candidate (MODEL.md §5): priority class rank, V − 1, global neuron index. */
struct Candidate {
  rank: u32,
  excess: f32,
  index: u32,
}

const NO_RANK: u32 = 0xffffffffu;

fn no_candidate() -> Candidate {
  return Candidate(NO_RANK, 0.0, 0u);
}

/** Neuron i as a candidate when it may spike and V ≥ 1, else no candidate. */
fn candidate(i: u32, v: f32, eligible: bool) -> Candidate {
  if (eligible && v >= 1.0) {
    return Candidate(params.pops[const_u32(params.off_pop + i)].class_rank, v - 1.0, i);
  }
  return no_candidate();
}

/**
 * The CPU engine's selectCandidate as a total order: lower priority class first, then larger
 * V − 1, then lower index. Being total, any reduction tree picks the same winner.
 */
fn better(a: Candidate, b: Candidate) -> bool {
  if (a.rank != b.rank) {
    return a.rank < b.rank;
  }
  if (a.excess != b.excess) {
    return a.excess > b.excess;
  }
  return a.index < b.index;
}

/**
 * MODEL.md §6, the end of step t for trial b of the batch (one invocation calls it): with the
 * step's s_k = Σ_i proj[k][i]·ĝ_i at latent[b·2K + k], y_k ← e^{−λ_r·dt}·y_k + s_k (readout_decay
 * is 0 for the rate model: y = D·r, unfiltered), recorded when t is on the grid, in the trial's
 * ring of record_window rows (the host pulls each row before the ring comes round to it).
 */
fn finish_readout(b: u32, t: u32) {
  let latent_base = b * 2u * params.k;
  let record_base = b * params.record_window * params.k;
  let record = params.record_latents != 0u && t % params.every == 0u;
  for (var k = 0u; k < params.k; k++) {
    let at = latent_base + params.k + k;
    let y = params.readout_decay * latent[at] + latent[latent_base + k];
    latent[at] = y;
    if (record) {
      latentRecord[record_base + ((t / params.every) % params.record_window) * params.k + k] = y;
    }
  }
}
