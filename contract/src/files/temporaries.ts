import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * This process's temporaries (files and folders being written before their rename into place).
 * They are removed when the process exits, including by process.exit from a signal handler; a
 * process killed outright (kill -9) leaves them, and the next write of the same output removes them
 * (their names carry the writer's pid, so only a dead writer's temporaries are taken).
 */
const live = new Set<string>();
let hooked = false;

function removeLive(): void {
  if (live.size === 0) return;
  for (const path of live) rmSync(path, { recursive: true, force: true, maxRetries: 2 });
  // A write already handed to libuv's thread pool (the mkdir or a file of a folder being filled) can
  // still land after the removal: wait a moment for it, then remove again.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  for (const path of live) rmSync(path, { recursive: true, force: true, maxRetries: 2 });
  live.clear();
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A sibling temporary name for `path` (same directory, so the final rename is atomic), registered for
 * removal at exit until `releaseTemporary` says it took its final name.
 */
export function temporaryPath(path: string): string {
  if (!hooked) {
    process.once('exit', removeLive);
    hooked = true;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  live.add(tmp);
  return tmp;
}

/** The temporary was renamed into place (or removed): nothing to remove at exit. */
export function releaseTemporary(tmp: string): void {
  live.delete(tmp);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temporaries of `path` that a process no longer running left (a kill -9, a power cut). */
export function removeStaleTemporaries(path: string): void {
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(path))}\\.(\\d+)-[0-9a-f]{8}\\.tmp(\\.old)?$`);
  let entries: string[];
  try {
    entries = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = Number(pattern.exec(entry)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) rmSync(join(dirname(path), entry), { recursive: true, force: true });
  }
}
