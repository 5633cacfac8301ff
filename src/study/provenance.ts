// Where a point ran and with what code (beNNch's metadata with every result). The code version —
// the package version and a hash of the code that computes results (src/ but the command line, the
// browser app and the plots; shaders/; the locked dependencies) — is half of every point's id: a
// point is redone when that code changes, and never twice for the same code, whatever happens to
// the CLI, docs, tests or git history meanwhile.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, hostname, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function git(args: string[]): string | null {
  // An installed package (node_modules/latentspike) may sit inside someone else's repository.
  if (!existsSync(join(ROOT, '.git'))) return null;
  try {
    return execFileSync('git', args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null; // an installed package has no repository: the commit is unknown, not an error
  }
}

export interface CodeVersion {
  packageVersion: string;
  /** sha256 (16 hex digits) of src/ (an installed package: dist/), shaders/ and package-lock.json. */
  sourceHash: string;
  gitCommit: string;
  gitDirty: boolean;
}

let cached: CodeVersion | null = null;

export function codeVersion(): CodeVersion {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };
    const commit = git(['rev-parse', 'HEAD']);
    cached = {
      packageVersion: pkg.version,
      sourceHash: sourceHash(),
      gitCommit: commit ?? 'unknown',
      gitDirty: commit !== null && (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    };
  }
  return cached;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : e.isFile() ? [path] : [];
  });
}

/** The code: src/ in a checkout, dist/ in an installed package (which has no src/). */
const CODE = join(ROOT, existsSync(join(ROOT, 'src')) ? 'src' : 'dist');
/** Parts of the code that present results but do not compute them. */
const PRESENTATION = ['cli', 'web', 'report'].map((dir) => join(CODE, dir));

function sourceHash(): string {
  const hash = createHash('sha256');
  const files = [
    ...filesUnder(CODE).filter((f) => !PRESENTATION.some((dir) => f.startsWith(dir + '/'))),
    ...filesUnder(join(ROOT, 'shaders')),
    join(ROOT, 'package-lock.json'),
  ];
  for (const file of files.filter(existsSync).sort()) {
    hash.update(file.slice(ROOT.length)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** The machine's part of a point's provenance. */
export function machine(): { cpu_model: string; cores: number; total_memory_gib: number; host: string } {
  return {
    cpu_model: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    total_memory_gib: totalmem() / 2 ** 30,
    host: hostname(),
  };
}
