// The test suite's tiers (vitest projects in vitest.config.ts), one command each (`npm run
// test:TIER`) and all of them in `npm test`. A file belongs to the tier that lists it by name, else
// to the tier of its folder under test/; test/tiers.test.ts checks that every test file has one.

export interface Tier {
  /** What the tier needs and covers, for `npm run` and the README. */
  about: string;
  /** Per-test timeout, ms. */
  timeout: number;
  /** Folders under test/ whose files are in this tier (unless another tier names them). */
  dirs: string[];
  /** Files under test/ in this tier wherever their folder puts them. */
  files: string[];
}

export const TIERS: Record<string, Tier> = {
  unit: {
    about: 'Node only: the model, construction, analysis, the CPU engine, presets, plots, the app logic',
    timeout: 120_000,
    dirs: ['analysis', 'construct', 'engine', 'experiments', 'model', 'report', 'web'],
    files: ['tiers.test.ts', 'layers.test.ts'],
  },
  cli: {
    about: 'the latentspike command and the study platform as child processes (with a real redis-server)',
    timeout: 300_000,
    dirs: ['cli', 'study'],
    files: [],
  },
  webgpu: {
    about:
      'the WebGPU engine against the CPU engine on the software adapters (SwiftShader, llvmpipe); the conformance suite',
    timeout: 300_000,
    dirs: ['webgpu', 'conformance'],
    files: [],
  },
  browser: {
    about: 'the app, the study report and the grid in headless Chromium',
    timeout: 300_000,
    dirs: ['browser'],
    files: ['study/reportBrowser.test.ts', 'bench/gridBrowser.test.ts'],
  },
  library: {
    about:
      'the package: the browser entry bundled by Vite, npm pack, the examples from the installed tarball',
    timeout: 600_000,
    dirs: ['library'],
    files: [],
  },
  bench: {
    about: 'benchmark smoke runs (the CPU bench, the grid, the Brian2 peer)',
    timeout: 300_000,
    dirs: ['bench'],
    files: [],
  },
};

/** The tier of a test file given by its path under test/ (`webgpu/plan.test.ts`), or null. */
export function tierOf(file: string): string | null {
  const named = Object.entries(TIERS).find(([, t]) => t.files.includes(file));
  if (named) return named[0];
  const dir = file.split('/')[0];
  const byDir = Object.entries(TIERS).find(([, t]) => t.dirs.includes(dir));
  return byDir ? byDir[0] : null;
}

/** vitest's include and exclude globs of one tier. */
export function tierGlobs(name: string): { include: string[]; exclude: string[] } {
  const tier = TIERS[name];
  const claimedElsewhere = Object.entries(TIERS)
    .filter(([other]) => other !== name)
    .flatMap(([, t]) => t.files)
    .filter((f) => tier.dirs.includes(f.split('/')[0]));
  return {
    include: [...tier.dirs.map((d) => `test/${d}/**/*.test.ts`), ...tier.files.map((f) => `test/${f}`)],
    exclude: ['**/node_modules/**', ...claimedElsewhere.map((f) => `test/${f}`)],
  };
}
