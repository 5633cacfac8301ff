// Fuzzed run files: random mutations (jsonMutations.ts) of the run files of several presets, made
// small. Every mutated file is either accepted — and then compiles, simulates on the CPU engine
// and records only finite latents and readouts — or refused with a RunFileError whose path names
// a field. Any other exception is a parser bug. The command line gets a sample of the same files:
// exit 0 with a complete result file, or exit 2 with `error: <path>: …`, no stack trace, no file.
//
// Replay a failure: fast-check prints its seed; `FC_SEED=<seed> npx vitest run test/model/fuzzRunFile.test.ts`.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine.ts';
import { findPreset } from '../../src/experiments/presets/index.ts';
import { compileNetwork } from '../../src/model/compile.ts';
import { RunFileError } from '../../src/model/errors.ts';
import { parseRunFile, parseRunFileText } from '../../src/model/parse.ts';
import { RESULT_FORMAT, type RunFileJson } from '../../src/model/runFile.ts';
import { withSteps } from '../../src/study/overrides.ts';
import {
  applyMutations,
  breakText,
  brokenText,
  expectUnpolluted,
  fuzzParameters,
  mutations,
  type Json,
} from './jsonMutations.ts';

const BIN = fileURLToPath(new URL('../../bin/latentspike.js', import.meta.url));

/** Sizes a mutated file may have and still be simulated here (larger ones are skipped unparsed). */
const MAX_STEPS = 200;
const MAX_POPULATION = 60;
const MAX_TRIALS = 3;
/** Files run through the bin (each a Node process starting tsx, about a second). */
const CLI_CASES = 24;

/** A preset's first run file cut to `steps` steps (an input given per step is resampled). */
function small(name: string, steps: number, options: { trials?: number } = {}): RunFileJson {
  const run = findPreset(name)!.runs({ seed: 0, ...options })[0];
  return withSteps(run, steps);
}

/** fig5 with its input as keyframes instead of samples, so keyframe fields get mutated too. */
function keyframed(): RunFileJson {
  const run = small('fig5', 120);
  const t = [0, 0.002, 0.004];
  return { ...run, input: { keyframes: { t, x: [[-1, 2, 5]] } } };
}

const BASES: { name: string; run: RunFileJson }[] = [
  { name: 'fig4', run: small('fig4', 150) },
  { name: 'fig5', run: small('fig5', 150) },
  { name: 'fig12a', run: small('fig12a', 150) },
  { name: 'figS2', run: small('figS2', 120, { trials: 2 }) },
  { name: 'tutorial', run: small('tutorial', 100) },
  { name: 'fig7', run: small('fig7', 120) },
  { name: 'fig8', run: small('fig8', 120) },
  { name: 'fig10', run: small('fig10', 120) },
  { name: 'fig12b', run: small('fig12b', 120) },
  { name: 'fig2e', run: small('fig2e', 100) },
  { name: 'fig5 keyframes', run: keyframed() },
];

const mutatedFile = fc.record({ base: fc.nat(BASES.length - 1), edits: mutations(3) });

function mutate({ base, edits }: { base: number; edits: Parameters<typeof applyMutations>[1] }): Json {
  return applyMutations(BASES[base].run as unknown as Json, edits);
}

const asObject = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** Whether a mutation made the file too large to simulate in a unit test (an admission question). */
function tooLarge(json: Json): boolean {
  const root = asObject(json);
  if (!root) return false;
  const over = (v: unknown, max: number) => typeof v === 'number' && v > max;
  if (over(root.steps, MAX_STEPS) || over(root.trials, MAX_TRIALS)) return true;
  const pops = Array.isArray(root.populations) ? root.populations : [];
  return pops.length > 8 || pops.some((p) => over(asObject(p)?.size, MAX_POPULATION));
}

/** A JSON path as the parser writes them: `(root)`, a field, `a.b[3]`, `a["odd key"]`. */
const JSON_PATH =
  /^(\(root\)|[^\s.[\]"]+|\["(?:[^"\\]|\\.)*"\])(\.[^\s.[\]"]+|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*$/u;

function expectFieldError(e: unknown, what: string): asserts e is RunFileError {
  if (!(e instanceof RunFileError)) {
    throw new Error(`${what} threw ${(e as Error)?.name ?? typeof e}, not a RunFileError: ${String(e)}`, {
      cause: e,
    });
  }
  expect(e.path, e.message).not.toBe('');
  expect(e.path, e.message).toMatch(JSON_PATH);
  expect(e.message).toBe(`${e.path}: ${e.problem}`);
  expect(e.message).not.toMatch(/\n\s+at /);
}

function expectFinite(values: ArrayLike<number>, what: string): void {
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) throw new Error(`${what}[${k}] is ${values[k]}`);
  }
}

const engine = new CpuEngine();
const tally = { accepted: 0, refused: 0, skipped: 0 };

/** Parses `json`; an accepted file is compiled and simulated. Returns what happened. */
async function check(json: Json): Promise<'accepted' | 'refused' | 'skipped'> {
  if (tooLarge(json)) return 'skipped';
  let spec;
  try {
    spec = parseRunFile(json);
  } catch (e) {
    expectFieldError(e, 'parseRunFile');
    return 'refused';
  }
  const net = compileNetwork(spec);
  const result = await engine.run(net);
  expect(result.trials).toHaveLength(spec.trials);
  result.trials.forEach((trial, k) => {
    trial.latents?.forEach((y, l) => expectFinite(y, `trial ${k} latent ${spec.latents[l].name}`));
    trial.readouts?.forEach((r, q) => expectFinite(r, `trial ${k} readout ${spec.readouts[q].name}`));
  });
  return 'accepted';
}

describe('fuzzed run files (parseRunFile → compile → CPU engine)', () => {
  it('every base file is valid and small', async () => {
    for (const { name, run } of BASES) {
      expect(tooLarge(run as unknown as Json), name).toBe(false);
      expect(await check(run as unknown as Json), name).toBe('accepted');
    }
  });

  it('a mutated file is accepted and simulates to finite latents, or is refused at a JSON path', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedFile, async (c) => {
        tally[await check(mutate(c))]++;
        expectUnpolluted();
      }),
      fuzzParameters(1600),
    );
    console.log(
      `run-file fuzz: ${tally.accepted} accepted and simulated, ${tally.refused} refused, ${tally.skipped} too large to simulate`,
    );
    // The mutations must leave enough files valid for the simulation half to be exercised.
    expect(tally.accepted).toBeGreaterThan(100);
  });

  it('broken JSON text is refused at the file name, other text edits parse or refuse at a path', () => {
    fc.assert(
      fc.property(mutatedFile, brokenText, (c, b) => {
        const text = breakText(JSON.stringify(mutate(c)), b);
        try {
          parseRunFileText(text, 'f.json');
        } catch (e) {
          expectFieldError(e, 'parseRunFileText');
          let valid = true;
          try {
            JSON.parse(text);
          } catch {
            valid = false;
          }
          if (!valid) expect(e.path).toBe('f.json');
        }
      }),
      fuzzParameters(400),
    );
  });
});

/** Runs the bin; resolves with its exit code and output. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('fuzzed run files through `latentspike simulate`', () => {
  it('exits 0 with a complete result file, or 2 naming a path with nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentspike-fuzz-'));
    // One edit each, so that a fair share runs; JSON cannot carry NaN or ±Infinity, and
    // JSON.stringify writes them as null, as a user's file would hold them. One file in five is
    // also broken as text.
    // fc.sample reports no seed of its own: each failure message names this one (FC_SEED=…).
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);
    const cliCase = fc.record({
      base: fc.nat(BASES.length - 1),
      edits: mutations(1),
      broken: fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: brokenText, weight: 1 }),
    });
    const cases = fc
      .sample(cliCase, { numRuns: 60, seed })
      .map((c) => {
        const text = JSON.stringify(mutate(c)) ?? 'undefined';
        return c.broken ? breakText(text, c.broken) : text;
      })
      .filter((text) => {
        try {
          return !tooLarge(JSON.parse(text) as Json);
        } catch {
          return true;
        }
      })
      .slice(0, CLI_CASES - 2);
    // Two files that must run, so the success path is always taken: unicode names everywhere, and
    // several trials.
    const unicode = JSON.stringify(BASES[0].run)
      .replaceAll('"E"', '"Ε"')
      .replaceAll('"I"', '"名前 🧠"')
      .replaceAll('"yE"', '"y\u0301"');
    cases.unshift(unicode, JSON.stringify(BASES[3].run));
    const outcomes = { ok: 0, refused: 0 };
    const one = async (text: string, i: number) => {
      const file = join(dir, `case${i}.json`);
      const out = join(dir, `case${i}-result.json`);
      writeFileSync(file, text);
      const { code, stderr } = await cli(['simulate', file, '--backend', 'cpu', '--out', out]);
      const context = `FC_SEED=${seed}, case ${i} (${file}): exit ${code}\n${stderr}`;
      expect(stderr, context).not.toMatch(/\n\s+at /);
      if (code === 0) {
        outcomes.ok++;
        const result = JSON.parse(readFileSync(out, 'utf8')) as {
          format: string;
          latents?: Record<string, { values: number[] | number[][] }>;
        };
        expect(result.format, context).toBe(RESULT_FORMAT);
        for (const [name, { values }] of Object.entries(result.latents ?? {})) {
          for (const v of values.flat()) expect(Number.isFinite(v), `${context}: latent ${name}`).toBe(true);
        }
        return;
      }
      outcomes.refused++;
      expect(code, context).toBe(2);
      const line = stderr.trim().split('\n');
      expect(line, context).toHaveLength(1);
      const match = /^error: (.+?): /.exec(line[0]);
      expect(match, context).not.toBeNull();
      expect(existsSync(out), context).toBe(false);
      // The message is the parser's: the same path in process.
      try {
        parseRunFileText(text, file);
        throw new Error(`${context}: accepted in process`);
      } catch (e) {
        expectFieldError(e, 'parseRunFileText');
        expect(line[0]).toBe(`error: ${e.message}`);
      }
    };
    // Two at a time: each is a Node process starting tsx.
    for (let i = 0; i < cases.length; i += 2) {
      await Promise.all(cases.slice(i, i + 2).map((text, j) => one(text, i + j)));
    }
    console.log(`CLI fuzz: ${outcomes.ok} simulated, ${outcomes.refused} refused (exit 2)`);
    expect(outcomes.ok + outcomes.refused).toBe(cases.length);
    expect(outcomes.ok).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
