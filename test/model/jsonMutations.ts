// Random mutations of valid JSON documents (run files, study files) for the fuzz tests: values
// swapped for another type, numbers set to NaN/±Infinity/huge/negative/-0, arrays cut or grown,
// keys deleted or renamed (to unicode, to `__proto__`), names renamed everywhere at once, nesting
// broken (a value wrapped or unwrapped), and, at the text level, JSON cut short or a bracket lost.
//
// A mutation is drawn as data (fast-check shrinks it towards fewer, simpler edits) and applied to a
// deep copy; nodes are picked by index into a walk of the document that visits only the first two
// and last elements of a long array, so a 200-sample input row does not soak up every pick.
//
// Replay: every fuzz test passes `fuzzParameters()` to fc.assert, which takes its seed from the
// environment variable FC_SEED when set. fast-check prints the seed and the shrunk counterexample
// of a failure; `FC_SEED=<seed> npx vitest run <file>` reruns exactly that case.

import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };

/** fast-check's parameters for `numRuns` cases, with the seed from FC_SEED when it is set. */
export function fuzzParameters<T>(numRuns: number): fc.Parameters<T> {
  const seed = process.env.FC_SEED;
  return seed === undefined || seed === '' ? { numRuns } : { numRuns, seed: Number(seed) };
}

const SPECIAL_NUMBERS = [
  NaN,
  Infinity,
  -Infinity,
  1e308,
  -1e308,
  1e300,
  1e20,
  2 ** 53 + 2,
  -1,
  -0,
  0,
  0.5,
  1.5,
  3,
  1e-300,
  5e-324,
  -1e-9,
];

/** Strings a user (or a copy-paste) may put anywhere: unicode, empty, path-like, prototype keys. */
const SPECIAL_STRINGS = [
  '',
  ' ',
  'é',
  'Ε',
  '名前',
  '🧠',
  'a b',
  'a.b',
  'a[0]',
  '\u0000',
  '\u202e',
  '__proto__',
  '__proto__.polluted',
  'populations.*.__proto__',
  'populations.E.mu',
  'constructor',
  'toString',
  'hasOwnProperty',
  'E',
  'I',
  'yE',
  'yI',
];

export const strangeString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SPECIAL_STRINGS),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);

export const strangeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...SPECIAL_NUMBERS),
  fc.double({ noDefaultInfinity: false }),
  fc.integer({ min: -5, max: 300 }),
);

/** A value of any JSON type (and NaN/±Infinity, which only a parsed object can hold). */
export const strangeValue: fc.Arbitrary<Json> = fc.oneof(
  strangeNumber,
  strangeString,
  fc.boolean(),
  fc.constant(null),
  fc.constant<Json>([]),
  fc.constant<Json>({}),
  fc.constantFrom<Json>([1], [[1]], [1, 'a'], { a: 1 }, { name: 'E' }),
);

const KINDS = [
  'replace',
  'number',
  'scale',
  'cut',
  'grow',
  'delete',
  'rename',
  'renameEverywhere',
  'wrap',
  'unwrap',
  'duplicate',
] as const;

export interface Mutation {
  kind: (typeof KINDS)[number];
  /** Which node (modulo the number of nodes the walk visits). */
  at: number;
  value: Json;
  number: number;
  name: string;
  n: number;
  factor: number;
}

/** How often each kind is drawn: the edits that often leave a file valid (a value scaled, a name
 * renamed everywhere, an optional field dropped) more, so that accepted files get simulated too. */
const WEIGHTS: Record<Mutation['kind'], number> = {
  replace: 2,
  number: 2,
  scale: 5,
  cut: 1,
  grow: 1,
  delete: 3,
  rename: 1,
  renameEverywhere: 4,
  wrap: 1,
  unwrap: 1,
  duplicate: 1,
};

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.oneof(...KINDS.map((kind) => ({ arbitrary: fc.constant(kind), weight: WEIGHTS[kind] }))),
  at: fc.nat(),
  value: strangeValue,
  number: strangeNumber,
  name: strangeString,
  n: fc.nat(8),
  factor: fc.constantFrom(2, 0.5, 1.01, -1, 10, 0.1, 1e6, 1e12, 1e-6, 0),
});

/** One to `max` mutations. */
export const mutations = (max = 4): fc.Arbitrary<Mutation[]> =>
  fc.array(mutation, { minLength: 1, maxLength: max });

interface Site {
  parent: Container | null;
  key: string | number;
  value: Json;
}

function isContainer(value: Json): value is Container {
  return typeof value === 'object' && value !== null;
}

/** Every node the mutations may pick: the root, and each container's entries (long arrays sampled). */
function sites(root: Json): Site[] {
  const out: Site[] = [{ parent: null, key: '', value: root }];
  const visit = (node: Json) => {
    if (!isContainer(node)) return;
    if (Array.isArray(node)) {
      const picks = node.length <= 8 ? node.map((_, i) => i) : [0, 1, node.length - 1];
      for (const i of picks) {
        out.push({ parent: node, key: i, value: node[i] });
        visit(node[i]);
      }
      return;
    }
    for (const key of Object.keys(node)) {
      out.push({ parent: node, key, value: node[key] });
      visit(node[key]);
    }
  };
  visit(root);
  return out;
}

/** A copy of `value` (structuredClone keeps NaN, -0 and own `__proto__` keys). */
const copy = <T>(value: T): T => structuredClone(value);

/** Sets an own property, even one named `__proto__` (plain assignment would change the prototype). */
function setOwn(obj: { [key: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `obj` with `from` renamed to `to`, in place and in order. */
function renameKey(obj: { [key: string]: Json }, from: string, to: string): void {
  const entries = Object.entries(obj).map(([k, v]): [string, Json] => [k === from ? to : k, v]);
  for (const key of Object.keys(obj)) delete obj[key];
  for (const [k, v] of entries) setOwn(obj, k, v);
}

/** Every string equal to `from`, as a value or as a key, becomes `to`. */
function renameEverywhere(node: Json, from: string, to: string): Json {
  if (node === from) return to;
  if (Array.isArray(node)) return node.map((v) => renameEverywhere(v, from, to));
  if (isContainer(node)) {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(node))
      setOwn(out, k === from ? to : k, renameEverywhere(v, from, to));
    return out;
  }
  return node;
}

function put(site: Site, value: Json, root: Json): Json {
  if (site.parent === null) return value;
  if (Array.isArray(site.parent)) site.parent[site.key as number] = value;
  else setOwn(site.parent, site.key as string, value);
  return root;
}

/** `doc` with one mutation applied (a new document; `doc` is not changed). */
export function applyMutation(doc: Json, m: Mutation): Json {
  const root = copy(doc);
  const all = sites(root);
  // Scaling picks among numbers and renaming among strings, when the document has any.
  const wanted =
    m.kind === 'scale'
      ? all.filter((s) => typeof s.value === 'number')
      : m.kind === 'renameEverywhere'
        ? all.filter((s) => typeof s.value === 'string')
        : all;
  const candidates = wanted.length > 0 ? wanted : all;
  const site = candidates[m.at % candidates.length];
  const { value } = site;
  switch (m.kind) {
    case 'replace':
      return put(site, copy(m.value), root);
    case 'number':
      return put(site, m.number, root);
    case 'scale':
      return typeof value === 'number' ? put(site, value * m.factor, root) : put(site, m.number, root);
    case 'cut':
      if (Array.isArray(value)) return put(site, value.slice(0, m.n % (value.length + 1)), root);
      if (isContainer(value)) {
        const keys = Object.keys(value);
        if (keys.length > 0) delete value[keys[m.n % keys.length]];
        return root;
      }
      return put(site, typeof value === 'string' ? value.slice(0, m.n % (value.length + 1)) : null, root);
    case 'grow':
      if (Array.isArray(value)) {
        value.push(value.length > 0 ? copy(value[m.n % value.length]) : copy(m.value));
        return root;
      }
      if (isContainer(value)) {
        setOwn(value, m.name, copy(m.value));
        return root;
      }
      return put(site, [value, value], root);
    case 'delete':
      if (site.parent === null) return null;
      if (Array.isArray(site.parent)) site.parent.splice(site.key as number, 1);
      else delete site.parent[site.key as string];
      return root;
    case 'rename':
      if (site.parent !== null && !Array.isArray(site.parent)) {
        renameKey(site.parent, site.key as string, m.name);
        return root;
      }
      return put(site, m.name, root);
    case 'renameEverywhere':
      return typeof value === 'string' ? renameEverywhere(root, value, m.name) : put(site, m.name, root);
    case 'wrap':
      return put(
        site,
        m.n % 2 === 0 ? [value] : { [typeof site.key === 'string' ? site.key : 'x']: value },
        root,
      );
    case 'unwrap':
      if (Array.isArray(value)) return put(site, value.length > 0 ? value[0] : null, root);
      if (isContainer(value)) return put(site, Object.values(value)[0] ?? null, root);
      return put(site, copy(m.value), root);
    case 'duplicate':
      if (Array.isArray(site.parent) && site.parent.length > 0) {
        site.parent[m.n % site.parent.length] = copy(value);
        return root;
      }
      return put(site, copy(m.value), root);
  }
}

export function applyMutations(doc: Json, ms: readonly Mutation[]): Json {
  return ms.reduce(applyMutation, doc);
}

/** JSON text made invalid: cut short, a bracket or quote dropped, or a stray character added. */
export const brokenText: fc.Arbitrary<{ cutAt: number; how: 'cut' | 'drop' | 'insert'; char: string }> =
  fc.record({
    cutAt: fc.nat(),
    how: fc.constantFrom('cut', 'drop', 'insert'),
    char: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', 'x', '\u0000', 'é'),
  });

export function breakText(text: string, b: { cutAt: number; how: string; char: string }): string {
  const at = b.cutAt % Math.max(1, text.length);
  if (b.how === 'cut') return text.slice(0, at);
  if (b.how === 'drop') {
    const structural = [...text.matchAll(/[{}[\]":,]/g)].map((match) => match.index);
    const i = structural.length > 0 ? structural[b.cutAt % structural.length] : at;
    return text.slice(0, i) + text.slice(i + 1);
  }
  return text.slice(0, at) + b.char + text.slice(at);
}

/** Throws when a case left an enumerable property on Object.prototype (prototype pollution). */
export function expectUnpolluted(): void {
  for (const key in {}) {
    delete (Object.prototype as Record<string, unknown>)[key];
    throw new Error(`Object.prototype.${key} was set`);
  }
}
