/**
 * The results file: one JSON line per finished trial, appended as trials finish (in completion
 * order) and fsync'ed every `syncEvery` lines. Non-finite numbers (Infinity/NaN after exponent-bit
 * flips) are written as the strings "Infinity", "-Infinity", "NaN" and read back as numbers.
 * Reading detects a partially written last line (a killed writer) and can truncate it away.
 *
 * Integrity (issue 17 item 11): every line ends in `"d"`, the first 32 hex digits of
 * SHA-256("faultline-results-v1\0" + campaign hash + "\0" + the line without "d"). A line edited by
 * hand, or copied from another campaign's folder, no longer matches and is refused by name and line.
 * This detects edits and mix-ups; it is not a signature (there is no secret).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import type { TrialResult } from './types';
import { fail, ok, type Result } from '../sim/result';
import { readRegularFile } from '../models/io/safeFile';

/** Largest results.jsonl read, bytes (1 GiB: 1,000,000 trials of ~1 KiB). */
export const MAX_RESULTS_BYTES = 1 << 30;

/** One line of results.jsonl. */
export interface TrialRecord {
  /** Format version, 1. */
  readonly v: 1;
  /** Global trial index. */
  readonly i: number;
  /** Point key. */
  readonly point: string;
  /** Trial number within the point. */
  readonly trial: number;
  /** Trial seed (uint32). */
  readonly seed: number;
  readonly r: TrialResult;
}

const NONFINITE = new Set(['Infinity', '-Infinity', 'NaN']);

const body = (rec: unknown): string =>
  JSON.stringify(rec, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));

/** Integrity digest of a record's canonical text under a campaign hash (32 hex digits). */
export function recordDigest(text: string, campaignHash: string): string {
  return createHash('sha256').update(`faultline-results-v1\0${campaignHash}\0${text}`).digest('hex').slice(0, 32);
}

/** Serializes a record as one line (with trailing newline) ending in its digest under `campaignHash`; key order is fixed. */
export function recordLine(rec: TrialRecord, campaignHash: string): string {
  const text = body(rec);
  return `${text.slice(0, -1)},"d":"${recordDigest(text, campaignHash)}"}\n`;
}

/** Parses one line back into a record and checks its digest under `campaignHash`, or returns why it is not one. */
export function parseRecordLine(line: string, campaignHash: string): Result<TrialRecord> {
  let doc: unknown;
  try {
    doc = JSON.parse(line, (_k, v: unknown) => (typeof v === 'string' && NONFINITE.has(v) ? Number(v) : v));
  } catch (e) {
    return fail(`not JSON: ${(e as Error).message}`);
  }
  const d = doc as (Partial<TrialRecord> & { d?: unknown }) | null;
  if (!d || typeof d !== 'object' || d.v !== 1 || !Number.isInteger(d.i) || typeof d.point !== 'string' || !Number.isInteger(d.trial) ||
      !Number.isInteger(d.seed) || typeof d.r !== 'object' || d.r === null || !Number.isInteger(d.r.images)) {
    return fail('expected {v:1, i, point, trial, seed, r:{images,...}, d}');
  }
  const { d: digest, ...rec } = d;
  if (typeof digest !== 'string') return fail('no integrity digest "d" (written by an older Faultline, or edited); expected one on every line', 'd');
  if (digest !== recordDigest(body(rec), campaignHash)) {
    return fail('integrity digest does not match the line (edited by hand, or copied from another campaign\'s folder)', 'd');
  }
  return ok(rec as TrialRecord);
}

/** What reading a results file found. */
export interface ResultsRead {
  /** Valid records in file order. */
  readonly records: readonly TrialRecord[];
  /** Byte length of the valid prefix (everything up to the last complete, valid line). */
  readonly validBytes: number;
  /** The partially written last line, if any (no trailing newline, or not parseable). */
  readonly partialLine: string | null;
}

/**
 * Reads a results file written for `campaignHash`. A broken line that is not the last one is an
 * error (the file was edited or damaged), and so is a complete line whose digest does not match;
 * an unfinished last line (no newline, or not JSON) is reported as `partialLine`. A missing file
 * reads as empty; a device, FIFO or folder in its place is refused.
 */
export function readResults(file: string, campaignHash: string): Result<ResultsRead> {
  if (!existsSync(file)) return ok({ records: [], validBytes: 0, partialLine: null });
  const read = readRegularFile(file, { maxBytes: MAX_RESULTS_BYTES });
  if (!read.ok) return read;
  const buf = read.value;
  const records: TrialRecord[] = [];
  let pos = 0;
  let lineNo = 0;
  while (pos < buf.length) {
    lineNo++;
    const nl = buf.indexOf(0x0a, pos);
    const end = nl < 0 ? buf.length : nl;
    const text = buf.subarray(pos, end).toString('utf8');
    const rec = nl < 0 ? fail('no trailing newline') : parseRecordLine(text, campaignHash);
    if (!rec.ok) {
      const isLast = nl < 0 || nl === buf.length - 1;
      // a finished line that parses but fails its digest is an edit, not a crash artefact
      if (isLast && rec.path !== 'd') return ok({ records, validBytes: pos, partialLine: text });
      if (rec.path === 'd') return fail(`${file}:${lineNo}: trial record refused: ${rec.reason}; delete the line to run that trial again`);
      return fail(`${file}:${lineNo}: damaged results line (${rec.reason}); not the last line, so not a crash artefact`);
    }
    records.push(rec.value);
    pos = end + 1;
  }
  return ok({ records, validBytes: pos, partialLine: null });
}

/** Cuts a results file down to `bytes` (drops a partial last line before appending). */
export function truncateResults(file: string, bytes: number): void {
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Appends records, one write per line, fsync every `syncEvery` lines and on close. */
export class ResultsWriter {
  private readonly fd: number;
  private pending = 0;

  /** Opens `file` for appending (created if missing); lines carry digests under `campaignHash`. `syncEvery`: lines per fsync, >= 1. */
  constructor(private readonly file: string, private readonly campaignHash: string, private readonly syncEvery = 8) {
    try {
      this.fd = openSync(file, 'a');
    } catch (e) {
      throw this.named(e, 'open');
    }
  }

  /** An I/O error with the file named (e.g. "…/results.jsonl: cannot append (ENOSPC)"). */
  private named(e: unknown, what: string): Error {
    return new Error(`${this.file}: cannot ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }

  /** Appends one record as one line. */
  append(rec: TrialRecord): void {
    const line = Buffer.from(recordLine(rec, this.campaignHash), 'utf8');
    let off = 0;
    try {
      while (off < line.length) off += writeSync(this.fd, line, off);
    } catch (e) {
      throw this.named(e, 'append');
    }
    if (++this.pending >= this.syncEvery) this.flush();
  }

  /** Forces written lines to disk. */
  flush(): void {
    try {
      if (this.pending > 0) fsyncSync(this.fd);
    } catch (e) {
      throw this.named(e, 'sync');
    }
    this.pending = 0;
  }

  /** Flushes and closes the file. */
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
