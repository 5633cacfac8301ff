// spikeSequential.wgsl: the spike phase and the end of step t under `sequential` (MODEL.md §5, §6,
// after Calaim et al. 2022), after stepDelta.wgsl; the next step's stepDelta.wgsl follows.
//
// One workgroup runs spikes.wgsl's sequential_spikes over the whole network (invocation q owns
// neurons q, q + WORKGROUP_SIZE, …): repeatedly the best unspiked, non-refractory neuron at or above
// threshold spikes and its whole column W_·k (diagonal and μ included) is applied to every V, until
// none is left; s accumulates proj[·][k] in spike order. Invocation 0 then records the events'
// count, finishes the readout, y ← e^{−λ_r·dt}·y + s (model.wgsl), and advances t. The kicks are
// not applied again at t+1: stepDelta.wgsl uses R = 0 under this rule.
//
// Dispatch: exactly 1 workgroup of WORKGROUP_SIZE (override, power of two; as stepDelta.wgsl).
// Bindings: bindings.wgsl (params, consts, state, latent, control, events, latentRecord).
// Includes model.wgsl, reduce.wgsl, spikes.wgsl (and philox.wgsl, unused here).
// consts and state are read through wholeArrays.wgsl or splitArrays.wgsl (pipelines.ts).

override WORKGROUP_SIZE: u32 = 256u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  let t = control[0].t;
  let first_event = atomicLoad(&control[0].events);
  let spikes = sequential_spikes(lid.x, 0u, 0u, t, first_event, params.event_capacity);
  if (lid.x == 0u) {
    if (params.record_spikes != 0u) {
      atomicStore(&control[0].events, first_event + spikes);
    }
    finish_readout(0u, t);
    control[0].t = t + 1u;
  }
}
