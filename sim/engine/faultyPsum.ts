/**
 * Direct outputs with psum-register mods (faulty engine, WebAssembly): outputs of one column with
 * the same mod sequence (a stuck psum register touches every output pixel of its columns, after its
 * row's step in every row fold) form a group, and one chainsV call (sim/wasm/macPairs.wat) computes
 * all its (output, image) pairs; results are settled by the masking rule as groupDirect's
 * (sim/engine/faultyGroup.ts). Equal to computeAcc bit for bit (test/sim/wasm/chainsV.test.ts).
 */
import type { MacPairs } from '../wasm/macPairs';
import type { ConvGeom } from '../dataflow/scheduleGeom';
import { colOf, type LayerCompute, type Mod } from './faultyCompute';
import { faultyColumn } from './faultyBatch';
import { settleDirect, type Changes, type LayerCounts } from './faultyLayer';
import type { ColumnSegment } from './faultyLayerMods';

/** No mods: settleDirect then applies no 'out' mod. */
const NO_MODS: readonly Mod[] = [];

/** im2col offset words staged for one psum-chain call (bounds that part of the memory: 4 MiB). */
const ROW_WORDS = 1 << 20;

/** Batchable direct outputs with psum ('acc') mods that share their column and the same sequence
 * of mods (a stuck psum register: every output pixel of the column): one WebAssembly call covers
 * them all, for every image of a slab (sim/wasm chainsV). */
export interface PsumGroup {
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
export function psumOps(mods: readonly Mod[], K: number): { ops: Int32Array; accFirst: number } {
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
export function addToPsumGroup(lc: LayerCompute, groups: Map<number, PsumGroup[]>, idx: number, m: number, nn: number, mods: readonly Mod[]): void {
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

/** Adds a column segment (every pixel of it has the same mods, holding a psum mod) to its group. */
export function addSegmentToPsumGroup(lc: LayerCompute, groups: Map<number, PsumGroup[]>, seg: ColumnSegment): void {
  const { n: nn, ms, mods } = seg;
  const N = lc.geom.N;
  let list = groups.get(nn);
  if (!list) groups.set(nn, (list = []));
  let gr = list.find((g) => sameMods(g.mods, mods));
  if (!gr) {
    const { ops, accFirst } = psumOps(mods, lc.geom.K);
    list.push((gr = { nn, mods, col: faultyColumn(lc, nn, mods), accFirst, ops, idx: [], m: [] }));
  }
  for (let i = 0; i < ms.length; i++) {
    gr.idx.push(ms[i] * N + nn);
    gr.m.push(ms[i]);
  }
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

/** Where each output pixel's jobs read their K input offsets: `rowAt[m]` the byte address of the
 * row (the shared window row, or the pixel's own im2col row when its window meets the padding)
 * and `origin[m]` the byte offset its input addresses carry (0 for an own row). */
interface PixelRows {
  readonly rowAt: Int32Array;
  readonly origin: Int32Array;
}

/** Stages the rows of psumSlab once for every group of the slab: the window row, and an im2col
 * row per padded border pixel some group holds (all of them when they fit in ROW_WORDS words;
 * else null and the border rows are staged per call). */
function stagePixelRows(wp: MacPairs, g: ConvGeom, groups: Map<number, PsumGroup[]>, inLen: number): PixelRows | null {
  const { K, M } = g;
  const winAt = wp.alloc(K);
  stageWindowRow(wp.i32, winAt >> 2, g);
  const origin = new Int32Array(M);
  const used = new Uint8Array(M);
  for (const list of groups.values()) for (const gr of list) for (let o = 0; o < gr.m.length; o++) used[gr.m[o]] = 1;
  let border = 0;
  for (let m = 0; m < M; m++) {
    origin[m] = windowOrigin(g, m);
    if (origin[m] < 0 && used[m]) border++;
  }
  if (border * K > ROW_WORDS) return null;
  const rowAt = new Int32Array(M).fill(winAt);
  const rowsAt = wp.alloc(border * K);
  for (let m = 0, b = 0; m < M; m++) {
    if (origin[m] >= 0) continue;
    origin[m] = 0;
    if (!used[m]) continue;
    rowAt[m] = rowsAt + 4 * K * b++;
    stageRow(wp.i32, rowAt[m] >> 2, g, m, inLen);
  }
  return { rowAt, origin };
}

/** The psum groups for the images s0..s1-1 (WebAssembly chainsV): the slab's inputs, the window
 * row and the padded border pixels' im2col rows are staged once, then per group every
 * (output, image) is a job, output-major. Pixels whose window lies inside the input share the
 * window row of window-relative offsets (their jobs' input addresses point at the window origin);
 * a border pixel reads its own row. A psum mod never leaves the products alone: every job counts
 * as recomputed and is settled by the masking rule. */
export function psumSlab(wp: MacPairs, lc: LayerCompute, groups: Map<number, PsumGroup[]>, xg: Float32Array[], xf: Float32Array[], qs: readonly number[], s0: number, s1: number, log: Changes, st: LayerCounts): void {
  const same = xf === xg;
  const count = s1 - s0;
  const { gAt, xAt, inLen } = wp.stageSlab(xg, xf, s0, count);
  const rows = stagePixelRows(wp, lc.geom, groups, inLen);
  const slabTop = wp.mark();
  for (const list of groups.values()) {
    for (const gr of list) {
      wp.release(slabTop);
      psumGroup(wp, lc, gr, gAt, xAt, rows, inLen, same, qs, s0, count, log, st);
    }
  }
}

/** One psum group of psumSlab (inputs staged at gAt / xAt; `rows`: the pixels' staged rows, or
 * null: the window row is staged here and border rows per call). */
function psumGroup(wp: MacPairs, lc: LayerCompute, gr: PsumGroup, gAt: number, xAt: number, rows: PixelRows | null, inLen: number, same: boolean, qs: readonly number[], s0: number, count: number, log: Changes, st: LayerCounts): void {
  const { K } = lc.geom;
  let winAt = 0;
  if (!rows) {
    winAt = wp.alloc(K);
    stageWindowRow(wp.i32, winAt >> 2, lc.geom);
  }
  const wAt = wp.alloc(K);
  const wfAt = wp.alloc(K);
  const opsAt = wp.alloc(gr.ops.length + 4); // one record past the end is read
  wp.f32.set(colOf(lc, gr.nn), wAt >> 2);
  wp.f32.set(gr.col.wF, wfAt >> 2);
  wp.i32.set(gr.ops, opsAt >> 2);
  const nOps = gr.ops.length / 4;
  // 'out' mods are applied per output only when there are some (the psum ops are the chains')
  const outMods = gr.mods.some((md) => md.operand === 'out') ? gr.mods : NO_MODS;
  // the shared clean prefix ends at the first modified step (0 with upstream changes or an op on
  // the initial zero)
  const first = same ? Math.max(0, Math.min(gr.col.first, gr.accFirst)) : 0;
  const perCall = Math.max(1, Math.floor(ROW_WORDS / Math.max(1, K)));
  const base = wp.mark();
  for (let o0 = 0; o0 < gr.m.length; o0 += perCall) {
    const o1 = Math.min(gr.m.length, o0 + perCall);
    const jobs = (o1 - o0) * count;
    wp.release(base);
    let border = 0;
    if (!rows) for (let o = o0; o < o1; o++) if (windowOrigin(lc.geom, gr.m[o]) < 0) border++;
    const rowsAt = wp.alloc(border * K);
    const jobsAt = wp.alloc(4 * jobs);
    const outAt = wp.alloc(2 * ((jobs + 7) & ~7));
    const { i32, f32 } = wp;
    for (let o = o0, j = jobsAt >> 2, b = 0; o < o1; o++) {
      const m = gr.m[o];
      let rAt: number;
      let origin: number;
      if (rows) {
        rAt = rows.rowAt[m];
        origin = rows.origin[m];
      } else {
        rAt = winAt;
        origin = windowOrigin(lc.geom, m);
        if (origin < 0) {
          rAt = rowsAt + 4 * K * b++;
          stageRow(i32, rAt >> 2, lc.geom, m, inLen);
          origin = 0;
        }
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
        settleDirect(lc, f32[blk], f32[blk + 4], gr.nn, outMods, gr.idx[o], qs[s0 + i], log, st);
      }
    }
  }
}
