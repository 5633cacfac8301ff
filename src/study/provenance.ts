// Where a point ran and with what code (beNNch's metadata with every result). The code version —
// package version and git commit — is also half of every point's id, so a point is redone when
// the code changes and never twice for the same code.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, hostname, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function git(args: string[]): string | null {
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
      gitCommit: commit ?? 'unknown',
      gitDirty: commit !== null && (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    };
  }
  return cached;
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
