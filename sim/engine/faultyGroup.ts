/**
 * Direct outputs of images that share their mods (faulty engine): every output whose mods are
 * batchable (floating formats, weight-word and stored-output faults) is recomputed in array order
 * for all the group's images at once, faulty and clean chains side by side, then settled by the
 * masking rule. The chains run in WebAssembly (sim/wasm/macPairs.ts, the same binary32 arithmetic
 * term for term) or, where WebAssembly is missing or `useWasm` is false, in JavaScript
 * (sim/engine/faultyBatch.ts). Both give identical bits (test/sim/engine/faultyPaths.test.ts).
 * With WebAssembly, outputs with psum-register mods are batchable too: outputs of one column
 * with the same mods (a stuck psum register touches every output pixel of its columns) form one
 * group, and one chainsV call computes all its (output, image) pairs (test/sim/wasm/chainsV.test.ts:
 * equal to computeAcc bit for bit, NaN payloads included); without WebAssembly they stay with
 * recomputeArray.
 */
import { macPairs, type MacPairs } from '../wasm/macPairs';
import type { ConvGeom } from '../dataflow/scheduleGeom';
import { applyOutMods, colOf, finishValue, preActivation, productsUnchanged, rowOf, type LayerCompute, type Mod } from './faultyCompute';
import { batchable, faultyColumn, pairs4, pairsInputs4 } from './faultyBatch';
import type { LayerMods } from './faultyMods';
import { sameBits, type Changes, type LayerCounts } from './faultyLayer';

/** Input words copied into WebAssembly memory at once (bounds its size: 16 MiB). */
const SLAB_WORDS = 1 << 22;
/** im2col offset words staged for one psum-chain call (bounds that part of the memory: 4 MiB). */
const ROW_WORDS = 1 << 20;

/** One batchable direct output of a group: its index, mods and faulty weight column. */
interface DirectOutput {
  readonly idx: number;
  readonly m: number;
  readonly nn: number;
  readonly mods: readonly Mod[];
  readonly col: { wF: Float64Array; first: number };
}

/** Batchable direct outputs with psum ('acc') mods that share their column and the same sequence
 * of mods (a stuck psum register: every output pixel of the column): one WebAssembly call covers
 * them all, for every image of a slab (sim/wasm chainsV). */
interface PsumGroup {
  readonly nn: number;
  readonly mods: readonly Mod[];
  readonly col: { wF: Float64Array; first: number };
  /** Earliest step whose psum an op modifies (-1: the initial zero). */
  readonly accFirst: number;
  /** The psum ops as i32 records (k, and, or, xor), in mods order. */
  readonly ops: Int32Array;
  /** The group's outputs: index m * N + nn and pixel m. */
  readonly idx: number[];
  readonly m: number[];
}

/** Whether two outputs' sorted mods compute the same: the same (k, operand, op, check) in the same
 * order, and the same composition order for word mods (it sets SRAM vs register stage); a psum op's
 * order only sorts it (sequence compared). */
function sameMods(a: readonly Mod[], b: readonly Mod[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x.k !== y.k || x.operand !== y.operand || x.op.kind !== y.op.kind || x.op.mask !== y.op.mask) return false;
    if (x.operand !== 'acc' && x.order !== y.order) return false;
    if (x.check !== y.check && (!x.check || !y.check || x.check.kind !== y.check.kind || x.check.mask !== y.check.mask)) return false;
  }
  return true;
}

/** The psum ops of `mods` as (k, and, or, xor) records and the earliest k (K when none). */
function psumOps(mods: readonly Mod[], K: number): { ops: Int32Array; accFirst: number } {
  const list: number[] = [];
  let accFirst = K;
  for (const md of mods) {
    if (md.operand !== 'acc') continue;
    const { kind, mask } = md.op;
    list.push(md.k, kind === 'and' ? mask | 0 : -1, kind === 'or' ? mask | 0 : 0, kind === 'xor' ? mask | 0 : 0);
    accFirst = Math.min(accFirst, md.k);
  }
  return { ops: Int32Array.from(list), accFirst };
}

/** Adds output (m, nn) with `mods` (holding a psum mod) to its group (same column, same mods). */
function addToPsumGroup(lc: LayerCompute, groups: Map<number, PsumGroup[]>, idx: number, m: number, nn: number, mods: readonly Mod[]): void {
  let list = groups.get(nn);
  if (!list) groups.set(nn, (list = []));
  for (const gr of list) {
    if (sameMods(gr.mods, mods)) {
      gr.idx.push(idx);
      gr.m.push(m);
      return;
    }
  }
  const { ops, accFirst } = psumOps(mods, lc.geom.K);
  list.push({ nn, mods, col: faultyColumn(lc, nn, mods), accFirst, ops, idx: [idx], m: [m] });
}

/** Byte offset of output pixel m's window origin in the input when the whole window lies inside
 * it (then its term k reads origin + windowRow[k]), else -1 (a padded border pixel). */
function windowOrigin(g: ConvGeom, m: number): number {
  const oy = Math.floor(m / g.outW);
  const ox = m - oy * g.outW;
  const y0 = oy * g.strideH - g.padTop;
  const x0 = ox * g.strideW - g.padLeft;
  if (y0 < 0 || x0 < 0 || y0 + g.kh > g.inH || x0 + g.kw > g.inW) return -1;
  return 4 * (y0 * g.inW + x0) * g.inC;
}

/** Writes the K byte offsets of a window relative to its origin into i32[at..at+K): the row every
 * interior pixel shares (its jobs' input addresses carry the origin). */
function stageWindowRow(i32: Int32Array, at: number, g: ConvGeom): void {
  let k = at;
  for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) for (let c = 0; c < g.inC; c++) i32[k++] = 4 * ((ky * g.inW + kx) * g.inC + c);
}

/** Writes the K input byte offsets of output pixel m (padding: 4 * inLen, the zero word after the
 * input) into i32[at..at+K): inputsRead of the pixel, without a cached row per pixel. */
function stageRow(i32: Int32Array, at: number, g: ConvGeom, m: number, inLen: number): void {
  const oy = Math.floor(m / g.outW);
  const ox = m - oy * g.outW;
  let k = at;
  for (let ky = 0; ky < g.kh; ky++) {
    const y = oy * g.strideH - g.padTop + ky;
    for (let kx = 0; kx < g.kw; kx++) {
      const x = ox * g.strideW - g.padLeft + kx;
      if (y >= 0 && y < g.inH && x >= 0 && x < g.inW) {
        const base = 4 * (y * g.inW + x) * g.inC;
        for (let c = 0; c < g.inC; c++) i32[k++] = base + 4 * c;
      } else for (let c = 0; c < g.inC; c++) i32[k++] = 4 * inLen;
    }
  }
}

/**
 * Direct outputs of the images `qs` that share the mods `lm` (golden inputs `xg`, faulty inputs
 * `xf`: the same array when no upstream change reached them): outputs whose mods are batchable are
 * settled here (masking rule, stats, changes into `log`); returns the outputs left for
 * recomputeArray (the same for every image of the group).
 */
export function groupDirect(lc: LayerCompute, lm: LayerMods, xg: Float32Array[], xf: Float32Array[], qs: readonly number[], log: Changes, st: LayerCounts, useWasm = true): Int32Array {
  const N = lc.geom.N;
  const rest: number[] = [];
  const outs: DirectOutput[] = [];
  const wp = useWasm ? macPairs() : null;
  // outputs with psum mods (WebAssembly only), grouped by column and mods
  const psum = new Map<number, PsumGroup[]>();
  lc.dueHits = 0;
  for (const idx of lm.keyList()) {
    const mods = lm.get(idx)!;
    if (!batchable(lc, mods, wp !== null)) {
      rest.push(idx);
      continue;
    }
    const m = Math.floor(idx / N);
    const nn = idx - m * N;
    if (wp && mods.some((md) => md.operand === 'acc')) addToPsumGroup(lc, psum, idx, m, nn, mods);
    else outs.push({ idx, m, nn, mods, col: faultyColumn(lc, nn, mods) });
  }
  // a weight word read by the group's outputs decoded as uncorrectable: every image of the group read it
  if (lc.dueHits > 0) for (const q of qs) log.due[q] = 1;
  const inLen = xg.length > 0 ? xg[0].length : 0;
  const per = (inLen + 1) * (xf === xg ? 1 : 2);
  const slab = Math.max(1, Math.floor(SLAB_WORDS / Math.max(1, per)));
  for (let s0 = 0; s0 < xg.length; s0 += slab) {
    const s1 = Math.min(xg.length, s0 + slab);
    if (wp) {
      if (outs.length > 0) wasmSlab(wp, lc, outs, xg, xf, qs, s0, s1, log, st);
      for (const list of psum.values()) for (const gr of list) psumSlab(wp, lc, gr, xg, xf, qs, s0, s1, log, st);
    } else jsSlab(lc, outs, xg, xf, qs, s0, s1, log, st);
  }
  return Int32Array.from(rest);
}

/** Images s0..s1-1 of the group whose accumulation output `o` may change (the others are counted
 * as masked in the array: their modified products equal the clean ones). */
function selectImages(lc: LayerCompute, o: DirectOutput, xg: Float32Array[], same: boolean, s0: number, s1: number, st: LayerCounts, sel: number[]): void {
  sel.length = 0;
  for (let i = s0; i < s1; i++) {
    st.recomputed++;
    if (same && productsUnchanged(lc, xg[i], xg[i], o.m, o.nn, o.mods)) st.maskedInArray++;
    else sel.push(i);
  }
}

/** The JavaScript chains (faultyBatch.ts), four images per pass. */
function jsSlab(lc: LayerCompute, outs: readonly DirectOutput[], xg: Float32Array[], xf: Float32Array[], qs: readonly number[], s0: number, s1: number, log: Changes, st: LayerCounts): void {
  const same = xf === xg;
  const acc8 = new Float64Array(8);
  const sel: number[] = [];
  for (const o of outs) {
    selectImages(lc, o, xg, same, s0, s1, st, sel);
    if (sel.length === 0) continue;
    const row = rowOf(lc, o.m);
    const last = sel.length - 1;
    for (let b = 0; b <= last; b += 4) {
      const i0 = sel[b], i1 = sel[Math.min(b + 1, last)], i2 = sel[Math.min(b + 2, last)], i3 = sel[Math.min(b + 3, last)];
      if (same) pairs4(lc, row, o.nn, o.col, xg[i0], xg[i1], xg[i2], xg[i3], acc8);
      else pairsInputs4(lc, row, o.nn, o.col, xg[i0], xg[i1], xg[i2], xg[i3], xf[i0], xf[i1], xf[i2], xf[i3], acc8);
      for (let j = 0; j < 4 && b + j <= last; j++) settle(lc, acc8[j], acc8[4 + j], o.nn, o.mods, o.idx, qs[sel[b + j]], log, st);
    }
  }
}

/** The WebAssembly chains: the slab's inputs are copied once (each followed by a zero word that
 * padding terms read), then one call per direct output covers every selected image. */
function wasmSlab(wp: MacPairs, lc: LayerCompute, outs: readonly DirectOutput[], xg: Float32Array[], xf: Float32Array[], qs: readonly number[], s0: number, s1: number, log: Changes, st: LayerCounts): void {
  const same = xf === xg;
  const { K } = lc.geom;
  const inLen = xg[s0].length;
  const count = s1 - s0;
  wp.reset();
  const gAt = wp.stageRows(xg, s0, count, inLen);
  const xAt = same ? gAt : wp.stageRows(xf, s0, count, inLen);
  const rowAt = wp.alloc(K);
  const wAt = wp.alloc(K);
  const wfAt = wp.alloc(K);
  const jobsAt = wp.alloc(2 * count);
  const pad = (count + 7) & ~7;
  const outAt = wp.alloc(2 * pad);
  const { f32 } = wp;
  const i32 = wp.i32;
  const sel: number[] = [];
  let rowFor = -1;
  for (const o of outs) {
    selectImages(lc, o, xg, same, s0, s1, st, sel);
    if (sel.length === 0) continue;
    if (rowFor !== o.m) {
      // byte offsets of the inputs each term reads; padding reads the zero word after the input
      rowFor = o.m;
      const row = rowOf(lc, o.m);
      for (let k = 0; k < K; k++) i32[(rowAt >> 2) + k] = row[k] < 0 ? 4 * inLen : 4 * row[k];
    }
    f32.set(lc.cols[o.nn]!, wAt >> 2);
    f32.set(o.col.wF, wfAt >> 2);
    for (let j = 0; j < sel.length; j++) {
      const i = sel[j] - s0;
      i32[(jobsAt >> 2) + 2 * j] = gAt + 4 * i * (inLen + 1);
      i32[(jobsAt >> 2) + 2 * j + 1] = xAt + 4 * i * (inLen + 1);
    }
    // four jobs or more: 4-lane vectors (eight jobs per pass); fewer: the scalar chains
    if (sel.length >= 4) wp.pairsV(rowAt, K, wAt, wfAt, same ? o.col.first : 0, lc.acc.zero, jobsAt, sel.length, outAt, same);
    else wp.pairs(rowAt, K, wAt, wfAt, same ? o.col.first : 0, lc.acc.zero, jobsAt, sel.length, outAt);
    const out = outAt >> 2;
    for (let j = 0; j < sel.length; j++) {
      const blk = out + 8 * (j >> 2) + (j & 3);
      settle(lc, f32[blk], f32[blk + 4], o.nn, o.mods, o.idx, qs[sel[j]], log, st);
    }
  }
}

/** One psum group for the images s0..s1-1 (WebAssembly chainsV): the slab's inputs are staged
 * once, then every (output, image) of the group is a job, output-major. Pixels whose window lies
 * inside the input share one row of window-relative offsets (their jobs' input addresses point at
 * the window origin); padded border pixels get their own im2col row, staged per call (at most
 * ROW_WORDS words). A psum mod never leaves the products alone: every job counts as recomputed
 * and is settled by the masking rule. */
function psumSlab(wp: MacPairs, lc: LayerCompute, gr: PsumGroup, xg: Float32Array[], xf: Float32Array[], qs: readonly number[], s0: number, s1: number, log: Changes, st: LayerCounts): void {
  const same = xf === xg;
  const { K } = lc.geom;
  const inLen = xg[s0].length;
  const count = s1 - s0;
  wp.reset();
  const gAt = wp.stageRows(xg, s0, count, inLen);
  const xAt = same ? gAt : wp.stageRows(xf, s0, count, inLen);
  const wAt = wp.alloc(K);
  const wfAt = wp.alloc(K);
  const opsAt = wp.alloc(gr.ops.length + 4); // one record past the end is read
  wp.f32.set(colOf(lc, gr.nn), wAt >> 2);
  wp.f32.set(gr.col.wF, wfAt >> 2);
  wp.i32.set(gr.ops, opsAt >> 2);
  const nOps = gr.ops.length / 4;
  // the shared clean prefix ends at the first modified step (0 with upstream changes or an op on
  // the initial zero)
  const first = same ? Math.max(0, Math.min(gr.col.first, gr.accFirst)) : 0;
  const winAt = wp.alloc(K);
  stageWindowRow(wp.i32, winAt >> 2, lc.geom);
  const perCall = Math.max(1, Math.floor(ROW_WORDS / Math.max(1, K)));
  const base = wp.mark();
  for (let o0 = 0; o0 < gr.m.length; o0 += perCall) {
    const o1 = Math.min(gr.m.length, o0 + perCall);
    const jobs = (o1 - o0) * count;
    wp.release(base);
    let border = 0;
    for (let o = o0; o < o1; o++) if (windowOrigin(lc.geom, gr.m[o]) < 0) border++;
    const rowsAt = wp.alloc(border * K);
    const jobsAt = wp.alloc(4 * jobs);
    const outAt = wp.alloc(2 * ((jobs + 7) & ~7));
    const { i32, f32 } = wp;
    for (let o = o0, j = jobsAt >> 2, b = 0; o < o1; o++) {
      let rAt = winAt;
      let origin = windowOrigin(lc.geom, gr.m[o]);
      if (origin < 0) {
        rAt = rowsAt + 4 * K * b++;
        stageRow(i32, rAt >> 2, lc.geom, gr.m[o], inLen);
        origin = 0;
      }
      for (let i = 0; i < count; i++, j += 4) {
        i32[j] = rAt;
        i32[j + 1] = gAt + 4 * i * (inLen + 1) + origin;
        i32[j + 2] = xAt + 4 * i * (inLen + 1) + origin;
        i32[j + 3] = 0;
      }
    }
    st.recomputed += jobs;
    wp.chainsV(K, wAt, wfAt, first, lc.acc.zero, jobsAt, jobs, outAt, same, opsAt, nOps);
    const out = outAt >> 2;
    for (let o = o0, j = 0; o < o1; o++) {
      for (let i = 0; i < count; i++, j++) {
        const blk = out + 8 * (j >> 2) + (j & 3);
        settle(lc, f32[blk], f32[blk + 4], gr.nn, gr.mods, gr.idx[o], qs[s0 + i], log, st);
      }
    }
  }
}

/** Masking rule for one direct output from its faulty and clean accumulators (array order). */
function settle(lc: LayerCompute, aF: number, aC: number, nn: number, mods: readonly Mod[], idx: number, q: number, log: Changes, st: LayerCounts): void {
  lc.dueHits = 0;
  const vF = applyOutMods(lc, finishValue(lc, preActivation(lc, aF, nn), idx), mods);
  if (lc.dueHits > 0) log.due[q] = 1;
  const vC = finishValue(lc, preActivation(lc, aC, nn), idx);
  if (!sameBits(vF, vC)) log.push(q, idx, vF);
  else if (Object.is(aF, aC)) st.maskedInArray++;
  else st.maskedByActivation++;
}
