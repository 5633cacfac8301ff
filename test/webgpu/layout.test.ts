// GPU-free: the TypeScript field lists in layout.ts must be the WGSL structs of bindings.wgsl,
// field for field and type for type, or every offset after a mismatch would be wrong.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  MAX_PARTS,
  MAX_POPULATIONS,
  PARAMS_BYTES,
  PARAMS_FIELDS,
  POPULATION_FIELDS,
  packParams,
} from '../../src/engine/webgpu/layout.ts';

const wgsl = readFileSync(new URL('../../shaders/bindings.wgsl', import.meta.url), 'utf8');
const splitWgsl = readFileSync(new URL('../../shaders/splitArrays.wgsl', import.meta.url), 'utf8');

function structFields(name: string): [string, string][] {
  const body = new RegExp(`struct ${name} \\{([^}]*)\\}`).exec(wgsl)![1];
  return [...body.matchAll(/^\s*(\w+):\s*(.+?),\s*(?:\/\/.*)?$/gm)].map((m) => [m[1], m[2]]);
}

describe('bindings.wgsl layout', () => {
  it('Population matches POPULATION_FIELDS', () => {
    expect(structFields('Population')).toEqual(Object.entries(POPULATION_FIELDS));
  });

  it('Params matches PARAMS_FIELDS, then the population array', () => {
    const fields = structFields('Params');
    expect(fields.slice(0, -1)).toEqual(Object.entries(PARAMS_FIELDS));
    expect(fields.at(-1)).toEqual(['pops', 'array<Population, MAX_POPULATIONS>']);
    expect(wgsl).toContain(`const MAX_POPULATIONS: u32 = ${MAX_POPULATIONS}u;`);
  });

  it('keeps uniform alignment: pops at a multiple of 16 bytes, 16-byte population stride', () => {
    expect((Object.keys(PARAMS_FIELDS).length * 4) % 16).toBe(0);
    expect((Object.keys(POPULATION_FIELDS).length * 4) % 16).toBe(0);
    expect(PARAMS_BYTES % 16).toBe(0);
  });

  it('packs f32 and u32 fields at their word offsets', () => {
    const scalars = Object.fromEntries(Object.keys(PARAMS_FIELDS).map((k) => [k, 0])) as never;
    const pops = [
      { ...Object.fromEntries(Object.keys(POPULATION_FIELDS).map((k) => [k, 0])), dt_leak: 0.01, size: 7 },
    ];
    const view = new DataView(
      packParams({ ...(scalars as object), n: 65, dt: 1e-4 } as never, pops as never),
    );
    const word = (name: string) => Object.keys(PARAMS_FIELDS).indexOf(name) * 4;
    expect(view.getUint32(word('n'), true)).toBe(65);
    expect(view.getFloat32(word('dt'), true)).toBe(Math.fround(1e-4));
    const base = Object.keys(PARAMS_FIELDS).length * 4;
    expect(view.getUint32(base + 4, true)).toBe(7);
    expect(view.getFloat32(base + 16, true)).toBe(Math.fround(0.01));
  });

  it('splitArrays.wgsl declares the extra parts createBindGroupLayouts binds (MAX_PARTS)', () => {
    const declared = [
      ...splitWgsl.matchAll(/@group\((\d)\) @binding\((\d)\) var<storage, (\w+)> (\w+)/g),
    ].map((m) => `${m[1]}/${m[2]} ${m[3]} ${m[4]}`);
    const parts = (name: string, group: number, first: number, access: string, count: number) =>
      Array.from({ length: count - 1 }, (_, p) => `${group}/${first + p} ${access} ${name}_${p + 1}`);
    expect(declared).toEqual([
      ...parts('consts', 0, 3, 'read', MAX_PARTS.consts),
      ...parts('state', 1, 4, 'read_write', MAX_PARTS.state),
    ]);
  });
});
