/**
 * One array layer of the faulty engine over the active images of a chunk: outputs a fault touches
 * directly are recomputed in array order (images that share their faults together, four per pass:
 * sim/engine/faultyBatch.ts; others output by output: recomputeArray), and outputs recomputed only
 * because their inputs changed go through the kernel, batched over every such image.
 * Hot per-image work lives in module-level functions (not closures re-created per call), so its
 * optimized code survives from run to run.
 */
import type { GemmKernel } from '../kernels/types';
import { usesOf, type ConvGeom } from '../dataflow/scheduleGeom';
import { arrayLayerForward } from './golden-gemm';
import type { LayerCompute } from './faultyCompute';
import { groupDirect } from './faultyGroup';
import type { LayerMods } from './faultyMods';
import { recomputeArray, type Changes, type ImageState, type LayerCounts } from './faultyLayer';

/** Kernel-path settings of arrayStep (FaultyOptions). */
export interface KernelPath {
  readonly kernel?: GemmKernel;
  readonly kernelShare?: number;
  readonly kernelMinMacs?: number;
  /** Direct outputs' array-order chains in WebAssembly (default true; false: JavaScript). */
  readonly useWasm?: boolean;
}

/** How the golden run computed one array layer: the kernel path repeats that call. */
export interface GoldenLayerCall {
  /** Golden stored outputs of the layer, whole batch (image-major). */
  readonly output: Float32Array;
  /** arrayLayerForward flags of the golden run. */
  readonly useConv2d: boolean;
  readonly keepPreActivation: boolean;
  /** True when the golden output rows are the kernel's clean results bit for bit (the same
   * batch-invariant kernel computed them): the clean half of the kernel call is skipped. */
  readonly reusable: boolean;
}

/** Reusable per-layer marks (row stamps), sized to the layer's M. */
export interface StepScratch {
  readonly rowMark: Int32Array;
  readonly pixMark: Int32Array;
  /** Changed input positions (stamped with the epoch), allocated on first use. */
  posMark?: Int32Array;
  epoch: number;
}

/** Scratch buffers for an array layer of geometry `g`. */
export function stepScratch(g: ConvGeom): StepScratch {
  return { rowMark: new Int32Array(g.M), pixMark: new Int32Array(g.M), epoch: 0 };
}

const NONE = new Int32Array(0);
/** The rows of a dense layer (M = 1); shared, never modified. */
const DENSE_ROWS: readonly number[] = [0];

/** Every output of the rows `rows` (ascending) except those in `direct` (ascending). */
function downsOf(rows: readonly number[], N: number, direct: Int32Array): number[] {
  const out: number[] = [];
  let di = 0;
  for (const m of rows) {
    const base = m * N;
    while (di < direct.length && direct[di] < base) di++;
    for (let nn = 0; nn < N; nn++) {
      if (di < direct.length && direct[di] === base + nn) {
        di++;
        continue;
      }
      out.push(base + nn);
    }
  }
  return out;
}

/** Marks (rowMark = ep) the rows whose window covers a changed input (`chIn` ascending), from a map of changed input
 * positions (any channel: a conv row reads every channel of each in-bounds window position): the
 * rows usesOf would mark, in O(changed + M*kh*kw) without a list per changed input. */
export function markRowsByWindow(g: ConvGeom, chIn: Int32Array, sc: StepScratch, ep: number): void {
  const pos = (sc.posMark ??= new Int32Array(g.inH * g.inW));
  // chIn is ascending: one division per changed position, the other channels of it skipped
  const C = g.inC;
  const len = chIn.length;
  for (let i = 0; i < len; ) {
    const p = Math.floor(chIn[i] / C);
    pos[p] = ep;
    const bound = (p + 1) * C;
    // the position's entries are among the next C (distinct, ascending): binary search their end
    let lo = i + 1;
    let hi = Math.min(len, i + C);
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (chIn[mid] < bound) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
  }
  for (let oy = 0, m = 0; oy < g.outH; oy++) {
    const y0 = oy * g.strideH - g.padTop;
    for (let ox = 0; ox < g.outW; ox++, m++) {
      const x0 = ox * g.strideW - g.padLeft;
      let hit = false;
      for (let ky = 0; ky < g.kh && !hit; ky++) {
        const y = y0 + ky;
        if (y < 0 || y >= g.inH) continue;
        for (let kx = 0; kx < g.kw; kx++) {
          const x = x0 + kx;
          if (x >= 0 && x < g.inW && pos[y * g.inW + x] === ep) {
            hit = true;
            break;
          }
        }
      }
      if (hit) sc.rowMark[m] = ep;
    }
  }
}

/** Rows (output pixels) of image slot `q` that read a changed input (`chIn`), without softmax
 * pixels that have a direct fault (those stay whole in array order); stores in `count[q]` how
 * many of their outputs are not direct. Hot path: a module-level function called per image. */
function planRows(lc: LayerCompute, chIn: Int32Array, direct: Int32Array, sc: StepScratch, count: Int32Array, q: number): readonly number[] {
  const g = lc.geom;
  const N = g.N;
  const softmax = lc.layer.activation.kind === 'softmax';
  if (lc.layer.kind === 'dense' && !softmax) {
    // one output row, read by every input: all of it, less the direct outputs
    count[q] = N - direct.length;
    return DENSE_ROWS;
  }
  const ep = ++sc.epoch;
  if (lc.layer.kind === 'dense') sc.rowMark[0] = ep; // one output row reads every input
  else if (chIn.length > g.M) markRowsByWindow(g, chIn, sc, ep);
  else {
    for (let i = 0; i < chIn.length; i++) {
      const uses = usesOf(g, chIn[i]);
      for (let u = 0; u < uses.length; u += 2) sc.rowMark[uses[u]] = ep;
    }
  }
  if (softmax) for (let i = 0; i < direct.length; i++) sc.pixMark[Math.floor(direct[i] / N)] = ep;
  const rows: number[] = [];
  for (let m = 0; m < g.M; m++) if (sc.rowMark[m] === ep && !(softmax && sc.pixMark[m] === ep)) rows.push(m);
  let inRows = 0;
  for (let i = 0; i < direct.length; i++) {
    const m = Math.floor(direct[i] / N);
    if (sc.rowMark[m] === ep && !(softmax && sc.pixMark[m] === ep)) inRows++;
  }
  count[q] = rows.length * N - inRows;
  return rows;
}

/** Kernel results of one image's downstream-only outputs: faulty at `base` of `fo` (`fu` its bit
 * view), clean at `cBase` of the bits `cu`; changes go to `log` (null: only counted); returns how
 * many are unchanged. */
function compareDowns(rows: readonly number[], N: number, direct: Int32Array, fo: Float32Array, fu: Uint32Array, base: number, cu: Uint32Array, cBase: number, log: Changes | null, q: number): number {
  if (!log) return countUnchanged(rows, N, direct, fu, base, cu, cBase);
  let masked = 0;
  let di = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] * N;
    while (di < direct.length && direct[di] < row) di++;
    for (let nn = 0; nn < N; nn++) {
      const idx = row + nn;
      if (di < direct.length && direct[di] === idx) {
        di++;
        continue;
      }
      if (fu[base + idx] === cu[cBase + idx]) masked++;
      else if (log) log.push(q, idx, fo[base + idx]);
    }
  }
  return masked;
}

/** compareDowns without a log: how many downstream-only outputs are unchanged (branch-free count;
 * the direct outputs of a row are subtracted afterwards). */
function countUnchanged(rows: readonly number[], N: number, direct: Int32Array, fu: Uint32Array, base: number, cu: Uint32Array, cBase: number): number {
  let same = 0;
  let di = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] * N;
    for (let e = row; e < row + N; e++) same += +(fu[base + e] === cu[cBase + e]);
    for (; di < direct.length && direct[di] < row + N; di++) if (direct[di] >= row) same -= +(fu[base + direct[di]] === cu[cBase + direct[di]]);
  }
  return same;
}

/** Kernel results that are images' faulty output tensors (golden reuse): image slot q's is row
 * rowOf[q] of `buf` (-1: none), `outLen` values per row. Downstream changes are not logged for
 * them: the row is the faulty tensor, except the outputs the array-order paths own (direct outputs;
 * with softmax their whole pixel), which hold golden values until the log's values are applied. */
export interface KernelRows {
  readonly buf: Float32Array;
  readonly rowOf: Int32Array;
  /** Per slot: downstream-only outputs recomputed on the kernel (absent: already counted). The
   * diff store adds to maskedDownstream those of them whose bits equal golden: downstream-only
   * minus the row's changes that are not logged (a logged output is a direct one; an output
   * outside the recomputed rows reads unchanged inputs and equals golden). */
  readonly down?: Int32Array | null;
}

/** Golden values into the outputs of a kernel row that the array-order paths own: the direct
 * outputs, and with softmax every output of their pixel. */
function resetOwned(fo: Float32Array, base: number, golden: Float32Array, gBase: number, direct: Int32Array, N: number, softmax: boolean): void {
  for (let i = 0; i < direct.length; i++) {
    const d = direct[i];
    if (!softmax) fo[base + d] = golden[gBase + d];
    else {
      const p0 = d - (d % N);
      for (let e = p0; e < p0 + N; e++) fo[base + e] = golden[gBase + e];
    }
  }
}

/**
 * One array layer for the active images of a chunk. Outputs a fault touches directly are
 * recomputed in array order (faulty and clean, masking rule); outputs recomputed only because
 * their inputs changed go through the kernel, batched over every such image, when their share and
 * work are large enough (an output changes iff the kernel's faulty and clean results differ), else
 * in array order. Changes go to `log` (image slot = index in `active`); with golden reuse the
 * kernel rows are returned instead of logging their downstream changes (see KernelRows).
 */
export function arrayStep(
  lc: LayerCompute, active: readonly ImageState[], ins: readonly number[], inLen: number, outLen: number,
  goldIn: (s: ImageState, q: number) => Float32Array, faultyIn: (s: ImageState, q: number) => Float32Array,
  log: Changes, st: LayerCounts, options: KernelPath, sc: StepScratch, call: GoldenLayerCall,
): KernelRows | null {
  const g = lc.geom;
  const N = g.N;
  const L = st.layer;
  const softmax = lc.layer.activation.kind === 'softmax';
  const share = options.kernelShare ?? 0.1;
  const minMacs = options.kernelMinMacs ?? 100_000;
  const j0 = ins[0];
  const directs: Int32Array[] = [];
  // downstream-only outputs per image: every output of these rows (pixels) except the direct ones
  const downRows: (readonly number[] | null)[] = [];
  const downCount = new Int32Array(active.length);
  let work = 0;
  for (let q = 0; q < active.length; q++) {
    const s = active[q];
    const lm = s.mods.get(L);
    const direct = lm ? lm.keyList() : NONE;
    const chIn = j0 >= 0 ? s.changed[j0] : null;
    directs.push(direct);
    downRows.push(chIn ? planRows(lc, chIn, direct, sc, downCount, q) : null);
    if (downCount[q] > share * g.M * N) work += downCount[q] * g.K;
  }
  let kernelRows: KernelRows | null = null;
  if (options.kernel !== undefined && work >= minMacs) {
    const sel: number[] = [];
    for (let q = 0; q < active.length; q++) if (downCount[q] > share * g.M * N) sel.push(q);
    // one kernel call: the selected images' faulty inputs, then (unless the golden rows are the
    // clean results) their golden inputs
    const S = sel.length;
    const rowsIn = call.reusable ? S : 2 * S;
    // one image with golden reuse: its faulty input as is (the kernel only reads it), no copy
    let b: Float32Array;
    if (rowsIn === 1) b = faultyIn(active[sel[0]], 0);
    else {
      b = new Float32Array(rowsIn * inLen);
      sel.forEach((q, r) => {
        b.set(faultyIn(active[q], 0), r * inLen);
        if (!call.reusable) b.set(goldIn(active[q], 0), (S + r) * inLen);
      });
    }
    const inShape = { h: g.inH, w: g.inW, c: g.inC };
    const fo = arrayLayerForward(lc.layer, b, rowsIn, inShape, lc.formats, options.kernel, call.useConv2d, call.keepPreActivation).output;
    const fu = new Uint32Array(fo.buffer, fo.byteOffset, fo.length);
    const cu = call.reusable ? new Uint32Array(call.output.buffer, call.output.byteOffset, call.output.length) : fu;
    const rowOf = call.reusable ? new Int32Array(active.length).fill(-1) : null;
    const down = rowOf ? new Int32Array(active.length) : null;
    for (let r = 0; r < S; r++) {
      const q = sel[r];
      st.recomputed += downCount[q];
      const cBase = call.reusable ? active[q].img * outLen : (S + r) * outLen;
      if (rowOf) {
        resetOwned(fo, r * outLen, call.output, cBase, directs[q], N, softmax);
        rowOf[q] = r;
      }
      // with golden reuse the diff store counts the unchanged ones while it compacts the row
      if (down) down[q] = downCount[q];
      else st.maskedDownstream += compareDowns(downRows[q]!, N, directs[q], fo, fu, r * outLen, cu, cBase, log, q);
      downRows[q] = null;
    }
    if (rowOf) kernelRows = { buf: fo, rowOf, down };
  }
  // direct outputs of images without an upstream change, grouped by their (shared) mods: the
  // array-order pairs of a group's images are computed together (interleaved chains)
  // (images with an upstream change form their own groups: their faulty inputs differ); what a
  // group leaves (non-batchable mods) goes to recomputeArray below
  const todoDirect = directs.slice();
  const groups = new Map<LayerMods, number[]>();
  const changedGroups = new Map<LayerMods, number[]>();
  if (!softmax) {
    for (let q = 0; q < active.length; q++) {
      const s = active[q];
      const lm = s.mods.get(L);
      if (!lm || directs[q].length === 0) continue;
      const map = j0 >= 0 && s.faulty[j0] ? changedGroups : groups;
      const list = map.get(lm);
      if (list) list.push(q);
      else map.set(lm, [q]);
    }
  }
  for (const [lm, qs] of groups) {
    const xg = qs.map((q) => goldIn(active[q], 0));
    const left = groupDirect(lc, lm, xg, xg, qs, log, st, options.useWasm ?? true);
    for (const q of qs) todoDirect[q] = left;
  }
  for (const [lm, qs] of changedGroups) {
    const left = groupDirect(lc, lm, qs.map((q) => goldIn(active[q], 0)), qs.map((q) => faultyIn(active[q], 0)), qs, log, st, options.useWasm ?? true);
    for (const q of qs) todoDirect[q] = left;
  }
  for (let q = 0; q < active.length; q++) {
    const s = active[q];
    const direct = todoDirect[q];
    const rows = downRows[q];
    if (direct.length === 0 && !rows) continue;
    let todo: ArrayLike<number> = direct;
    if (rows) todo = [...direct, ...downsOf(rows, N, directs[q])]; // downstream-only: never a direct output
    const xG = goldIn(s, 0);
    const xF = j0 >= 0 && s.faulty[j0] ? faultyIn(s, 0) : xG; // same object: no upstream change
    recomputeArray(lc, xG, xF, todo, s.mods.get(L) ?? null, log, q, st, options.useWasm ?? true);
  }
  return kernelRows;
}
