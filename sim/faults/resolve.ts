/**
 * Resolves declared FaultRecords into ConcreteFaults: random locations and empty bit lists are drawn
 * with a seeded pure-rand generator (same seed, same faults), MBU clusters are expanded into one
 * concrete fault per word / PE, and every location and bit is checked against the array.
 * Cluster semantics: for SRAM targets `cluster.cols` adjacent words (address .. address+cols-1,
 * `rows` x `cols` words when rows > 1, rows apart by `cols`); for PE targets a rows x cols block
 * of PEs starting at (row, col). Random locations draw the cluster origin so it fits.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { fail, ok, type Result } from '../result';
import type { ArraySpec } from '../types';
import type { FaultRecord } from './types';
import { isSram, opOf, type ConcreteFault } from './ops';
import { wordBits } from '../format/format';
import { sramWords } from '../memory/layout';

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

/** Register width in bits of a target: format word for SRAMs and weight/input registers, 32 for psum. */
export function targetBits(spec: ArraySpec, target: FaultRecord['target']): number {
  return target === 'pe.psum' ? 32 : wordBits(spec.format);
}

/** Words of an SRAM target under a spec. */
export function targetWords(spec: ArraySpec, target: 'weightSram' | 'ifmapSram' | 'ofmapSram'): number {
  const kib = target === 'weightSram' ? spec.sram.weightKiB : target === 'ifmapSram' ? spec.sram.ifmapKiB : spec.sram.ofmapKiB;
  return sramWords(kib, wordBits(spec.format));
}

/** Resolves records (index i of `records` becomes `source` i). `seed` drives every random draw. */
export function resolveFaults(spec: ArraySpec, records: readonly FaultRecord[], seed = 0): Result<ConcreteFault[]> {
  const rng = makeRng(seed);
  const out: ConcreteFault[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = resolveOne(spec, records[i], i, rng);
    if (!r.ok) return r;
    out.push(...r.value);
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
  const start = f.window.start;
  if (!Number.isInteger(start) || start < 0) return fail(`${p}.window.start: expected a cycle >= 0, found ${start}`, `${p}.window.start`);
  const transient = f.kind === 'seu' || f.kind === 'mbu';
  const end = transient ? start + 1 : f.window.end ?? Infinity;
  if (!(end > start)) return fail(`${p}.window.end: expected a cycle > start ${start}, found ${String(f.window.end)}`, `${p}.window.end`);
  let mask = 0;
  for (const b of bits) mask |= 1 << b;
  const op = opOf(f.kind, mask >>> 0);
  const cr = f.cluster?.rows ?? 1;
  const cc = f.cluster?.cols ?? 1;
  if (!Number.isInteger(cr) || !Number.isInteger(cc) || cr < 1 || cc < 1) return fail(`${p}.cluster: expected rows, cols >= 1`, `${p}.cluster`);
  const base = { target: f.target, kind: f.kind, bits, op, start, end, source };
  const list: ConcreteFault[] = [];
  if (isSram(f.target)) {
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
