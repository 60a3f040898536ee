/**
 * The mods of one (image, array layer) of the faulty engine (built by sim/engine/faultyMods.ts):
 * per output (index m*N + n) and as ranges over a column or a row of outputs, so that a fault
 * touching every output pixel of a column (a stationary weight, a stuck psum register) costs one
 * entry per fold, not one per output. A range's composition order may grow along it (`slope`: a
 * psum stuck-at acts at each pixel's own cycle, one cycle apart), so an output's mods are sorted
 * by (k, order at that output). `columnPlan` hands the engine whole column segments that share
 * one sorted mod list, so it never walks the outputs one by one to group them.
 */
import type { Touch } from '../dataflow/schedule';
import type { Mod } from './faultyCompute';

/** A mod applying to a range of outputs: (m, n0..n1-1) when byM, (m0..m1-1, n) when byN; its
 * composition order at position p of the range is mod.order + slope * (p - lo). */
interface RangeMod {
  readonly lo: number;
  readonly hi: number;
  readonly mod: Mod;
  readonly slope: number;
}

/** Outputs of column `n` (pixels `ms`, ascending) that all have the same mods `mods` (sorted by
 * (k, order): the list get() returns for each of them). */
export interface ColumnSegment {
  readonly n: number;
  readonly ms: Int32Array;
  readonly mods: readonly Mod[];
}

/** Direct outputs of a layer split for the engine: whole column segments, and the rest (output
 * indices, ascending) to take one by one. */
export interface ColumnPlan {
  readonly segments: readonly ColumnSegment[];
  readonly rest: Int32Array;
}

/** Stable sort of `mods` by (k, ord) (ord parallel to mods); small lists: insertion sort. */
function sortMods(mods: Mod[], ord: number[]): void {
  for (let i = 1; i < mods.length; i++) {
    const md = mods[i];
    const o = ord[i];
    let j = i - 1;
    while (j >= 0 && (mods[j].k > md.k || (mods[j].k === md.k && ord[j] > o))) {
      mods[j + 1] = mods[j];
      ord[j + 1] = ord[j];
      j--;
    }
    mods[j + 1] = md;
    ord[j + 1] = o;
  }
}

/** Mods of one (image, layer), per output (index m*N + n) and as ranges over a row or a column of
 * outputs (so a stationary weight used by every output pixel costs one entry, not M). */
export class LayerMods {
  private readonly single = new Map<number, Mod[]>();
  private readonly byN = new Map<number, RangeMod[]>();
  private readonly byM = new Map<number, RangeMod[]>();
  /** Memo of keyList(), columnPlan() and get() (cleared by add: a LayerMods shared by images is never added to). */
  private list: Int32Array | null = null;
  private plan: ColumnPlan | null = null;
  private readonly memo = new Map<number, Mod[] | null>();
  /** Outputs of the layer: N = output channels, M = output pixels (0: unknown). */
  constructor(readonly N: number, readonly M = 0) {}

  /** Adds the mod of a (possibly ranged) touch; `slope`: growth of its order along the range. */
  add(t: Touch, mod: Mod, slope = 0): void {
    this.list = null;
    this.plan = null;
    this.memo.clear();
    const c = t.count ?? 1;
    if (c === 1) {
      const key = t.m * this.N + t.n;
      const list = this.single.get(key);
      if (list) list.push(mod);
      else this.single.set(key, [mod]);
      return;
    }
    const [map, fixed, lo] = t.axis === 'n' ? [this.byM, t.m, t.n] : [this.byN, t.n, t.m];
    const list = map.get(fixed);
    const r = { lo, hi: lo + c, mod, slope };
    if (list) list.push(r);
    else map.set(fixed, [r]);
  }

  /** Every output index with at least one mod. */
  keys(): Set<number> {
    return new Set(this.keyList());
  }

  /** Every output index with at least one mod, ascending (memoized). */
  keyList(): Int32Array {
    if (this.list) return this.list;
    let hiM = this.M;
    if (hiM === 0) {
      for (const k of this.single.keys()) hiM = Math.max(hiM, Math.floor(k / this.N) + 1);
      for (const list of this.byN.values()) for (const r of list) hiM = Math.max(hiM, r.hi);
      for (const m of this.byM.keys()) hiM = Math.max(hiM, m + 1);
    }
    if (this.single.size === 0 && this.byM.size === 0) return (this.list = this.columnKeys(hiM));
    // a mark per output, then one ascending scan: no per-key set or sort
    const mark = new Uint8Array(hiM * this.N);
    let count = 0;
    const set = (idx: number): void => {
      count += 1 - mark[idx];
      mark[idx] = 1;
    };
    for (const k of this.single.keys()) set(k);
    for (const [n, list] of this.byN) for (const r of list) for (let m = r.lo; m < r.hi; m++) set(m * this.N + n);
    for (const [m, list] of this.byM) for (const r of list) for (let n = r.lo; n < r.hi; n++) set(m * this.N + n);
    const out = new Int32Array(count);
    for (let i = 0, j = 0; j < count; i++) if (mark[i]) out[j++] = i;
    return (this.list = out);
  }

  /** keyList when every mod is a column range: per pixel, the columns whose merged ranges cover
   * it, in O(pixels x columns + keys) without a mark per output. */
  private columnKeys(hiM: number): Int32Array {
    const N = this.N;
    const cols = [...this.byN.keys()].sort((a, b) => a - b);
    // per column its covering intervals, merged and ascending, as flat (lo, hi) pairs
    const spans = cols.map((n) => {
      const rs = this.byN.get(n)!.map((r) => [r.lo, r.hi]).sort((a, b) => a[0] - b[0]);
      const out: number[] = [];
      for (const [lo, hi] of rs) {
        if (out.length > 0 && lo <= out[out.length - 1]) out[out.length - 1] = Math.max(out[out.length - 1], hi);
        else out.push(lo, hi);
      }
      return out;
    });
    let count = 0;
    for (const sp of spans) for (let i = 0; i < sp.length; i += 2) count += Math.min(sp[i + 1], hiM) - sp[i];
    const out = new Int32Array(count);
    const at = new Int32Array(cols.length);
    for (let m = 0, j = 0; m < hiM && j < count; m++) {
      for (let c = 0; c < cols.length; c++) {
        const sp = spans[c];
        while (at[c] < sp.length && sp[at[c] + 1] <= m) at[c] += 2;
        if (at[c] < sp.length && sp[at[c]] <= m) out[j++] = m * N + cols[c];
      }
    }
    return out;
  }

  /** Whether output `idx` has a mod. */
  has(idx: number): boolean {
    if (this.single.has(idx)) return true;
    const m = Math.floor(idx / this.N);
    const n = idx - m * this.N;
    for (const r of this.byN.get(n) ?? []) if (m >= r.lo && m < r.hi) return true;
    for (const r of this.byM.get(m) ?? []) if (n >= r.lo && n < r.hi) return true;
    return false;
  }

  /** Mods of output `idx` sorted by (k, order), or null (memoized; do not modify the list). */
  get(idx: number): Mod[] | null {
    let out = this.memo.get(idx);
    if (out === undefined) this.memo.set(idx, (out = this.collect(idx)));
    return out;
  }

  /** Mods of output (m, n) from its single entries, then its column ranges, then its row ranges
   * (the order equal composition orders keep), sorted by (k, order at the output). */
  private collect(idx: number): Mod[] | null {
    const m = Math.floor(idx / this.N);
    const n = idx - m * this.N;
    const out: Mod[] = [];
    const ord: number[] = [];
    for (const md of this.single.get(idx) ?? []) {
      out.push(md);
      ord.push(md.order);
    }
    for (const r of this.byN.get(n) ?? []) {
      if (m < r.lo || m >= r.hi) continue;
      out.push(r.mod);
      ord.push(r.mod.order + r.slope * (m - r.lo));
    }
    for (const r of this.byM.get(m) ?? []) {
      if (n < r.lo || n >= r.hi) continue;
      out.push(r.mod);
      ord.push(r.mod.order + r.slope * (n - r.lo));
    }
    if (out.length === 0) return null;
    sortMods(out, ord);
    return out;
  }

  /**
   * The outputs with mods as column segments (memoized): per column with ranges, the pixel
   * intervals covered by the same set of ranges, each with its sorted mod list. Orders are linear
   * along a range, so the sort at an interval's first and last pixel is the sort at every pixel
   * between; an interval where they differ, and outputs that also have single or row-range mods,
   * go to `rest` with everything else.
   */
  columnPlan(): ColumnPlan {
    if (this.plan) return this.plan;
    const N = this.N;
    const segments: ColumnSegment[] = [];
    const keys = this.keyList();
    let covered = 0;
    // pixels of each column that other entries also touch
    const dirty = new Map<number, Set<number>>();
    const mark = (n: number, m: number): void => {
      let s = dirty.get(n);
      if (!s) dirty.set(n, (s = new Set()));
      s.add(m);
    };
    for (const k of this.single.keys()) if (this.byN.has(k % N)) mark(k % N, Math.floor(k / N));
    for (const [m, list] of this.byM) for (const n of this.byN.keys()) if (list.some((r) => n >= r.lo && n < r.hi)) mark(n, m);
    for (const [n, list] of this.byN) {
      const cuts = [...new Set(list.flatMap((r) => [r.lo, r.hi]))].sort((a, b) => a - b);
      const skip = dirty.get(n);
      for (let c = 0; c + 1 < cuts.length; c++) {
        const lo = cuts[c];
        const hi = cuts[c + 1];
        const cover = list.filter((r) => r.lo <= lo && r.hi >= hi);
        if (cover.length === 0) continue;
        const at = (m: number): Mod[] => {
          const mods = cover.map((r) => r.mod);
          sortMods(mods, cover.map((r) => r.mod.order + r.slope * (m - r.lo)));
          return mods;
        };
        const mods = at(lo);
        const end = at(hi - 1);
        if (mods.some((md, i) => md !== end[i])) continue; // the order changes inside: one by one
        let ms: Int32Array;
        if (!skip) {
          ms = new Int32Array(hi - lo);
          for (let i = 0; i < ms.length; i++) ms[i] = lo + i;
        } else {
          const list2: number[] = [];
          for (let m = lo; m < hi; m++) if (!skip.has(m)) list2.push(m);
          ms = Int32Array.from(list2);
        }
        covered += ms.length;
        if (ms.length > 0) segments.push({ n, ms, mods });
      }
    }
    let rest: Int32Array;
    if (covered === 0) rest = keys;
    else if (covered === keys.length) rest = new Int32Array(0);
    else {
      const inSeg = new Uint8Array(keys[keys.length - 1] + 1);
      for (const seg of segments) for (let i = 0; i < seg.ms.length; i++) inSeg[seg.ms[i] * N + seg.n] = 1;
      rest = keys.filter((k) => inSeg[k] === 0);
    }
    return (this.plan = { segments, rest });
  }
}
