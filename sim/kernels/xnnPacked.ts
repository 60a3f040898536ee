/**
 * Where XNNPACK keeps a convolution's packed weights in the tfjs-wasm heap, found by content, so
 * that a BER trial can patch the few corrupted words of a resident layer in place instead of
 * uploading and re-packing its whole weight matrix (sim/kernels/tfjs-wasm.ts conv2dPatched).
 * Layout (f32 GEMM/IGEMM microkernels with kr = sr = 1, as measured for tfjs-backend-wasm 4.22):
 * output channels in panels of `nr`; each panel holds `nr` bias words, then for every GEMM row k
 * (HWIO order: (ky * kw + kx) * inC + c) the `nr` weights of its channels. The layout is never
 * assumed: `locatePacked` accepts a place only when every weight word of the whole matrix is where
 * this layout puts it; the caller then keeps the one candidate its operator is seen to read
 * (sim/kernels/tfjs-wasm.ts probes each: freed operators leave stale packed copies behind) and
 * otherwise re-packs.
 */

/** A located packed weight matrix. */
export interface PackedWeights {
  /** Heap word index (4-byte words) of panel 0's first bias word. */
  readonly base: number;
  /** Output channels per panel. */
  readonly nr: number;
  /** GEMM rows (kh * kw * inC) and output channels. */
  readonly K: number;
  readonly N: number;
}

/** Panel widths tried, most likely first (wasm SIMD f32 microkernels are 8 wide). */
export const PANEL_WIDTHS: readonly number[] = [8, 16, 4, 2];

/** Heap word index of weight word `word` (row-major K x N) in `p`. */
export function packedWordIndex(p: PackedWeights, word: number): number {
  const k = (word / p.N) | 0;
  const o = word - k * p.N;
  const panel = (o / p.nr) | 0;
  return p.base + panel * (p.nr + p.K * p.nr) + p.nr + k * p.nr + (o - panel * p.nr);
}

/** True when the bias words of every panel of `p` are +0 (tfjs's conv2d passes no bias). */
function zeroBias(heap: Int32Array, p: PackedWeights): boolean {
  const stride = p.nr + p.K * p.nr;
  for (let at = p.base, o0 = 0; o0 < p.N; o0 += p.nr, at += stride) {
    if (at + p.nr > heap.length) return false;
    for (let j = 0, w = Math.min(p.nr, p.N - o0); j < w; j++) if (heap[at + j] !== 0) return false;
  }
  return true;
}

/** True when every word of `wb` (K x N bits) sits where `p` puts it in `heap`. */
function matches(heap: Int32Array, wb: Int32Array, p: PackedWeights): boolean {
  const { K, N, nr } = p;
  const stride = nr + K * nr;
  if (p.base < 0 || p.base + Math.ceil(N / nr) * stride > heap.length) return false;
  for (let panel = 0, o0 = 0; o0 < N; panel++, o0 += nr) {
    const w = Math.min(nr, N - o0);
    let at = p.base + panel * stride + nr;
    for (let k = 0, src = o0; k < K; k++, at += nr, src += N) {
      for (let j = 0; j < w; j++) if (heap[at + j] !== wb[src + j]) return false;
    }
  }
  return true;
}

/** Most candidate places kept by findPacked (more: none is trusted). */
export const MAX_CANDIDATES = 8;

/**
 * Every place of `heap` holding weights `w` (K x N, N >= 2) packed as described in the module doc
 * with zero bias words (empty when none, or more than MAX_CANDIDATES). `exclude`: heap words
 * [start, end) not to consider (the unpacked filter tensor, whose rows look like a panel when N
 * equals a panel width). Cost: one scan of the heap for an anchor word, then a full comparison per
 * candidate.
 */
export function findPacked(heap: Int32Array, w: Float32Array, K: number, N: number,
  exclude: { readonly start: number; readonly end: number } = { start: 0, end: 0 }): PackedWeights[] {
  if (N < 2 || K < 1 || w.length !== K * N) return [];
  const wb = new Int32Array(w.buffer, w.byteOffset, w.length);
  // anchor: the first row whose channel 0 weight is not +0 (zeros fill bias and padding words)
  let ka = 0;
  while (ka < K && wb[ka * N] === 0) ka++;
  if (ka === K) return [];
  const anchor = wb[ka * N]!;
  const found: PackedWeights[] = [];
  for (let pos = heap.indexOf(anchor); pos >= 0; pos = heap.indexOf(anchor, pos + 1)) {
    if (heap[pos + 1] !== wb[ka * N + 1] || (pos >= exclude.start && pos < exclude.end)) continue; // channel 1 follows channel 0 in a panel
    for (const nr of PANEL_WIDTHS) {
      const p = { base: pos - nr - ka * nr, nr, K, N };
      if (p.base < 0 || !zeroBias(heap, p) || !matches(heap, wb, p)) continue;
      if (found.length === MAX_CANDIDATES) return [];
      found.push(p);
    }
  }
  return found;
}
