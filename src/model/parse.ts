// Run file (RUN_FORMAT.md) → NetworkSpec. Everything a user can get wrong is refused here, with the
// JSON path of the field and what is allowed, so the compiler and the engines may trust their input.
// The readers below are the only places that look at raw JSON values; the parse* functions compose them.

import { DEFAULTS } from './defaults.ts';
import { RunFileError, fieldPath, quoted } from './errors.ts';
import type { NumberRule } from './fields.ts';
import { RUN_FORMAT } from './runFile.ts';
import {
  CLAMP_SPIKE_RULE,
  CURRENT_FIELDS,
  INITIAL_FIELDS,
  INPUT_FIELDS,
  KEYFRAME_FIELDS,
  LATENT_FIELDS,
  MAX_INDEX,
  MAX_MAGNITUDE,
  MODELS,
  POPULATION_FIELDS,
  RATE_INITIAL_RATES,
  RATE_REFUSED_POPULATION_KEYS,
  READOUT_FIELDS,
  READOUT_LEAK_FIELDS,
  RECORD_FIELDS,
  RUN_FIELDS,
  SELF_RESETS,
  SIGNS,
  SPIKE_RULES,
  SPIKE_RULE_SYNAPSES,
  SYNAPSE_KINDS,
  SYNAPSE_VARIANTS,
} from './runFields.ts';
import type {
  InputSpec,
  LatentSpec,
  ModelKind,
  NetworkSpec,
  PopulationSpec,
  ReadoutSpec,
  SpikeRule,
  Synapse,
} from './spec.ts';

type Json = Record<string, unknown>;

// Keys, bounds and choices come from the tables of runFields.ts, which also write the JSON Schema.
const ROOT_KEYS = Object.keys(RUN_FIELDS);
const POPULATION_KEYS = Object.keys(POPULATION_FIELDS);

// ---------------------------------------------------------------------------------------------
// Paths and readers

function fail(path: string, problem: string): never {
  throw new RunFileError(path, problem);
}

function field(path: string, key: string): string {
  return fieldPath(path, key);
}

function element(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** A value as a message should show it: strings quoted, containers by kind. */
function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function asObject(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(path, `must be an object (got ${show(value)})`);
  }
  return value as Json;
}

/** Refuses keys outside `allowed`, so that a typo ("sigmav") is not silently ignored. */
function checkKeys(obj: Json, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(field(path, key), `unknown field; allowed: ${allowed.join(', ')}`);
  }
}

function required(obj: Json, key: string, path: string): unknown {
  if (obj[key] === undefined) fail(field(path, key), 'missing required field');
  return obj[key];
}

function checkNumber(value: unknown, path: string, rule: NumberRule = {}): number {
  if (typeof value !== 'number') return fail(path, `must be a number (got ${show(value)})`);
  if (!Number.isFinite(value)) fail(path, `must be a finite number (got ${value})`);
  if (!rule.integer && Math.abs(value) > MAX_MAGNITUDE) {
    fail(path, `must be between -${MAX_MAGNITUDE} and ${MAX_MAGNITUDE} (got ${value})`);
  }
  if (rule.integer && !Number.isInteger(value)) fail(path, `must be an integer (got ${value})`);
  if (rule.min !== undefined && value < rule.min) fail(path, `must be >= ${rule.min} (got ${value})`);
  if (rule.max !== undefined && value > rule.max) fail(path, `must be <= ${rule.max} (got ${value})`);
  if (rule.above !== undefined && value <= rule.above) fail(path, `must be > ${rule.above} (got ${value})`);
  if (rule.below !== undefined && value >= rule.below) fail(path, `must be < ${rule.below} (got ${value})`);
  return value;
}

/** `obj[key]` as a number; `fallback` when absent, or refused as missing when there is none. */
function readNumber(obj: Json, key: string, path: string, rule: NumberRule, fallback?: number): number {
  if (obj[key] === undefined && fallback !== undefined) return fallback;
  return checkNumber(required(obj, key, path), field(path, key), rule);
}

function readBoolean(obj: Json, key: string, path: string, fallback: boolean): boolean {
  const value = obj[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(field(path, key), `must be true or false (got ${show(value)})`);
  return value;
}

function readName(obj: Json, key: string, path: string): string {
  const value = required(obj, key, path);
  if (typeof value !== 'string' || value === '') {
    fail(field(path, key), `must be a non-empty string (got ${show(value)})`);
  }
  return value;
}

/** One of `allowed`; `what` names the kind of value in the message ("spike rule"). */
function readEnum<T extends string>(
  obj: Json,
  key: string,
  path: string,
  what: string,
  allowed: readonly T[],
  fallback?: T,
): T {
  if (obj[key] === undefined && fallback !== undefined) return fallback;
  const value = required(obj, key, path);
  if (!allowed.includes(value as T)) {
    fail(field(path, key), `unknown ${what} ${show(value)}; allowed: ${allowed.join(', ')}`);
  }
  return value as T;
}

/** `what` says what the length counts, e.g. "one per neuron of population E". */
function asArray(value: unknown, path: string, length?: number, what?: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `must be an array (got ${show(value)})`);
  if (length !== undefined && value.length !== length) {
    fail(path, `must have ${length} values, ${what} (got ${value.length})`);
  }
  return value;
}

function readNumbers(
  value: unknown,
  path: string,
  rule: NumberRule,
  length?: number,
  what?: string,
): Float64Array {
  const values = asArray(value, path, length, what);
  const out = new Float64Array(values.length);
  values.forEach((v, i) => (out[i] = checkNumber(v, element(path, i), rule)));
  return out;
}

/** A single number where an array is expected means the same for every element (RUN_FORMAT.md). */
function broadcast(
  value: unknown,
  path: string,
  length: number,
  what: string,
  rule: NumberRule = {},
): Float64Array {
  if (typeof value === 'number') return new Float64Array(length).fill(checkNumber(value, path, rule));
  if (!Array.isArray(value)) {
    fail(path, `must be a number or an array of ${length} numbers, ${what} (got ${show(value)})`);
  }
  return readNumbers(value, path, rule, length, what);
}

/** Name → index, refusing duplicates (result files are keyed by name). */
function indexByName(items: readonly { name: string }[], path: string, what: string): Map<string, number> {
  const byName = new Map<string, number>();
  items.forEach((item, i) => {
    if (byName.has(item.name)) {
      fail(
        field(element(path, i), 'name'),
        `duplicate ${what} name ${show(item.name)}; names must be unique`,
      );
    }
    byName.set(item.name, i);
  });
  return byName;
}

function resolve(byName: Map<string, number>, name: string, path: string, what: string): number {
  const index = byName.get(name);
  if (index === undefined) {
    fail(path, `unknown ${what} ${show(name)}; allowed: ${[...byName.keys()].join(', ')}`);
  }
  return index;
}

function perNeuron(popName: string): string {
  return `one per neuron of population ${popName}`;
}

// ---------------------------------------------------------------------------------------------
// Input

/**
 * The input's rows at `path` (samples or keyframe values), one per input dimension, each of `length`
 * numbers by `rule`. `dims` defaults to the number of rows given, and must agree with it when stated.
 */
function readInputRows(
  input: Json,
  value: unknown,
  path: string,
  rule: NumberRule,
  length: number,
  what: string,
): { dims: number; rows: Float64Array[] } {
  const rows = asArray(value, path);
  if (rows.length === 0) fail(path, 'must have at least one row, one per input dimension');
  const dims = readNumber(input, 'dims', 'input', INPUT_FIELDS.dims.rule, rows.length);
  if (dims !== rows.length) {
    fail('input.dims', `is ${dims} but ${path} has ${rows.length} rows; they must match`);
  }
  return { dims, rows: rows.map((row, j) => readNumbers(row, element(path, j), rule, length, what)) };
}

function parseInput(value: unknown, steps: number): InputSpec {
  const input = asObject(value, 'input');
  checkKeys(input, 'input', Object.keys(INPUT_FIELDS));
  if ((input.samples === undefined) === (input.keyframes === undefined)) {
    fail('input', 'must give exactly one of samples or keyframes');
  }
  if (input.samples !== undefined) {
    const { dims, rows } = readInputRows(
      input,
      input.samples,
      'input.samples',
      INPUT_FIELDS.samples.items.rule,
      steps,
      `one per step (steps = ${steps})`,
    );
    return { dims, kind: 'samples', samples: rows };
  }
  const keyframes = asObject(input.keyframes, 'input.keyframes');
  checkKeys(keyframes, 'input.keyframes', Object.keys(KEYFRAME_FIELDS));
  const t = readNumbers(
    required(keyframes, 't', 'input.keyframes'),
    'input.keyframes.t',
    KEYFRAME_FIELDS.t.rule,
  );
  if (t.length === 0) fail('input.keyframes.t', 'must have at least one time');
  checkIncreasing(t, 'input.keyframes.t', true);
  const { dims, rows } = readInputRows(
    input,
    required(keyframes, 'x', 'input.keyframes'),
    'input.keyframes.x',
    KEYFRAME_FIELDS.x.items.rule,
    t.length,
    'one per keyframe time',
  );
  return { dims, kind: 'keyframes', t, x: rows };
}

function checkIncreasing(t: Float64Array, path: string, strictly: boolean): void {
  for (let i = 1; i < t.length; i++) {
    if (strictly ? t[i] <= t[i - 1] : t[i] < t[i - 1]) {
      fail(
        element(path, i),
        `times must be ${strictly ? 'strictly increasing' : 'non-decreasing'} (got ${t[i]} after ${t[i - 1]})`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Populations

interface PopulationContext {
  model: ModelKind;
  spikeRule: SpikeRule;
  dt: number;
  dims: number;
}

function parseSynapse(value: unknown, path: string, dt: number): Synapse {
  const synapse = asObject(value, path);
  const kind = readEnum(synapse, 'kind', path, 'synapse kind', SYNAPSE_KINDS);
  checkKeys(synapse, path, ['kind', ...Object.keys(SYNAPSE_VARIANTS[kind])]);
  switch (kind) {
    case 'delta':
      return { kind };
    case 'pulse': {
      const widthMs = readNumber(synapse, 'widthMs', path, SYNAPSE_VARIANTS.pulse.widthMs.rule);
      // The pulse lasts trunc(widthMs / dt_ms) steps (MODEL.md §6); zero steps would divide by zero.
      if (Math.trunc(widthMs / (dt * 1000)) === 0) {
        fail(field(path, 'widthMs'), `must span at least one step of dt = ${dt * 1000} ms (got ${widthMs})`);
      }
      return { kind, widthMs };
    }
    case 'exponential': {
      const rule = SYNAPSE_VARIANTS.exponential.rate.rule;
      return { kind, rate: checkStep(synapse, 'rate', path, rule, dt, 'the synaptic decay rate') };
    }
  }
}

/** Bounds of rate × dt, the fraction of a time constant one step integrates (see checkStep). */
const MIN_STEP_FRACTION = 1e-9;
const MAX_STEP_FRACTION = 1;

/**
 * A rate (1/s) that the engines integrate by forward Euler, x ← x − (rate·dt)·x + …: above one time
 * constant per step the update overshoots, and from two on it grows without bound to ±Infinity and
 * NaN; the voltage update also divides by leak·dt, which must not round to zero. Refused at the
 * rate when the file gives it, else at dt.
 */
function checkStep(
  obj: Json,
  key: string,
  path: string,
  rule: NumberRule,
  dt: number,
  what: string,
  fallback?: number,
): number {
  const rate = readNumber(obj, key, path, rule, fallback);
  const fraction = rate * dt;
  if (fraction >= MIN_STEP_FRACTION && fraction <= MAX_STEP_FRACTION) return rate;
  fail(
    obj[key] === undefined ? 'dt' : field(path, key),
    `${what} × dt must be from ${MIN_STEP_FRACTION} to ${MAX_STEP_FRACTION}, one time constant per step ` +
      `at most (got ${rate} × ${dt} = ${fraction}${obj[key] === undefined ? `, ${key} ${rate} by default` : ''})`,
  );
}

/** `size` rows of `dims` weights; a number stands for every neuron and dimension, and with one
 * input dimension a row may be a bare number. Absent: the population gets no input. */
function parseInputWeights(value: unknown, path: string, size: number, dims: number): Float64Array {
  const weights = new Float64Array(size * dims);
  if (value === undefined) return weights;
  if (typeof value === 'number') return weights.fill(checkNumber(value, path));
  const rows = asArray(value, path, size, 'one row per neuron');
  rows.forEach((row, i) => {
    const rowPath = element(path, i);
    if (dims === 1 && !Array.isArray(row)) {
      weights[i] = checkNumber(row, rowPath);
    } else {
      weights.set(readNumbers(row, rowPath, {}, dims, `one per input dimension (dims = ${dims})`), i * dims);
    }
  });
  return weights;
}

function parseCurrent(raw: unknown, path: string): PopulationSpec['current'] {
  const current = asObject(raw, path);
  checkKeys(current, path, Object.keys(CURRENT_FIELDS));
  const t = readNumbers(required(current, 't', path), field(path, 't'), CURRENT_FIELDS.t.rule);
  if (t.length === 0) fail(field(path, 't'), 'must have at least one time');
  checkIncreasing(t, field(path, 't'), false);
  const value = readNumbers(
    required(current, 'value', path),
    field(path, 'value'),
    CURRENT_FIELDS.value.rule,
    t.length,
    'one per time',
  );
  return { t, value };
}

function parseInitial(
  value: unknown,
  path: string,
  pop: PopulationSpec,
  model: ModelKind,
): PopulationSpec['initial'] {
  const initial = asObject(value, path);
  checkKeys(initial, path, Object.keys(INITIAL_FIELDS));
  if ((initial.V === undefined) === (initial.rates === undefined)) {
    fail(path, 'must give exactly one of V or rates');
  }
  if (initial.V !== undefined) {
    return { V: broadcast(initial.V, field(path, 'V'), pop.size, perNeuron(pop.name)) };
  }
  const rule = model === 'rate' ? RATE_INITIAL_RATES : INITIAL_FIELDS.rates.rule;
  return { rates: broadcast(initial.rates, field(path, 'rates'), pop.size, perNeuron(pop.name), rule) };
}

function parsePopulation(value: unknown, path: string, ctx: PopulationContext): PopulationSpec {
  const obj = asObject(value, path);
  checkKeys(obj, path, POPULATION_KEYS);
  if (ctx.model === 'rate') {
    for (const key of RATE_REFUSED_POPULATION_KEYS) {
      if (obj[key] !== undefined) fail(field(path, key), 'not used by the rate model; remove it');
    }
  }
  const name = readName(obj, 'name', path);
  const size = readNumber(obj, 'size', path, POPULATION_FIELDS.size.rule);
  const sign = readEnum(obj, 'sign', path, 'sign', SIGNS);
  const clampAtThreshold = readBoolean(obj, 'clampAtThreshold', path, DEFAULTS.clampAtThreshold);
  if (clampAtThreshold && ctx.spikeRule !== CLAMP_SPIKE_RULE) {
    fail(
      field(path, 'clampAtThreshold'),
      `only allowed with spikeRule ${show(CLAMP_SPIKE_RULE)} (spikeRule is ${show(ctx.spikeRule)})`,
    );
  }
  const pop: PopulationSpec = {
    name,
    size,
    sign,
    leak: checkStep(obj, 'leak', path, POPULATION_FIELDS.leak.rule, ctx.dt, 'the leak', DEFAULTS.leak),
    threshold: broadcast(required(obj, 'threshold', path), field(path, 'threshold'), size, perNeuron(name)),
    inputWeights: parseInputWeights(obj.inputWeights, field(path, 'inputWeights'), size, ctx.dims),
    mu: readNumber(obj, 'mu', path, POPULATION_FIELDS.mu.rule, DEFAULTS.mu),
    sigmaV: readNumber(obj, 'sigmaV', path, POPULATION_FIELDS.sigmaV.rule, DEFAULTS.sigmaV),
    synapse:
      obj.synapse === undefined
        ? { ...DEFAULTS.synapse }
        : parseSynapse(obj.synapse, field(path, 'synapse'), ctx.dt),
    refractoryMs: readNumber(
      obj,
      'refractoryMs',
      path,
      POPULATION_FIELDS.refractoryMs.rule,
      DEFAULTS.refractoryMs,
    ),
    selfReset: readEnum(obj, 'selfReset', path, 'self reset', SELF_RESETS, DEFAULTS.selfReset),
    clampAtThreshold,
    recurrence: readBoolean(obj, 'recurrence', path, DEFAULTS.recurrence),
    priority: readNumber(
      obj,
      'priority',
      path,
      POPULATION_FIELDS.priority.rule,
      sign === 'inhibitory' ? DEFAULTS.priorityInhibitory : DEFAULTS.priorityExcitatory,
    ),
    current: null,
    initial: null,
  };
  if (obj.current !== undefined) pop.current = parseCurrent(obj.current, field(path, 'current'));
  if (obj.initial !== undefined) {
    pop.initial = parseInitial(obj.initial, field(path, 'initial'), pop, ctx.model);
  }
  return pop;
}

/** The network's neurons in all must fit the engines' 32-bit neuron indices (MAX_INDEX). */
function checkNeuronCount(pops: PopulationSpec[]): void {
  let total = 0;
  pops.forEach((pop, i) => {
    total += pop.size;
    if (total > MAX_INDEX) {
      fail(
        field(element('populations', i), 'size'),
        `the populations have ${total} neurons up to here, more than the ${MAX_INDEX} the engines can index`,
      );
    }
  });
}

/** "one-per-step or sequential with delta synapses, all with …": the spike rules by their synapses. */
function spikeRuleSynapsesText(): string {
  const rulesBySynapses = new Map<string, SpikeRule[]>();
  for (const rule of SPIKE_RULES) {
    const kinds = SPIKE_RULE_SYNAPSES[rule].join(' or ');
    rulesBySynapses.set(kinds, [...(rulesBySynapses.get(kinds) ?? []), rule]);
  }
  return [...rulesBySynapses]
    .map(([kinds, rules]) => `${rules.join(' or ')} with ${kinds} synapses`)
    .join(', ');
}

/** MODEL.md §5: each spike rule works with the synapse kinds SPIKE_RULE_SYNAPSES gives it. */
function checkSpikeRuleSynapses(spikeRule: SpikeRule, pops: PopulationSpec[]): void {
  const kinds = SPIKE_RULE_SYNAPSES[spikeRule];
  pops.forEach((pop, i) => {
    if (kinds.includes(pop.synapse.kind)) return;
    fail(
      'spikeRule',
      `spike rule ${show(spikeRule)} needs ${kinds.join(' or ')} synapses, but population ${pop.name} has synapse ` +
        `${show(pop.synapse.kind)} (populations[${i}].synapse); allowed: ${spikeRuleSynapsesText()}`,
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Channels, encoders, readouts

/** Populations as parsed, and their indices by name (latents, readouts and encoders refer by name). */
interface Populations {
  list: PopulationSpec[];
  byName: Map<string, number>;
}

/** A latent channel or a readout: a name and one value per neuron of a source population. */
function parseSourced(
  value: unknown,
  path: string,
  fields: typeof LATENT_FIELDS | typeof READOUT_FIELDS,
  vectorKey: 'decoder' | 'weights',
  pops: Populations,
  rule: NumberRule,
) {
  const obj = asObject(value, path);
  checkKeys(obj, path, Object.keys(fields));
  const name = readName(obj, 'name', path);
  const source = resolve(pops.byName, readName(obj, 'source', path), field(path, 'source'), 'population');
  const { size, name: sourceName } = pops.list[source];
  const values = broadcast(
    required(obj, vectorKey, path),
    field(path, vectorKey),
    size,
    perNeuron(sourceName),
    rule,
  );
  return { name, source, values };
}

function parseLatent(value: unknown, path: string, pops: Populations): LatentSpec {
  const { name, source, values } = parseSourced(
    value,
    path,
    LATENT_FIELDS,
    'decoder',
    pops,
    LATENT_FIELDS.decoder.rule,
  );
  return { name, source, decoder: values };
}

/** Readouts are report-only and signed (RUN_FORMAT.md), hence no sign rule and no Dale check. */
function parseReadout(value: unknown, path: string, pops: Populations): ReadoutSpec {
  const { name, source, values } = parseSourced(
    value,
    path,
    READOUT_FIELDS,
    'weights',
    pops,
    READOUT_FIELDS.weights.rule,
  );
  return { name, source, weights: values };
}

/**
 * Dale's law per channel (MODEL.md §2): W_ik = Σ_l e_{i,l}·d_{l,k} with d ≥ 0, so every encoder of a
 * channel must carry the sign of the channel's source population for all of k's weights to share it.
 */
function checkDale(
  raw: unknown,
  encoder: Float64Array,
  path: string,
  latent: LatentSpec,
  source: PopulationSpec,
) {
  const excitatory = source.sign === 'excitatory';
  const bad = encoder.findIndex((e) => (excitatory ? e < 0 : e > 0));
  if (bad < 0) return;
  fail(
    typeof raw === 'number' ? path : element(path, bad),
    `Dale's law: channel ${latent.name} is sourced by ${source.sign} population ${source.name}, so its ` +
      `encoders must be ${excitatory ? '>= 0' : '<= 0'} (got ${encoder[bad]}); ` +
      'set "allowDaleViolation": true to allow',
  );
}

function parseEncoders(
  value: unknown,
  { list: pops, byName: popIndex }: Populations,
  latents: LatentSpec[],
  latentIndex: Map<string, number>,
  allowDaleViolation: boolean,
): Float64Array[][] {
  const encoders: Float64Array[][] = pops.map((pop) => latents.map(() => new Float64Array(pop.size)));
  if (value === undefined) return encoders;
  for (const [popName, perLatent] of Object.entries(asObject(value, 'encoders'))) {
    const popPath = field('encoders', popName);
    const p = resolve(popIndex, popName, popPath, 'population');
    for (const [latentName, raw] of Object.entries(asObject(perLatent, popPath))) {
      const path = field(popPath, latentName);
      const l = resolve(latentIndex, latentName, path, 'latent');
      encoders[p][l] = broadcast(raw, path, pops[p].size, perNeuron(pops[p].name));
      if (!allowDaleViolation) checkDale(raw, encoders[p][l], path, latents[l], pops[latents[l].source]);
    }
  }
  return encoders;
}

function parseInitialLatent(value: unknown, latentIndex: Map<string, number>): Float64Array | null {
  if (value === undefined) return null;
  const y0 = new Float64Array(latentIndex.size);
  for (const [name, v] of Object.entries(asObject(value, 'initialLatent'))) {
    const path = field('initialLatent', name);
    y0[resolve(latentIndex, name, path, 'latent')] = checkNumber(v, path);
  }
  return y0;
}

function parseRecord(value: unknown): NetworkSpec['record'] {
  if (value === undefined) return { ...DEFAULTS.record };
  const record = asObject(value, 'record');
  checkKeys(record, 'record', Object.keys(RECORD_FIELDS));
  return {
    spikes: readBoolean(record, 'spikes', 'record', DEFAULTS.record.spikes),
    latents: readBoolean(record, 'latents', 'record', DEFAULTS.record.latents),
    every: readNumber(record, 'every', 'record', RECORD_FIELDS.every.rule, DEFAULTS.record.every),
  };
}

function parseReadoutLeak(value: unknown): number {
  if (value === undefined) return DEFAULTS.readoutLeak;
  const readout = asObject(value, 'readout');
  checkKeys(readout, 'readout', Object.keys(READOUT_LEAK_FIELDS));
  return readNumber(readout, 'leak', 'readout', READOUT_LEAK_FIELDS.leak.rule, DEFAULTS.readoutLeak);
}

// ---------------------------------------------------------------------------------------------
// The run file

/** Validates a parsed run file and fills in every default; throws RunFileError naming the field. */
export function parseRunFile(json: unknown): NetworkSpec {
  const root = asObject(json, '(root)');
  checkKeys(root, '', ROOT_KEYS);
  if (root.$schema !== undefined && typeof root.$schema !== 'string') {
    fail(
      '$schema',
      `must be a string, the JSON Schema's path or URL for editors (got ${show(root.$schema)})`,
    );
  }
  const format = required(root, 'format', '');
  if (format !== RUN_FORMAT) fail('format', `must be ${show(RUN_FORMAT)} (got ${show(format)})`);

  const model = readEnum(root, 'model', '', 'model', MODELS, DEFAULTS.model);
  const dt = readNumber(root, 'dt', '', RUN_FIELDS.dt.rule);
  const steps = readNumber(root, 'steps', '', RUN_FIELDS.steps.rule);
  const seed = readNumber(root, 'seed', '', RUN_FIELDS.seed.rule, DEFAULTS.seed);
  const trials = readNumber(root, 'trials', '', RUN_FIELDS.trials.rule, DEFAULTS.trials);
  if (model === 'rate' && root.spikeRule !== undefined) {
    fail('spikeRule', 'not used by the rate model; remove it');
  }
  const spikeRule = readEnum(root, 'spikeRule', '', 'spike rule', SPIKE_RULES, DEFAULTS.spikeRule);
  const beta = readNumber(root, 'beta', '', RUN_FIELDS.beta.rule, DEFAULTS.beta);
  const allowDaleViolation = readBoolean(root, 'allowDaleViolation', '', DEFAULTS.allowDaleViolation);
  const input = parseInput(required(root, 'input', ''), steps);

  const ctx: PopulationContext = { model, spikeRule, dt, dims: input.dims };
  const popsRaw = asArray(required(root, 'populations', ''), 'populations');
  if (popsRaw.length === 0) fail('populations', 'must have at least one population');
  const populations = popsRaw.map((p, i) => parsePopulation(p, element('populations', i), ctx));
  checkNeuronCount(populations);
  const pops: Populations = {
    list: populations,
    byName: indexByName(populations, 'populations', 'population'),
  };
  if (model === 'spiking') checkSpikeRuleSynapses(spikeRule, populations);

  const latentsRaw = asArray(required(root, 'latents', ''), 'latents');
  const latents = latentsRaw.map((l, i) => parseLatent(l, element('latents', i), pops));
  const latentIndex = indexByName(latents, 'latents', 'latent');
  const readoutsRaw = root.readouts === undefined ? [] : asArray(root.readouts, 'readouts');
  const readouts = readoutsRaw.map((r, i) => parseReadout(r, element('readouts', i), pops));
  indexByName(readouts, 'readouts', 'readout');

  return {
    model,
    dt,
    steps,
    seed,
    trials,
    spikeRule,
    beta,
    allowDaleViolation,
    input,
    populations,
    latents,
    encoders: parseEncoders(root.encoders, pops, latents, latentIndex, allowDaleViolation),
    initialLatent: parseInitialLatent(root.initialLatent, latentIndex),
    readouts,
    readoutLeak: parseReadoutLeak(root.readout),
    record: parseRecord(root.record),
    meta: root.meta === undefined ? {} : asObject(root.meta, 'meta'),
  };
}

/** `parseRunFile` on JSON text; a syntax error is reported at path `fileName` (or `(file)`). */
export function parseRunFileText(text: string, fileName = '(file)'): NetworkSpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(fileName, `not valid JSON: ${(e as Error).message}`);
  }
  return parseRunFile(json);
}
