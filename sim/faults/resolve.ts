/**
 * Resolves declared FaultRecords into ConcreteFaults: random locations and empty bit lists are drawn
 * with a seeded pure-rand generator (same seed, same faults), MBU clusters are expanded into one
 * concrete fault per word / PE, and every location and bit is checked against the array.
 * Cluster semantics: for SRAM targets `cluster.cols` adjacent words (address .. address+cols-1,
 * `rows` x `cols` words when rows > 1, rows apart by `cols`); for PE targets a rows x cols block
 * of PEs starting at (row, col). Random locations draw the cluster origin so it fits.
 * Windows: seu / mbu hit the value held at window.start (until rewritten or reloaded; reads from
 * window.end on see the stored value again, in an SRAM word and in a PE register still holding the
 * value: `readEnd`); with `everyValue` they hit every value held during the window; stuck-at forces
 * over the window. Scrubs (`applyScrubs`) rewrite SRAM words with correct
 * values. With ECC (spec.ecc) an SRAM word has data bits 0..k-1 and check bits k..k+r.
 * The engine API refuses what the scenario validator refuses: non-adjacent mbu bits, SRAM clusters
 * of more than one row, more than MAX_RUN_FAULTS concrete faults (checked before expanding).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { fail, ok, type Result } from '../result';
import type { ArraySpec } from '../types';
import type { FaultRecord } from './types';
import { isSram, opOf, type ConcreteFault } from './ops';
import { wordBits } from '../format/format';
import { sramWords, type SramName } from '../memory/layout';
import { checkBits } from '../memory/ecc';

/** Most concrete faults (one word or PE each) a run may hold; resolution refuses more before
 * expanding them (scenario and campaign schemas may use it as their limit too). */
export const MAX_RUN_FAULTS = 1_000_000;

/** A scrub: SRAM `target` rewritten with correct values at `cycle` (accelerator cycles). */
export interface ScrubEvent {
  readonly target: SramName;
  readonly cycle: number;
}

/** A seeded random source (mutable pure-rand generator). */
export type Rng = ReturnType<typeof xoroshiro128plus>;

/** Creates a reproducible generator from an integer seed. The seed is mixed (murmur3 finalizer)
 * and the first outputs are discarded: xoroshiro128+ seeded with small integers starts with
 * strongly correlated values (e.g. a first uniform draw of 0.99999998 for seed 1). */
export function makeRng(seed: number): Rng {
  let h = (seed | 0) ^ 0x9e3779b9;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  const rng = xoroshiro128plus(h | 0);
  for (let i = 0; i < 8; i++) rng.next();
  return rng;
}

/** Uniform integer in [lo, hi] (inclusive) from a generator. */
export function randInt(rng: Rng, lo: number, hi: number): number {
  return uniformInt(rng, lo, hi);
}

/** Stored bits per word / register of a target: the format word for SRAMs (plus the SEC-DED check
 * bits of an ECC-protected SRAM) and weight/input registers, 32 for psum. */
export function targetBits(spec: ArraySpec, target: FaultRecord['target']): number {
  if (target === 'pe.psum') return 32;
  return wordBits(spec.format) + (isSram(target) ? checkBits(spec, target) : 0);
}

/** Words of an SRAM target under a spec. */
export function targetWords(spec: ArraySpec, target: 'weightSram' | 'ifmapSram' | 'ofmapSram'): number {
  const kib = target === 'weightSram' ? spec.sram.weightKiB : target === 'ifmapSram' ? spec.sram.ifmapKiB : spec.sram.ofmapKiB;
  return sramWords(kib, wordBits(spec.format));
}

/** Resolves records (index i of `records` becomes `source` i). `seed` drives every random draw. */
export function resolveFaults(spec: ArraySpec, records: readonly FaultRecord[], seed = 0): Result<ConcreteFault[]> {
  let count = 0;
  for (const r of records) count += Math.max(1, r.cluster?.rows ?? 1) * Math.max(1, r.cluster?.cols ?? 1);
  if (count > MAX_RUN_FAULTS) return fail(`faults: expected at most ${MAX_RUN_FAULTS} concrete faults (words / PEs) in one run, found ${count}; lower the rate or run fewer inferences`, 'faults');
  const rng = makeRng(seed);
  const out: ConcreteFault[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = resolveOne(spec, records[i], i, rng);
    if (!r.ok) return r;
    for (const c of r.value) out.push(c);
  }
  return ok(out);
}

function resolveOne(spec: ArraySpec, f: FaultRecord, source: number, rng: Rng): Result<ConcreteFault[]> {
  const p = `faults[${source}]`;
  const width = targetBits(spec, f.target);
  let bits = [...f.bits];
  if (bits.length === 0) bits = [randInt(rng, 0, width - 1)];
  for (const b of bits) {
    if (!Number.isInteger(b) || b < 0 || b >= width) return fail(`${p}.bits: expected integers in 0..${width - 1} for ${f.target}, found ${b}`, `${p}.bits`);
  }
  if (f.kind === 'mbu') {
    const sorted = [...bits].sort((x, y) => x - y);
    if (!sorted.every((b, i) => i === 0 || b === sorted[i - 1] + 1)) return fail(`${p}.bits: an mbu flips adjacent bits: expected consecutive positions, found ${JSON.stringify(f.bits)}`, `${p}.bits`);
  }
  if (new Set(bits).size !== bits.length) return fail(`${p}.bits: expected distinct bit positions, found ${JSON.stringify(f.bits)}`, `${p}.bits`);
  const start = f.window.start;
  if (!Number.isInteger(start) || start < 0) return fail(`${p}.window.start: expected a cycle >= 0, found ${start}`, `${p}.window.start`);
  const wEnd = f.window.end ?? Infinity;
  if (!(wEnd > start)) return fail(`${p}.window.end: expected a cycle > start ${start}, found ${String(f.window.end)}`, `${p}.window.end`);
  const transient = f.kind === 'seu' || f.kind === 'mbu';
  if (f.everyValue && !transient) return fail(`${p}.everyValue: expected only on seu or mbu faults, found ${f.kind}`, `${p}.everyValue`);
  const sram = isSram(f.target);
  // seu / mbu: hit the value held at start (end = start + 1); reads from window.end on see the
  // stored value again (SRAM word, or PE register still holding the value: the engine keeps the flip
  // only in what was read before, sim/engine/faultyMods.ts). everyValue: every value held during the
  // window, none read after it.
  const end = !transient ? wEnd : f.everyValue ? wEnd : start + 1;
  const readEnd = transient && wEnd !== Infinity ? wEnd : undefined;
  const k = wordBits(spec.format);
  let mask = 0;
  let cmask = 0;
  for (const b of bits) {
    if (sram && b >= k) cmask |= 1 << (b - k);
    else mask |= 1 << b;
  }
  const op = opOf(f.kind, mask >>> 0);
  const check = cmask !== 0 ? opOf(f.kind, cmask) : undefined;
  const cr = f.cluster?.rows ?? 1;
  const cc = f.cluster?.cols ?? 1;
  if (!Number.isInteger(cr) || !Number.isInteger(cc) || cr < 1 || cc < 1) return fail(`${p}.cluster: expected rows, cols >= 1`, `${p}.cluster`);
  const base = { target: f.target, kind: f.kind, bits, op, start, end, source, ...(readEnd !== undefined ? { readEnd } : {}), ...(check ? { check } : {}) };
  const list: ConcreteFault[] = [];
  if (isSram(f.target)) {
    if (cr !== 1) return fail(`${p}.cluster.rows: an SRAM cluster is a run of adjacent words: expected 1, found ${cr}`, `${p}.cluster.rows`);
    const words = targetWords(spec, f.target);
    const span = cr * cc;
    let a: number;
    if (f.location.kind === 'random') a = randInt(rng, 0, Math.max(0, words - span));
    else if (f.location.kind === 'address') a = f.location.address;
    else return fail(`${p}.location: expected an address or "random" for ${f.target}, found a PE`, `${p}.location`);
    if (!Number.isInteger(a) || a < 0 || a + span > words) return fail(`${p}.location.address: expected 0..${words - span} (SRAM has ${words} words), found ${a}`, `${p}.location.address`);
    for (let w = 0; w < span; w++) list.push({ ...base, address: a + w, row: -1, col: -1 });
    return ok(list);
  }
  let row: number;
  let col: number;
  if (f.location.kind === 'random') {
    row = randInt(rng, 0, Math.max(0, spec.rows - cr));
    col = randInt(rng, 0, Math.max(0, spec.cols - cc));
  } else if (f.location.kind === 'pe') {
    row = f.location.row;
    col = f.location.col;
  } else return fail(`${p}.location: expected a PE or "random" for ${f.target}, found an address`, `${p}.location`);
  if (!Number.isInteger(row) || row < 0 || row + cr > spec.rows) return fail(`${p}.location.row: expected 0..${spec.rows - cr}, found ${row}`, `${p}.location.row`);
  if (!Number.isInteger(col) || col < 0 || col + cc > spec.cols) return fail(`${p}.location.col: expected 0..${spec.cols - cc}, found ${col}`, `${p}.location.col`);
  for (let di = 0; di < cr; di++) for (let dj = 0; dj < cc; dj++) list.push({ ...base, address: -1, row: row + di, col: col + dj });
  return ok(list);
}

/** Applies scrubs to resolved faults: a scrub rewrites its SRAM's words with correct values, so an
 * SRAM fault whose window has ended (end <= scrub cycle) is no longer seen by reads from the scrub
 * on (readEnd); a fault still active at the scrub hits the rewritten value (a stuck-at keeps
 * forcing it). Register faults are unchanged. */
export function applyScrubs(faults: readonly ConcreteFault[], scrubs: readonly ScrubEvent[]): ConcreteFault[] {
  if (scrubs.length === 0) return faults as ConcreteFault[];
  const by = new Map<string, number[]>();
  for (const s of scrubs) {
    const list = by.get(s.target);
    if (list) list.push(s.cycle);
    else by.set(s.target, [s.cycle]);
  }
  for (const list of by.values()) list.sort((a, b) => a - b);
  return faults.map((f) => {
    const list = by.get(f.target);
    if (!list || !isSram(f.target)) return f;
    // first scrub at or after the window's end (binary search)
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid] < f.end) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= list.length) return f;
    const c = list[lo];
    return c < (f.readEnd ?? Infinity) ? { ...f, readEnd: c } : f;
  });
}
