/**
 * The one way Faultline reads a user-named file and rewrites one of its own (issue 17, items 9 and
 * 12): regular files only (a device, FIFO, socket or folder is refused before any byte is read; FIFOs
 * are opened non-blocking so they cannot hang), size checked from fstat before reading, an optional
 * folder the real path must stay inside (symlinks resolved), and writes via a temp file + rename so a
 * crash or a full disk leaves the old file or the new one, never a truncated one. Every failure names
 * the file.
 */
import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fail, ok, type Result } from '../../sim/result';
import { stripBom } from '../../scenarios/json';

/** Options of `readRegularFile`. */
export interface SafeReadOptions {
  /** Largest size accepted, bytes. */
  readonly maxBytes: number;
  /** When set, the file's real path (symlinks resolved) must lie inside this folder's real path. */
  readonly inside?: string;
  /** How the file is named in messages (default: the path as given). */
  readonly label?: string;
}

const code = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Checks that `file` (resolved) lies inside `folder` after resolving symlinks of both. */
export function insideFolder(file: string, folder: string, label = file): Result<string> {
  let realDir: string;
  let real: string;
  try {
    realDir = realpathSync(folder);
  } catch (e) {
    return fail(`${folder}: cannot read folder (${code(e)})`);
  }
  const lexical = relative(resolve(folder), resolve(folder, file));
  if (lexical.startsWith('..') || isAbsolute(lexical)) return fail(`${label}: path leaves the folder ${folder}`);
  try {
    real = realpathSync(resolve(folder, file));
  } catch (e) {
    return fail(`${label}: cannot read file (${code(e)})`);
  }
  const r = relative(realDir, real);
  if (r.startsWith('..') || isAbsolute(r)) return fail(`${label}: resolves to ${real}, outside the folder ${folder} (symlinks may not leave it)`);
  return ok(real);
}

/**
 * Reads a whole regular file of at most `maxBytes` bytes. Refuses folders, devices (/dev/zero),
 * FIFOs and sockets before reading, a size over the limit from fstat, and (with `inside`) a path whose
 * real location leaves that folder. Never blocks on a FIFO; never reads more than `maxBytes` + 1 bytes.
 */
export function readRegularFile(path: string, opts: SafeReadOptions): Result<Buffer> {
  const label = opts.label ?? path;
  let target = path;
  if (opts.inside !== undefined) {
    const r = insideFolder(path, opts.inside, label);
    if (!r.ok) return r;
    target = r.value;
  }
  try {
    const st = statSync(target);
    if (!st.isFile()) return fail(`${label}: expected a regular file, found ${kindOf(st)}`);
    if (st.size > opts.maxBytes) return fail(`${label}: expected at most ${opts.maxBytes} bytes, found ${st.size}`);
  } catch (e) {
    return fail(`${label}: cannot read file (${code(e)})`);
  }
  let fd: number;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO after the stat, open does not wait for a writer
    fd = openSync(target, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return fail(`${label}: cannot read file (${code(e)})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return fail(`${label}: expected a regular file, found ${kindOf(st)}`);
    if (st.size > opts.maxBytes) return fail(`${label}: expected at most ${opts.maxBytes} bytes, found ${st.size}`);
    // read at most maxBytes + 1: a file growing while read is caught without reading it all
    const buf = Buffer.allocUnsafe(Math.min(opts.maxBytes + 1, st.size + 1));
    let n = 0;
    for (;;) {
      if (n === buf.length) break;
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > opts.maxBytes) return fail(`${label}: expected at most ${opts.maxBytes} bytes, found more (the file grew while read)`);
    return ok(buf.subarray(0, n));
  } catch (e) {
    return fail(`${label}: cannot read file (${code(e)})`);
  } finally {
    closeSync(fd);
  }
}

/** The first `n` bytes (fewer if the file is shorter) of a regular file, with the checks of `readRegularFile` but no size limit. */
export function readFileHead(path: string, n: number, label = path): Result<Buffer> {
  try {
    const st = statSync(path);
    if (!st.isFile()) return fail(`${label}: expected a regular file, found ${kindOf(st)}`);
    const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      if (!fstatSync(fd).isFile()) return fail(`${label}: expected a regular file, found ${kindOf(fstatSync(fd))}`);
      const buf = Buffer.alloc(n);
      const got = readSync(fd, buf, 0, n, 0);
      return ok(buf.subarray(0, got));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return fail(`${label}: cannot read file (${code(e)})`);
  }
}

/** `readRegularFile` as UTF-8 text with a leading byte-order mark removed. */
export function readTextFileSafe(path: string, opts: SafeReadOptions): Result<string> {
  const r = readRegularFile(path, opts);
  return r.ok ? ok(stripBom(r.value.toString('utf8'))) : r;
}

let tmpSeq = 0;

/**
 * Replaces `file` atomically: writes `<file>.<pid>.<n>.tmp` in the same folder, fsyncs it, renames
 * it over `file` and fsyncs the folder. On any failure the temp file is removed and the old `file`
 * is left as it was; the thrown Error names `file` and the cause (e.g. ENOSPC).
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${tmpSeq++}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`${file}: cannot write (${code(e)}); the previous version, if any, is unchanged`);
  }
  try {
    const d = openSync(dirname(file), 'r');
    try { fsyncSync(d); } finally { closeSync(d); }
  } catch {
    // some file systems refuse fsync on a folder; the rename itself is done
  }
}
