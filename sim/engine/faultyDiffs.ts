/**
 * The per-image differences of a faulty run, packed: per layer and chunk of images, one block of
 * typed arrays (changed images, their ranges, output indices, golden and faulty values) instead of
 * an object per image. A run's results then hold a few dozen objects rather than thousands (the
 * young-generation collector copies what survives, so this is what a run costs it); the per-image
 * LayerDiff objects are built only when `diffs()` is asked for.
 */
import type { Changes, ImageState, LayerCounts } from './faultyLayer';
import type { KernelRows } from './faultyStep';

/** Sparse difference of one layer's output for one image (indices into the image's tensor). */
export interface LayerDiff {
  readonly image: number;
  readonly indices: Int32Array;
  readonly golden: Float32Array;
  readonly faulty: Float32Array;
}

/** One layer's changes for the changed images of one chunk. */
interface DiffBlock {
  /** Changed images, ascending. */
  readonly images: Int32Array;
  /** Image j's entries are starts[j]..starts[j+1]-1 of `indices`. */
  readonly starts: Int32Array;
  /** Output indices (ascending per image). */
  readonly indices: Int32Array;
  /** Golden and faulty values of the pooled images: image j's from vAt[j] on. */
  readonly golden: Float32Array;
  readonly faulty: Float32Array;
  /** Per image: its offset in the value pools, or -1: a dense image, whose values are read from
   * its faulty tensor `tensors[j]` and the golden layer output `source` (image at images[j] * outLen)
   * when asked for (most of its outputs changed: the tensor costs no more memory than pools). */
  readonly vAt: Int32Array;
  readonly tensors: (Float32Array | null)[] | null;
  readonly source: Float32Array;
  readonly outLen: number;
}

/** Reused compaction buffer of addChunk (kept up to SCRATCH_MAX entries: 8 MiB). */
let scratch = new Int32Array(0);
const SCRATCH_MAX = 1 << 21;

/** A scratch Int32Array of at least `n` entries (its contents are garbage). */
function scratchOf(n: number): Int32Array {
  if (n > SCRATCH_MAX) return new Int32Array(n);
  if (scratch.length < n) scratch = new Int32Array(Math.max(n, Math.min(SCRATCH_MAX, 2 * scratch.length)));
  return scratch;
}

/** Golden and faulty values at `idx` of a dense image (built when first read). */
function denseDiff(image: number, idx: Int32Array, tensor: Float32Array, source: Float32Array, g0: number): LayerDiff {
  let g: Float32Array | null = null;
  let f: Float32Array | null = null;
  return {
    image, indices: idx,
    get golden(): Float32Array {
      return (g ??= Float32Array.from(idx, (e) => source[g0 + e]));
    },
    get faulty(): Float32Array {
      return (f ??= Float32Array.from(idx, (e) => tensor[e]));
    },
  };
}

/** Adds the differences of a dense image (faulty tensor kb from k0, golden from g0) at the
 * indices fIdx[p0..p1) to acc (largest |difference|, NaN sticks; sum of squares, index order). */
function denseStats(golden: Float32Array, g0: number, kb: Float32Array, k0: number, fIdx: Int32Array, p0: number, p1: number, acc: Float64Array): void {
  let maxD = acc[0];
  let sq = acc[1];
  for (let i = p0; i < p1; i++) {
    const e = fIdx[i];
    const delta = Math.abs(kb[k0 + e] - golden[g0 + e]);
    maxD = Math.max(maxD, delta);
    sq += delta * delta;
  }
  acc[0] = maxD;
  acc[1] = sq;
}

/** Sorts idx[a0..a1) ascending. An image's changes arrive as a
 * few ascending runs (per producer), so short ranges take an insertion sort (no allocation,
 * linear when nearly sorted); long unsorted ones the typed-array sort. */
function sortRange(idx: Int32Array, a0: number, a1: number): void {
  let sorted = true;
  for (let i = a0 + 1; i < a1 && sorted; i++) sorted = idx[i] >= idx[i - 1];
  if (sorted) return;
  if (a1 - a0 > 256) {
    idx.subarray(a0, a1).sort();
    return;
  }
  for (let i = a0 + 1; i < a1; i++) {
    const v = idx[i];
    let j = i - 1;
    while (j >= a0 && idx[j] > v) {
      idx[j + 1] = idx[j];
      j--;
    }
    idx[j + 1] = v;
  }
}

/** start[q+1] = start[q] + counts[q]; returns the number of slots with a count. */
function slotStarts(counts: Int32Array, start: Int32Array): number {
  let nCh = 0;
  for (let q = 0; q < counts.length; q++) {
    start[q + 1] = start[q] + counts[q];
    if (counts[q] > 0) nCh++;
  }
  return nCh;
}

/** Copies the log's (index, value) pairs into `idx` / `val`, slot q from start[q] on, in log order. */
function scatterLog(log: Changes, start: Int32Array, idx: Int32Array, val: Float32Array): void {
  const fill = start.slice(0, start.length - 1);
  const lq = log.q;
  const li = log.idx;
  const lv = log.val;
  for (let i = 0; i < log.size; i++) {
    const at = fill[lq[i]]++;
    idx[at] = li[i];
    val[at] = lv[i];
  }
}

/**
 * One changed image of a layer (log entries idx/val[a0..a1)): its faulty tensor at
 * outPool[o0..o0+outLen) = the golden one (golden[g0..]) with the logged values applied; the
 * indices go to fIdx[p..] sorted, with golden and faulty values in gPool / fPool; acc[0] = largest
 * |difference| (NaN sticks), acc[1] += squared differences. Called per image (it stays optimized
 * on its own).
 */
function recordImage(golden: Float32Array, g0: number, outLen: number, outPool: Float32Array, o0: number, idx: Int32Array, val: Float32Array, a0: number, a1: number, fIdx: Int32Array, p: number, gPool: Float32Array, fPool: Float32Array, acc: Float64Array, v: number): void {
  for (let e = 0; e < outLen; e++) outPool[o0 + e] = golden[g0 + e];
  for (let i = a0; i < a1; i++) outPool[o0 + idx[i]] = val[i];
  const n = a1 - a0;
  for (let i = 0; i < n; i++) fIdx[p + i] = idx[a0 + i];
  sortRange(fIdx, p, p + n);
  diffValues(golden, g0, outPool, o0, fIdx, p, p + n, gPool, fPool, acc, v);
}

/** gPool / fPool[v..v+p1-p0) = golden / faulty values at the indices fIdx[p0..p1); updates acc. */
function diffValues(golden: Float32Array, g0: number, out: Float32Array, o0: number, fIdx: Int32Array, p0: number, p1: number, gPool: Float32Array, fPool: Float32Array, acc: Float64Array | null, v: number): void {
  if (!acc) {
    for (let i = p0, w = v; i < p1; i++, w++) {
      gPool[w] = golden[g0 + fIdx[i]];
      fPool[w] = out[o0 + fIdx[i]];
    }
    return;
  }
  let maxD = acc[0];
  let sq = acc[1];
  for (let i = p0, w = v; i < p1; i++, w++) {
    const e = fIdx[i];
    const gv = golden[g0 + e];
    const fv = out[o0 + e];
    gPool[w] = gv;
    fPool[w] = fv;
    const delta = Math.abs(fv - gv);
    maxD = Math.max(maxD, delta); // NaN sticks: Math.max of a NaN is NaN
    sq += delta * delta;
  }
  acc[0] = maxD;
  acc[1] = sq;
}

/** A kernel row (faulty tensor at kb[k0..k0+outLen), bits ku): applies its log entries
 * idx/val[a0..a1) and writes its changes, ascending, to out[o..]: outputs whose bits differ from
 * golden (gu at g0), plus logged outputs whose value happens to equal golden (they changed against
 * the array-order clean value, so they count as changed, as in the logged path); returns how
 * many. `out` needs room for outLen + (a1 - a0) entries from o (one branch-free pass: every index
 * is written, the cursor advances past the changed ones). */
function compactRow(kb: Float32Array, ku: Uint32Array, k0: number, golden: Float32Array, gu: Uint32Array, g0: number, outLen: number, idx: Int32Array, val: Float32Array, a0: number, a1: number, out: Int32Array, o: number, stats: Float64Array): number {
  for (let i = a0; i < a1; i++) kb[k0 + idx[i]] = val[i];
  let at = o;
  // the statistics ride along: an unchanged output adds 0 x |difference| (0 while finite; a NaN
  // there, or a NaN difference, makes the sums NaN and the caller recomputes them exactly)
  let maxD = stats[0];
  let sq = stats[1];
  for (let e = 0; e < outLen; e++) {
    const c = +(ku[k0 + e] !== gu[g0 + e]);
    out[at] = e;
    at += c;
    const d = c * Math.abs(kb[k0 + e] - golden[g0 + e]);
    maxD = Math.max(maxD, d);
    sq += d * d;
  }
  const from = at;
  for (let i = a0; i < a1; i++) {
    const e = idx[i];
    if (ku[k0 + e] !== gu[g0 + e]) continue;
    out[at++] = e;
    const d = Math.abs(kb[k0 + e] - golden[g0 + e]);
    maxD = Math.max(maxD, d);
    sq += d * d;
  }
  stats[0] = maxD;
  stats[1] = sq;
  if (at > from) sortRange(out, o, at);
  return at - o;
}

/** Differences and difference statistics of a run (a class: its methods keep their optimized
 * code from run to run). */
export class DiffStore {
  /** Per layer: largest |faulty - golden| (NaN once one is NaN) and sum of squared differences. */
  readonly maxAbs: Float64Array;
  readonly sqD: Float64Array;
  private readonly blocks: DiffBlock[][];
  private built: LayerDiff[][] | null = null;
  /** Running largest |difference| and sum of squares of the layer being recorded. */
  private readonly acc = new Float64Array(2);
  /** The same, summed while kernel rows are compacted. */
  private readonly fused = new Float64Array(2);

  constructor(layers: number, private readonly counts: readonly LayerCounts[]) {
    this.maxAbs = new Float64Array(layers);
    this.sqD = new Float64Array(layers);
    this.blocks = Array.from({ length: layers }, () => []);
  }

  /**
   * Records layer L's changes for the active images of a chunk (`log`, image slot = index in
   * `active`; `kernelRows`: slots whose faulty tensor is a kernel row, see KernelRows): each
   * changed image gets its faulty tensor (`golden` output of the layer, `outLen` values per
   * image, with the changes applied) as `faulty[L]` and its changed indices (ascending) as
   * `changed[L]`.
   */
  addChunk(L: number, active: readonly ImageState[], log: Changes, golden: Float32Array, outLen: number, kernelRows: KernelRows | null = null): void {
    const tot = log.size;
    if (tot === 0 && kernelRows === null) return;
    const slots = active.length;
    // bucket the log by image slot (stable: each image's changes keep their order)
    const start = new Int32Array(slots + 1);
    slotStarts(log.counts, start);
    const idx = new Int32Array(tot);
    const val = new Float32Array(tot);
    scatterLog(log, start, idx, val);
    // changes per slot: its log entries, or for a kernel row (the log applied to it) the outputs
    // that differ from golden plus log entries that happen to equal golden
    const gu = new Uint32Array(golden.buffer, golden.byteOffset, golden.length);
    const kb = kernelRows?.buf ?? null;
    const ku = kb ? new Uint32Array(kb.buffer, kb.byteOffset, kb.length) : null;
    const cnt = new Int32Array(slots);
    // a kernel row's changes are compacted into `rowIdx` while counted (at rowAt[q]), then copied
    let rowIdx: Int32Array | null = null;
    const rowAt = new Int32Array(slots);
    if (kernelRows) {
      let room = 0;
      for (let q = 0; q < slots; q++) if (kernelRows.rowOf[q] >= 0) room += outLen + 1 + start[q + 1] - start[q];
      rowIdx = scratchOf(room);
    }
    let total = 0;
    let nCh = 0;
    let nOut = 0;
    // statistics of the kernel rows while they are compacted, in slot order: they stand when no
    // logged image comes with them (the record loop would add its values in between) and no NaN
    // arose (then every difference is summed exactly as the record loop would)
    const fused = this.fused;
    fused[0] = this.maxAbs[L];
    fused[1] = this.sqD[L];
    for (let q = 0, ra = 0; q < slots; q++) {
      const r = kernelRows ? kernelRows.rowOf[q] : -1;
      if (r >= 0) {
        rowAt[q] = ra;
        cnt[q] = compactRow(kb!, ku!, r * outLen, golden, gu, active[q].img * outLen, outLen, idx, val, start[q], start[q + 1], rowIdx!, ra, fused);
        const down = kernelRows!.down;
        if (down) this.counts[L].maskedDownstream += down[q] - (cnt[q] - (start[q + 1] - start[q]));
        ra += outLen + 1 + start[q + 1] - start[q];
      } else if ((cnt[q] = start[q + 1] - start[q]) > 0) nOut++;
      if (cnt[q] > 0) {
        nCh++;
        total += cnt[q];
      }
    }
    if (total === 0) return;
    // kernel rows where at least half the outputs changed stay as tensors (dense); the others'
    // values are pooled
    const dense = (q: number): boolean => kernelRows !== null && kernelRows.rowOf[q] >= 0 && 2 * cnt[q] >= outLen;
    let pooled = 0;
    let nDense = 0;
    for (let q = 0; q < slots; q++) {
      if (cnt[q] === 0) continue;
      if (dense(q)) nDense++;
      else pooled += cnt[q];
    }
    const images = new Int32Array(nCh);
    const starts = new Int32Array(nCh + 1);
    const vAt = new Int32Array(nCh);
    const tensors: (Float32Array | null)[] | null = nDense > 0 ? new Array<Float32Array | null>(nCh).fill(null) : null;
    const fIdx = new Int32Array(total);
    const gPool = new Float32Array(pooled);
    const fPool = new Float32Array(pooled);
    const outPool = new Float32Array(nOut * outLen);
    const acc = this.acc;
    acc[0] = this.maxAbs[L];
    acc[1] = this.sqD[L];
    const statsDone = nOut === 0 && !Number.isNaN(fused[0]) && !Number.isNaN(fused[1]);
    for (let q = 0, j = 0, o = 0, p = 0, v = 0; q < slots; q++) {
      if (cnt[q] === 0) continue;
      const s = active[q];
      const r = kernelRows ? kernelRows.rowOf[q] : -1;
      if (r >= 0) {
        fIdx.set(rowIdx!.subarray(rowAt[q], rowAt[q] + cnt[q]), p);
        s.faulty[L] = kb!.subarray(r * outLen, (r + 1) * outLen);
        if (dense(q)) {
          if (!statsDone) denseStats(golden, s.img * outLen, kb!, r * outLen, fIdx, p, p + cnt[q], acc);
          tensors![j] = s.faulty[L];
          vAt[j] = -1;
        } else {
          diffValues(golden, s.img * outLen, kb!, r * outLen, fIdx, p, p + cnt[q], gPool, fPool, statsDone ? null : acc, v);
          vAt[j] = v;
          v += cnt[q];
        }
      } else {
        recordImage(golden, s.img * outLen, outLen, outPool, o * outLen, idx, val, start[q], start[q + 1], fIdx, p, gPool, fPool, acc, v);
        s.faulty[L] = outPool.subarray(o * outLen, (o + 1) * outLen);
        o++;
        vAt[j] = v;
        v += cnt[q];
      }
      s.changed[L] = fIdx.subarray(p, p + cnt[q]);
      p += cnt[q];
      images[j] = s.img;
      starts[++j] = p;
    }
    this.maxAbs[L] = statsDone ? fused[0] : acc[0];
    this.sqD[L] = statsDone ? fused[1] : acc[1];
    this.counts[L].corrupted += total;
    this.blocks[L].push({ images, starts, indices: fIdx, golden: gPool, faulty: fPool, vAt, tensors, source: golden, outLen });
    this.built = null;
  }

  /** Per layer: the differences per image, ascending by image (built on first call). */
  diffs(): LayerDiff[][] {
    return (this.built ??= this.blocks.map((list) => {
      const out: LayerDiff[] = [];
      for (const b of [...list].sort((x, y) => x.images[0] - y.images[0])) {
        for (let j = 0; j < b.images.length; j++) {
          const a0 = b.starts[j];
          const a1 = b.starts[j + 1];
          const v = b.vAt[j];
          const indices = b.indices.subarray(a0, a1);
          if (v < 0) out.push(denseDiff(b.images[j], indices, b.tensors![j]!, b.source, b.images[j] * b.outLen));
          else out.push({ image: b.images[j], indices, golden: b.golden.subarray(v, v + a1 - a0), faulty: b.faulty.subarray(v, v + a1 - a0) });
        }
      }
      return out;
    }));
  }

  /** Writes image `image`'s faulty values of layer `layer` into `out` (its golden tensor). */
  applyTo(layer: number, image: number, out: Float32Array): void {
    for (const b of this.blocks[layer] ?? []) {
      let lo = 0;
      let hi = b.images.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const im = b.images[mid];
        if (im === image) {
          const v = b.vAt[mid];
          if (v < 0) {
            const t = b.tensors![mid]!;
            for (let i = b.starts[mid]; i < b.starts[mid + 1]; i++) out[b.indices[i]] = t[b.indices[i]];
          } else for (let i = b.starts[mid], w = v; i < b.starts[mid + 1]; i++, w++) out[b.indices[i]] = b.faulty[w];
          return;
        }
        if (im < image) lo = mid + 1;
        else hi = mid - 1;
      }
    }
  }
}
