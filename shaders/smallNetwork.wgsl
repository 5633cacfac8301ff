// smallNetwork.wgsl: many steps of many trials in one dispatch, for networks that fit one
// workgroup (N ≤ the per-step kernels' workgroup size: the paper's 2–101 neurons). Rules:
// `one-per-step` and `sequential` (delta synapses, MODEL.md §3, §5, §6) and the rate model (§8).
// The per-step kernels (stepDelta + selectOne / spikeSequential, stepRate + latents) do the same
// one step per dispatch pair for any N.
//
// One workgroup = one trial b of the batch (bindings.wgsl's dispatch_workgroup; noise trial
// index params.trial + b), its state at state[b·trial_words …], its s[K], y[K] at latent[b·2K …],
// its step counter and event count in control[b], its events in events[b·event_capacity …].
// Lane q owns neurons q, q + WORKGROUP_SIZE, … Per step t, until t = params.s (S, or where a
// closed-loop run's input given so far ends, batchRunner.ts), steps_per_dispatch steps,
// or the trial's event slots could overflow within the step (the host then runs another dispatch
// from where each trial stopped):
//   storageBarrier: lane 0's s and y of the previous step are visible to every lane;
//   one-per-step: every lane integrates its neurons (model.wgsl's integrate_delta) and offers its
//                 best candidate; reduce.wgsl's workgroup_best picks the winner k; its owner
//                 applies the spike, lane 0 writes the event and s = proj[·][k] (spikes.wgsl);
//   sequential:   integrate_delta with R = 0, then spikes.wgsl's sequential_spikes;
//   rate:         integrate_rate, then s_k = Σ_i proj[k][i]·r_i (each lane its neurons in order,
//                 then reduce.wgsl's workgroup_sum);
//   lane 0: finish_readout (y ← e^{−λ_r·dt}·y + s, 0·y + s for the rate model; recording), t += 1.
// Every lane keeps identical copies of t and the event count (they change only with uniform
// values), so the loop's exits are uniform and the barriers inside are legal.
//
// Dispatch: one workgroup per trial, sliced or folded as the adapter profile says
// (adapterProfile.ts; workgroups past `slice`'s end return at once). WORKGROUP_SIZE (override,
// power of two) is the host's choice per adapter: one lane per neuron on a GPU (shortest steps), but a single
// SIMD group on a software adapter, where every barrier costs a coroutine switch per group of 4
// lanes (docs/webgpu.md has the measurement).
// Bindings: bindings.wgsl (params, consts, slice, state, latent, control, events, latentRecord).
// Includes model.wgsl, reduce.wgsl, spikes.wgsl, philox.wgsl.
// consts and state are read through wholeArrays.wgsl or splitArrays.wgsl (pipelines.ts).

override WORKGROUP_SIZE: u32 = 64u;

var<workgroup> shared_control: vec2<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) grid: vec3<u32>,
) {
  let b = dispatch_workgroup(wid, grid);
  if (b >= slice.end_workgroup) {
    return;
  }
  let lane = lid.x;
  let base = b * params.trial_words;
  let latent_base = b * 2u * params.k;
  let event_base = b * params.event_capacity;
  let trial = params.trial + b;
  if (lane == 0u) {
    shared_control = vec2<u32>(control[b].t, atomicLoad(&control[b].events));
  }
  let saved = workgroupUniformLoad(&shared_control);
  var t = saved.x;
  var event_count = saved.y;

  for (var step = 0u; step < params.steps_per_dispatch; step++) {
    if (t >= params.s || event_count + params.step_event_bound > params.event_capacity) {
      break;
    }
    storageBarrier();
    if (params.rule == RULE_RATE) {
      for (var i = lane; i < params.n; i += WORKGROUP_SIZE) {
        integrate_rate(i, base, latent_base, t);
      }
      for (var k = 0u; k < params.k; k++) {
        var term = 0.0;
        for (var i = lane; i < params.n; i += WORKGROUP_SIZE) {
          term = term + const_f32(params.off_proj + k * params.stride + i) * state_f32(base + params.st_ghat + i);
        }
        let sum = workgroup_sum(lane, term);
        if (lane == 0u) {
          latent[latent_base + k] = sum;
        }
      }
    } else if (params.rule == RULE_ONE_PER_STEP) {
      var mine = no_candidate();
      for (var i = lane; i < params.n; i += WORKGROUP_SIZE) {
        let v = integrate_delta(i, base, latent_base, t, trial);
        let c = candidate(i, v, true);
        if (better(c, mine)) {
          mine = c;
        }
      }
      let best = workgroup_best(lane, mine);
      let fired = best.rank != NO_RANK;
      if (fired && best.index % WORKGROUP_SIZE == lane) {
        apply_single_spike(base, best.index);
      }
      if (lane == 0u) {
        if (fired && params.record_spikes != 0u) {
          events[event_base + event_count] = vec2<u32>(t, best.index);
        }
        set_single_increment(latent_base, best.index, fired);
      }
      if (fired && params.record_spikes != 0u) {
        event_count = event_count + 1u;
      }
    } else {
      for (var i = lane; i < params.n; i += WORKGROUP_SIZE) {
        integrate_delta(i, base, latent_base, t, trial);
      }
      let first_event = event_base + event_count;
      let spikes = sequential_spikes(lane, base, latent_base, t, first_event, event_base + params.event_capacity);
      if (params.record_spikes != 0u) {
        event_count = event_count + spikes;
      }
    }
    if (lane == 0u) {
      finish_readout(b, t);
    }
    t = t + 1u;
  }

  if (lane == 0u) {
    control[b].t = t;
    atomicStore(&control[b].events, event_count);
  }
}
