// The networks the gate and snapshot tests run on each engine (gate.test.ts, snapshot.test.ts,
// test/webgpu/gate.test.ts): fig5 (one-per-step, delta synapses: the batched path on the GPU) and
// 20 E + 20 I under the `all` rule with pulse synapses and noise (the per-step path).

import { compileNetwork, type CompiledNetwork } from '../../src/model/compile.ts';
import { parseRunFile } from '../../src/model/parse.ts';
import { fig5Run } from '../../src/experiments/presets/fig5.ts';
import { tinyEINetwork, type TinyOptions } from '../webgpu/networks.ts';

export const fig5Network = (): CompiledNetwork => compileNetwork(parseRunFile(fig5Run()));

/** 20 E + 20 I, `all` rule, 0.5 ms pulses, σ_V = 0.2; `o` sets the horizon, trials and the rest. */
export function noisyPulseNetwork(o: Partial<TinyOptions> & Pick<TinyOptions, 'steps'>): CompiledNetwork {
  return tinyEINetwork({ sizeE: 20, sizeI: 20, synapse: { kind: 'pulse', widthMs: 0.5 }, sigmaV: 0.2, ...o });
}
