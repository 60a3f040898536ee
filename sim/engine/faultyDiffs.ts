/**
 * The per-image differences of a faulty run, packed: per layer and chunk of images, one block of
 * typed arrays (changed images, their ranges, output indices, golden and faulty values) instead of
 * an object per image. A run's results then hold a few dozen objects rather than thousands (the
 * young-generation collector copies what survives, so this is what a run costs it); the per-image
 * LayerDiff objects are built only when `diffs()` is asked for.
 */
import type { Changes, ImageState, LayerCounts } from './faultyLayer';

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
  /** Image j's entries are starts[j]..starts[j+1]-1 of the pools. */
  readonly starts: Int32Array;
  /** Output indices (ascending per image), golden and faulty values. */
  readonly indices: Int32Array;
  readonly golden: Float32Array;
  readonly faulty: Float32Array;
}

/** Differences and difference statistics of a run (a class: its methods keep their optimized
 * code from run to run). */
export class DiffStore {
  /** Per layer: largest |faulty - golden| (NaN once one is NaN) and sum of squared differences. */
  readonly maxAbs: Float64Array;
  readonly sqD: Float64Array;
  private readonly blocks: DiffBlock[][];
  private built: LayerDiff[][] | null = null;

  constructor(layers: number, private readonly counts: readonly LayerCounts[]) {
    this.maxAbs = new Float64Array(layers);
    this.sqD = new Float64Array(layers);
    this.blocks = Array.from({ length: layers }, () => []);
  }

  /**
   * Records layer L's changes for the active images of a chunk (`log`, image slot = index in
   * `active`): each changed image gets its faulty tensor (`golden` output of the layer, `outLen`
   * values per image, with the changes applied) as `faulty[L]` and its changed indices
   * (ascending) as `changed[L]`.
   */
  addChunk(L: number, active: readonly ImageState[], log: Changes, golden: Float32Array, outLen: number): void {
    const tot = log.size;
    if (tot === 0) return;
    const slots = active.length;
    // bucket the log by image slot (stable: each image's changes keep their order)
    const start = new Int32Array(slots + 1);
    let nCh = 0;
    for (let q = 0; q < slots; q++) {
      start[q + 1] = start[q] + log.counts[q];
      if (log.counts[q] > 0) nCh++;
    }
    const idx = new Int32Array(tot);
    const val = new Float32Array(tot);
    const fill = start.slice(0, slots);
    for (let i = 0; i < tot; i++) {
      const at = fill[log.q[i]]++;
      idx[at] = log.idx[i];
      val[at] = log.val[i];
    }
    const images = new Int32Array(nCh);
    const starts = new Int32Array(nCh + 1);
    const gPool = new Float32Array(tot);
    const fPool = new Float32Array(tot);
    const outPool = new Float32Array(nCh * outLen);
    let maxD = this.maxAbs[L];
    let sq = this.sqD[L];
    for (let q = 0, j = 0; q < slots; q++) {
      const a0 = start[q];
      const a1 = start[q + 1];
      if (a1 === a0) continue;
      const s = active[q];
      const g0 = s.img * outLen;
      const o0 = j * outLen;
      outPool.set(golden.subarray(g0, g0 + outLen), o0);
      for (let i = a0; i < a1; i++) outPool[o0 + idx[i]] = val[i];
      const ids = idx.subarray(a0, a1);
      for (let i = a0 + 1; i < a1; i++) {
        if (idx[i] < idx[i - 1]) {
          ids.sort();
          break;
        }
      }
      for (let i = a0; i < a1; i++) {
        const e = idx[i];
        const gv = golden[g0 + e];
        const fv = outPool[o0 + e];
        gPool[i] = gv;
        fPool[i] = fv;
        const delta = Math.abs(fv - gv);
        maxD = Number.isNaN(delta) || Number.isNaN(maxD) ? NaN : Math.max(maxD, delta);
        sq += delta * delta;
      }
      s.faulty[L] = outPool.subarray(o0, o0 + outLen);
      s.changed[L] = ids;
      images[j] = s.img;
      starts[j + 1] = starts[j] + (a1 - a0);
      j++;
    }
    this.maxAbs[L] = maxD;
    this.sqD[L] = sq;
    this.counts[L].corrupted += tot;
    this.blocks[L].push({ images, starts, indices: idx, golden: gPool, faulty: fPool });
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
          out.push({ image: b.images[j], indices: b.indices.subarray(a0, a1), golden: b.golden.subarray(a0, a1), faulty: b.faulty.subarray(a0, a1) });
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
          for (let i = b.starts[mid]; i < b.starts[mid + 1]; i++) out[b.indices[i]] = b.faulty[i];
          return;
        }
        if (im < image) lo = mid + 1;
        else hi = mid - 1;
      }
    }
  }
}
