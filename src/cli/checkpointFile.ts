// `simulate --checkpoint` / `--resume` files (docs/checkpoints.md): an engine snapshot
// (snapshotCodec.ts) with the run file's SHA-256, written durably and atomically. A checkpoint
// resumes only the run file it was taken from, byte for byte.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  writeFileDurable,
  SnapshotMismatch,
  decodeSnapshot,
  encodeSnapshot,
  type EngineSnapshot,
} from '../node.ts';

export function runFileHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function writeCheckpoint(
  path: string,
  snapshot: EngineSnapshot,
  runFile: { path: string; sha256: string },
  total: number,
): void {
  const fields = { runFile, written: new Date().toISOString(), done: snapshot.done, total };
  writeFileDurable(path, encodeSnapshot(snapshot, fields));
}

/** The snapshot in `path`; a SnapshotMismatch when it is unreadable or of another run file. */
export function readCheckpoint(path: string, runFile: { path: string; sha256: string }): EngineSnapshot {
  const { snapshot, fields } = decodeSnapshot(new Uint8Array(readFileSync(path)));
  const saved = fields.runFile as { path?: string; sha256?: string } | undefined;
  if (saved?.sha256 !== runFile.sha256) {
    throw new SnapshotMismatch(
      `it was taken from run file ${JSON.stringify(saved?.path)} (SHA-256 ${saved?.sha256?.slice(0, 12)}…), ` +
        `not from ${JSON.stringify(runFile.path)} (SHA-256 ${runFile.sha256.slice(0, 12)}…) as it is now`,
    );
  }
  return snapshot;
}
