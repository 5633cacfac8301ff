// Every test file runs in exactly one tier (test/tiers.ts): a file in a folder no tier lists would
// otherwise never run, since vitest runs only what a project includes.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TIERS, tierOf } from './tiers.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const testFiles = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.test.ts'));

describe('test tiers', () => {
  it('put every test file in a tier', () => {
    expect(testFiles.length).toBeGreaterThan(50);
    expect(testFiles.filter((f) => tierOf(f) === null)).toEqual([]);
  });

  it('name only files that exist, each in one tier', () => {
    const named = Object.values(TIERS).flatMap((t) => t.files);
    expect(named.filter((f) => !testFiles.includes(f))).toEqual([]);
    expect(new Set(named).size).toBe(named.length);
  });
});
