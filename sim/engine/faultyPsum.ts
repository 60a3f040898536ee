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

/** Job words staged for one psum-chain call (bounds that part of the memory: 4 MiB). */
const JOB_WORDS = 1 << 20;

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
  /** The group's output pixels m (output index m * N + nn): a column segment's pixels as they
   * are, copied into a list once a second part joins (an Int32Array again before the chains). */
  m: ArrayLike<number>;
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
export function addToPsumGroup(lc: LayerCompute, groups: Map<number, PsumGroup[]>, m: number, nn: number, mods: readonly Mod[]): void {
  let list = groups.get(nn);
  if (!list) groups.set(nn, (list = []));
  for (const gr of list) {
    if (sameMods(gr.mods, mods)) {
      append(gr, [m]);
      return;
    }
  }
  const { ops, accFirst } = psumOps(mods, lc.geom.K);
  list.push({ nn, mods, col: faultyColumn(lc, nn, mods), accFirst, ops, m: [m] });
}

/** Appends pixels to a group's list (copied into a plain list the first time). */
function append(gr: PsumGroup, ms: ArrayLike<number>): void {
  const list = Array.isArray(gr.m) ? (gr.m as number[]) : Array.from(gr.m);
  for (let i = 0; i < ms.length; i++) list.push(ms[i]);
  gr.m = list;
}

/** Adds a column segment (every pixel of it has the same mods, holding a psum mod) to its group. */
export function addSegmentToPsumGroup(lc: LayerCompute, groups: Map<number, PsumGroup[]>, seg: ColumnSegment): void {
  const { n: nn, ms, mods } = seg;
  let list = groups.get(nn);
  if (!list) groups.set(nn, (list = []));
  const gr = list.find((g) => sameMods(g.mods, mods));
  if (!gr) {
    const { ops, accFirst } = psumOps(mods, lc.geom.K);
    list.push({ nn, mods, col: faultyColumn(lc, nn, mods), accFirst, ops, m: ms });
  } else append(gr, ms);
}

const settleBuf = new Float32Array(2);
const settleBits = new Uint32Array(settleBuf.buffer);

/** settleDirect for the jobs of pixels m[o0..o1) x `count` images (chain results at f32[out..],
 * per block of four jobs faulty x4 then clean x4) of column nn, when every format is fp32, the
 * activation is relu or linear and no 'out' mod applies: the same operations inline (bias added
 * as fround(a + b), the activation, the fp32 rounding by a Float32Array store, bits compared),
 * without the per-call dispatch. */
function settleFp32(f32: Float32Array, out: number, m: Int32Array, o0: number, o1: number, count: number, N: number, nn: number, bias: number | null, relu: boolean, qs: readonly number[], s0: number, log: Changes, st: LayerCounts): void {
  const t = settleBuf;
  const u = settleBits;
  const fr = Math.fround;
  for (let o = o0, j = 0; o < o1; o++) {
    const idx = m[o] * N + nn;
    for (let i = 0; i < count; i++, j++) {
      const blk = out + 8 * (j >> 2) + (j & 3);
      const aF = f32[blk];
      const aC = f32[blk + 4];
      let pF = bias === null ? aF : fr(aF + bias);
      let pC = bias === null ? aC : fr(aC + bias);
      if (relu) {
        pF = pF > 0 ? pF : 0;
        pC = pC > 0 ? pC : 0;
      }
      t[0] = pF;
      t[1] = pC;
      if (u[0] !== u[1]) log.push(qs[s0 + i], idx, t[0]);
      else if (Object.is(aF, aC)) st.maskedInArray++;
      else st.maskedByActivation++;
    }
  }
}

/** Words of one image staged with its zero padding around it (padded height x width x channels). */
function paddedWords(g: ConvGeom): number {
  return (g.inH + g.padTop + g.padBottom) * (g.inW + g.padLeft + g.padRight) * g.inC;
}

/** Writes the K byte offsets of a window in the padded input relative to its origin into
 * i32[at..at+K) (term k = (ky * kw + kx) * inC + c): the row every pixel shares. */
function stageWindowRow(i32: Int32Array, at: number, g: ConvGeom): void {
  const Wp = g.inW + g.padLeft + g.padRight;
  let k = at;
  for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) for (let c = 0; c < g.inC; c++) i32[k++] = 4 * ((ky * Wp + kx) * g.inC + c);
}

/** Stages images s0..s0+count of `rows` at byte address `at`, each inside its zero padding
 * (paddedWords per image): a padded position reads 0, as the array's padding terms do. */
function stagePadded(wp: MacPairs, rows: readonly Float32Array[], s0: number, count: number, g: ConvGeom, at: number): void {
  const Wp = g.inW + g.padLeft + g.padRight;
  const per = paddedWords(g);
  const rowWords = g.inW * g.inC;
  const f32 = wp.f32;
  const C = g.inC;
  for (let i = 0; i < count; i++) {
    const base = (at >> 2) + i * per;
    const x = rows[s0 + i];
    // zeros only where the padding is: the rows above and below, and each row's left and right
    f32.fill(0, base, base + g.padTop * Wp * C);
    f32.fill(0, base + (g.padTop + g.inH) * Wp * C, base + per);
    for (let y = 0; y < g.inH; y++) {
      const r = base + (y + g.padTop) * Wp * C;
      if (g.padLeft > 0) f32.fill(0, r, r + g.padLeft * C);
      f32.set(x.subarray(y * rowWords, (y + 1) * rowWords), r + g.padLeft * C);
      if (g.padRight > 0) f32.fill(0, r + (g.padLeft + g.inW) * C, r + Wp * C);
    }
  }
}

/** The psum groups for the images s0..s1-1 (WebAssembly chainsV): the slab's golden and faulty
 * inputs are staged once, each inside its zero padding, so that every output pixel's window lies
 * inside a staged image: all jobs share one row of window-relative offsets, and a job's input
 * addresses point at its window's origin (no im2col row per pixel). Per group every
 * (output, image) is a job, output-major. A psum mod never leaves the products alone: every job
 * counts as recomputed and is settled by the masking rule. */
export function psumSlab(wp: MacPairs, lc: LayerCompute, groups: Map<number, PsumGroup[]>, xg: Float32Array[], xf: Float32Array[], qs: readonly number[], s0: number, s1: number, log: Changes, st: LayerCounts): void {
  const g = lc.geom;
  const same = xf === xg;
  const count = s1 - s0;
  const per = paddedWords(g);
  wp.reset();
  const gAt = wp.alloc(count * per);
  const xAt = same ? gAt : wp.alloc(count * per);
  stagePadded(wp, xg, s0, count, g, gAt);
  if (!same) stagePadded(wp, xf, s0, count, g, xAt);
  const winAt = wp.alloc(g.K);
  stageWindowRow(wp.i32, winAt >> 2, g);
  // byte offset of each output pixel's window origin in a padded image
  const Wp = g.inW + g.padLeft + g.padRight;
  const origin = new Int32Array(g.M);
  for (let oy = 0, m = 0; oy < g.outH; oy++) for (let ox = 0; ox < g.outW; ox++, m++) origin[m] = 4 * (oy * g.strideH * Wp + ox * g.strideW) * g.inC;
  const slabTop = wp.mark();
  for (const list of groups.values()) {
    for (const gr of list) {
      if (!(gr.m instanceof Int32Array)) gr.m = Int32Array.from(gr.m); // one element kind in the hot loops
      wp.release(slabTop);
      psumGroup(wp, lc, gr, gAt, xAt, 4 * per, winAt, origin, same, qs, s0, count, log, st);
    }
  }
}

/** One psum group of psumSlab (image i's inputs at gAt / xAt + i * stride bytes, the window row at
 * winAt, pixel m's window at origin[m] bytes into an image). */
function psumGroup(wp: MacPairs, lc: LayerCompute, gr: PsumGroup, gAt: number, xAt: number, stride: number, winAt: number, origin: Int32Array, same: boolean, qs: readonly number[], s0: number, count: number, log: Changes, st: LayerCounts): void {
  const { K, N } = lc.geom;
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
  const perCall = Math.max(1, Math.floor(JOB_WORDS / (4 * count)));
  // fp32 throughout, relu or linear, no 'out' mods: settled inline (settleFp32)
  const act = lc.layer.activation.kind;
  const fm = lc.formats;
  const fast = outMods === NO_MODS && (act === 'relu' || act === 'linear') && fm.weight.kind === 'fp32' && fm.input.kind === 'fp32' && fm.output.kind === 'fp32';
  const relu = act === 'relu';
  const base = wp.mark();
  for (let o0 = 0; o0 < gr.m.length; o0 += perCall) {
    const o1 = Math.min(gr.m.length, o0 + perCall);
    const jobs = (o1 - o0) * count;
    wp.release(base);
    const jobsAt = wp.alloc(4 * jobs);
    const outAt = wp.alloc(2 * ((jobs + 7) & ~7));
    const { i32, f32 } = wp;
    for (let o = o0, j = jobsAt >> 2; o < o1; o++) {
      const org = origin[gr.m[o]];
      for (let i = 0; i < count; i++, j += 4) {
        i32[j] = winAt;
        i32[j + 1] = gAt + i * stride + org;
        i32[j + 2] = xAt + i * stride + org;
        i32[j + 3] = 0;
      }
    }
    st.recomputed += jobs;
    wp.chainsW(K, wAt, wfAt, first, lc.acc.zero, jobsAt, jobs, outAt, same, opsAt, nOps, winAt); // every job reads the window row
    const out = outAt >> 2;
    if (fast) settleFp32(f32, out, gr.m as Int32Array, o0, o1, count, N, gr.nn, lc.biasOp ? lc.biasOp[gr.nn] : null, relu, qs, s0, log, st);
    else {
      for (let o = o0, j = 0; o < o1; o++) {
        for (let i = 0; i < count; i++, j++) {
          const blk = out + 8 * (j >> 2) + (j & 3);
          settleDirect(lc, f32[blk], f32[blk + 4], gr.nn, outMods, gr.m[o] * N + gr.nn, qs[s0 + i], log, st);
        }
      }
    }
  }
}
