// Node-only file writes that never leave a half-written file behind (write beside the target, then
// rename), shared by the command line, studies and benchmarks.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/**
 * As writeFileAtomic, and durable: the bytes reach the disk before the rename, and the rename
 * before this returns (a checkpoint must survive the machine going down right after it).
 */
export function writeFileDurable(path: string, bytes: Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  // The directory entry too, where the platform lets a directory be opened (not Windows).
  let dirFd: number | null = null;
  try {
    dirFd = openSync(dir, 'r');
    fsyncSync(dirFd);
  } catch {
    // No directory sync here: the rename is still atomic.
  } finally {
    if (dirFd !== null) closeSync(dirFd);
  }
}
