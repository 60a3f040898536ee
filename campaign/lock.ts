/**
 * An exclusive lock on a campaign output folder (issue 17 item 10): `campaign`, `campaign --resume`
 * and `merge --out` hold `<dir>/faultline.lock` while they write, so two processes cannot run the same
 * missing trials into one folder. The lock file holds {pid, host, started, command}; it is created
 * atomically (written beside, then hard-linked into place, which fails if one exists). A lock left by a
 * process that no longer runs on this host is stale and taken over; a live one, or one from another
 * host, is refused with who holds it.
 */
import { linkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fail, ok, type Result } from '../sim/result';
import { readTextFileSafe } from '../models/io/safeFile';

/** Name of the lock file inside an output folder. */
export const LOCK_FILE = 'faultline.lock';

/** Contents of a lock file. */
export interface LockInfo {
  /** Process id of the holder. */
  readonly pid: number;
  /** Host name of the holder. */
  readonly host: string;
  /** ISO time the lock was taken. */
  readonly started: string;
  /** What the holder runs, e.g. "faultline campaign c.json --out o". */
  readonly command: string;
  /** Random token telling this holder's file from a later one. */
  readonly token: string;
}

/** A held lock. */
export interface FolderLock {
  readonly file: string;
  readonly info: LockInfo;
  /** Removes the lock file if it is still this holder's (idempotent). */
  release(): void;
}

/** True when `pid` runs on this host (EPERM: runs, as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const text = readTextFileSafe(file, { maxBytes: 64 << 10 }); // a FIFO or a huge file is no lock
    if (!text.ok) return null;
    const v = JSON.parse(text.value) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.started === 'string') {
      return { pid: v.pid, host: v.host, started: v.started, command: String(v.command ?? ''), token: String(v.token ?? '') };
    }
  } catch {
    // unreadable or half-written by a crashed holder
  }
  return null;
}

/** Human description of a holder: "pid 123 on host h since 2026-12-02T17:00:00Z (faultline campaign ...)". */
export function describeHolder(i: LockInfo): string {
  return `pid ${i.pid} on host ${i.host} since ${i.started}${i.command ? ` (${i.command})` : ''}`;
}

/** The live holder of `dir`'s lock, or null when it is free or stale (used to refuse merging a folder still being written). */
export function liveLockHolder(dir: string): LockInfo | null {
  const held = readLock(join(dir, LOCK_FILE));
  if (held === null) return null;
  return held.host === hostname() && !processAlive(held.pid) ? null : held;
}

/**
 * Takes the lock of `dir` (which must exist) for `command`. Fails naming the holder when another
 * live process holds it; removes a stale lock (dead pid on this host, or an unreadable lock file)
 * and retries once.
 */
export function acquireFolderLock(dir: string, command: string): Result<FolderLock> {
  const file = join(dir, LOCK_FILE);
  const info: LockInfo = {
    pid: process.pid, host: hostname(), started: new Date().toISOString(), command,
    token: `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  };
  const tmp = `${file}.${info.token}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(info) + '\n', { flag: 'wx' });
  } catch (e) {
    return fail(`${dir}: cannot create the lock file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(tmp, file);
        let released = false;
        return ok({
          file, info,
          release: () => {
            if (released) return;
            released = true;
            if (readLock(file)?.token === info.token) rmSync(file, { force: true });
          },
        });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
          return fail(`${file}: cannot create the lock (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        }
      }
      const held = readLock(file);
      const stale = held === null || (held.host === info.host && !processAlive(held.pid));
      if (!stale) {
        return fail(`${dir} is in use by ${describeHolder(held)}; wait for it to finish, ` +
          `or if that process is gone (another host cannot be checked from here), delete ${file}`);
      }
      // move the stale lock aside (only one taker wins the rename), then check we moved the stale one
      const aside = `${file}.stale.${info.token}`;
      try {
        renameSync(file, aside);
      } catch {
        continue; // someone else took it over first: try again, then report them
      }
      const moved = readLock(aside);
      if (moved !== null && held !== null && moved.token !== held.token) {
        // a fresh lock replaced the stale one in between: put it back and report its holder
        try { linkSync(aside, file); } catch { /* a third holder: it is reported on retry */ }
        rmSync(aside, { force: true });
        return fail(`${dir} is in use by ${describeHolder(moved)}; wait for it to finish`);
      }
      rmSync(aside, { force: true });
    }
    return fail(`${dir}: could not take the lock ${file} (another process keeps taking it)`);
  } finally {
    rmSync(tmp, { force: true });
  }
}
