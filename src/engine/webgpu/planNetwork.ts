// What a plan (plan.ts) knows of a network: the dimensions its buffers' sizes depend on
// (gpuNetwork.ts's RunDims) and the facts its kernels' memory traffic depends on. Two sources,
// one layout:
//   built     the network compiled and built for the GPU as the engine builds it (buildGpuNetwork):
//             exact, for networks up to BUILD_LIMIT neurons;
//   run file  the run file's sizes alone, for larger ones, whose per-neuron arrays (tens of bytes
//             per neuron, several times over while parsing and building) would not fit the host:
//             the constants' and state's sizes come from gpuNetwork.ts's constsLayout and
//             stateSections, the functions buildGpuNetwork lays them out with, so they are the
//             engine's too. Two facts depend on per-neuron values and are then bounded instead
//             (`notes` says so): encoder-run tables (software adapters, rank above 2, encoders
//             that differ per neuron) and the channels a stepAll workgroup projects.
// A run file planned from its sizes is validated on a copy with one neuron per population (each
// per-neuron array cut to its first entry, after its length is checked), so a bad field is
// refused with its JSON path as `simulate` would refuse it.

import { compileNetwork, pulseStepsOf, type CompiledNetwork } from '../../model/compile.ts';
import { RunFileError } from '../../model/errors.ts';
import { networkFeatures, type SynapseName } from '../../model/stepModel.ts';
import { parseRunFile } from '../../model/parse.ts';
import type { NetworkSpec } from '../../model/spec.ts';
import {
  buildGpuNetwork,
  constsLayout,
  pulseHistory,
  runDims,
  runsMayApply,
  sampleCount,
  stateSections,
  workgroupCount,
  type RunDims,
} from './gpuNetwork.ts';
import { allShapeOf, type KernelShape } from './pipelines.ts';

/** Run files of up to this many neurons are planned from the built network (header). */
export const BUILD_LIMIT = 2 ** 22;

export interface PlanPopulation {
  name: string;
  size: number;
  synapse: SynapseName;
  recurrence: boolean;
  /** selfReset 'fast': ownSyn = w_self (reads selfW every step). */
  fastReset: boolean;
}

export interface NetworkFacts {
  dims: RunDims;
  /** Input dimensions, latent channels, populations. */
  J: number;
  L: number;
  P: number;
  populations: PlanPopulation[];
  /** stepAll.wgsl's overrides that decide its loads (gpuNetwork.ts's stepAll). */
  selfWeights: boolean;
  sharedEncoders: boolean;
  encoderRuns: boolean;
  ownChannels: number;
  /** True when taken from the built network; false when from the run file's sizes. */
  built: boolean;
  /** What was bounded rather than known (run-file facts only). */
  notes: string[];
}

/** The facts of a compiled network on `shape`, from the engine's own buildGpuNetwork. */
export function builtFacts(net: CompiledNetwork, shape: KernelShape): NetworkFacts {
  const gpuNet = buildGpuNetwork(net, allShapeOf(shape));
  return {
    dims: runDims(net, gpuNet),
    J: net.J,
    L: net.L,
    P: net.populations.length,
    populations: networkFeatures(net).populations.map((f, pi) => ({
      name: net.populations[pi].name,
      size: net.populations[pi].size,
      synapse: f.synapse,
      recurrence: f.recurrence,
      fastReset: f.fastReset,
    })),
    selfWeights: gpuNet.stepAll.SELF_WEIGHTS === 1,
    sharedEncoders: gpuNet.stepAll.SHARED_ENCODERS === 1,
    encoderRuns: gpuNet.stepAll.ENCODER_RUNS === 1,
    ownChannels: gpuNet.stepAll.OWN_CHANNELS,
    built: true,
    notes: [],
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The run file with one neuron per population: every per-neuron array cut to its first entry
 * (inputWeights: its first row) once its length is checked against the population's size. Fields
 * that are not what parseRunFile expects are left as they are, for it to refuse.
 */
function oneNeuronEach(json: Json): Json {
  if (!Array.isArray(json.populations)) return json;
  const sizeOf = new Map<string, number>();
  const cut = (value: unknown, size: unknown, path: string, name: string): unknown => {
    if (!Array.isArray(value) || typeof size !== 'number') return value;
    if (value.length !== size) {
      throw new RunFileError(
        path,
        `must have ${size} values, one per neuron of population ${name} (got ${value.length})`,
      );
    }
    return value.slice(0, 1);
  };
  const populations = json.populations.map((p: unknown, i) => {
    if (!isObject(p)) return p;
    const path = `populations[${i}]`;
    const name = String(p.name);
    sizeOf.set(name, p.size as number);
    const out: Json = { ...p, size: Number.isInteger(p.size) && (p.size as number) >= 1 ? 1 : p.size };
    if (p.threshold !== undefined) out.threshold = cut(p.threshold, p.size, `${path}.threshold`, name);
    if (p.inputWeights !== undefined) {
      out.inputWeights = cut(p.inputWeights, p.size, `${path}.inputWeights`, name);
    }
    if (isObject(p.initial)) {
      const initial: Json = { ...p.initial };
      for (const key of ['V', 'rates']) {
        if (initial[key] !== undefined)
          initial[key] = cut(initial[key], p.size, `${path}.initial.${key}`, name);
      }
      out.initial = initial;
    }
    return out;
  });
  const sourced = (list: unknown, key: string, what: string) =>
    Array.isArray(list)
      ? list.map((item, i) => {
          if (!isObject(item)) return item;
          const source = String(item.source);
          const path = `${what}[${i}].${key}`;
          return { ...item, [key]: cut(item[key], sizeOf.get(source), path, source) };
        })
      : list;
  const encoders = isObject(json.encoders)
    ? Object.fromEntries(
        Object.entries(json.encoders).map(([pop, perLatent]) => [
          pop,
          isObject(perLatent)
            ? Object.fromEntries(
                Object.entries(perLatent).map(([l, v]) => [
                  l,
                  cut(v, sizeOf.get(pop), `encoders.${pop}.${l}`, pop),
                ]),
              )
            : perLatent,
        ]),
      )
    : json.encoders;
  return {
    ...json,
    populations,
    latents: sourced(json.latents, 'decoder', 'latents'),
    readouts: sourced(json.readouts, 'weights', 'readouts'),
    encoders,
  };
}

/**
 * The facts of a run file on `shape` from its sizes alone (header), after validating it on one
 * neuron per population; throws RunFileError for a bad run file.
 */
export function runFileFacts(json: unknown, shape: KernelShape): NetworkFacts {
  if (!isObject(json)) parseRunFile(json); // refuses it, naming the root
  if (!isObject(json)) throw new RunFileError('(root)', 'must be an object');
  const spec: NetworkSpec = parseRunFile(oneNeuronEach(json));
  const sizes = (json.populations as Json[]).map((p) => p.size as number);
  const notes: string[] = [];
  const { dt, steps: S, record } = spec;
  const J = spec.input.dims;
  const L = spec.latents.length;
  const K = L + spec.readouts.length;
  const P = spec.populations.length;
  const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const N = sizes.reduce((a, b) => a + b, 0);
  const span = allShapeOf(shape).span;
  const workgroups = sizes.reduce((n, size, i) => n + workgroupCount(starts[i], size, span), 0);
  const maxPulse = Math.max(
    0,
    ...spec.populations.map((p) => (p.synapse.kind === 'pulse' ? pulseStepsOf(p.synapse.widthMs, dt) : 0)),
  );
  // Every recurrent population's encoders given as single numbers: one row per population.
  const encodersOf = (pop: string) => (isObject(json.encoders) ? json.encoders[pop] : undefined);
  const scalarRows = spec.populations.every((p) => {
    const rows = encodersOf(p.name);
    return (
      !p.recurrence ||
      rows === undefined ||
      (isObject(rows) && Object.values(rows).every((v) => typeof v === 'number'))
    );
  });
  let runs: number | null = null;
  if (runsMayApply(allShapeOf(shape), L) && !scalarRows) {
    // At most one run per lane of each workgroup (encoderRuns' condition for using them).
    runs = Math.min(N, workgroups * shape.workgroupSize);
    notes.push(
      `encoder-run tables counted at their bound (${runs} runs): they depend on the encoders' values`,
    );
  }
  // A workgroup projects the channels with a nonzero decoder on its neurons: at most its
  // population's own channels and readouts.
  const sources = [...spec.latents.map((c) => c.source), ...spec.readouts.map((r) => r.source)];
  const ownChannels = Math.max(0, ...spec.populations.map((_, p) => sources.filter((s) => s === p).length));
  notes.push(`projected channels per workgroup taken as its population's (${ownChannels}), an upper bound`);
  const layout = constsLayout({ N, J, L, K, S, P, workgroups, runs });
  const { pulseWords } = pulseHistory(maxPulse, S);
  const stride = Math.ceil(N / 4) * 4;
  const dims: RunDims = {
    N,
    K,
    S,
    trials: spec.trials,
    model: spec.model,
    spikeRule: spec.spikeRule,
    record,
    constsBytes: layout.words * 4,
    stateWords: stateSections(N, stride, pulseWords).words,
    allWorkgroups: workgroups,
    samples: sampleCount(S, record.every),
  };
  return {
    dims,
    J,
    L,
    P,
    populations: spec.populations.map((p, i) => ({
      name: p.name,
      size: sizes[i],
      synapse: p.synapse.kind,
      recurrence: p.recurrence,
      fastReset: p.selfReset === 'fast',
    })),
    selfWeights: spec.populations.some((p) => p.selfReset === 'fast' || !p.recurrence),
    sharedEncoders: scalarRows,
    encoderRuns: runs !== null,
    ownChannels,
    built: false,
    notes,
  };
}

/**
 * The facts of a run file: built when it has at most BUILD_LIMIT neurons, else from its sizes;
 * `sizesOnly` chooses instead (tests compare the two).
 */
export function planFacts(json: unknown, shape: KernelShape, sizesOnly?: boolean): NetworkFacts {
  const pops = isObject(json) && Array.isArray(json.populations) ? json.populations : [];
  const N = pops.reduce((n: number, p) => n + (isObject(p) && typeof p.size === 'number' ? p.size : 0), 0);
  const fromSizes = sizesOnly ?? N > BUILD_LIMIT;
  return fromSizes ? runFileFacts(json, shape) : builtFacts(compileNetwork(parseRunFile(json)), shape);
}
