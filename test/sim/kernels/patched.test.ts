/**
 * tfjs-wasm conv2dPatched (a BER trial's corrupted words written into XNNPACK's packed copy of
 * resident weights, sim/kernels/xnnPacked.ts) gives the bits of conv2d on the patched copy and of
 * the js kernel, for full and partial panels, 1x1 and strided convolutions, other batch sizes and
 * special values, with a stale packed copy of the same weights in the heap; the packed copy is
 * restored after each call (golden results unchanged).
 * findPacked finds every packed copy (the kernel then keeps the one its operator reads).
 */
import { describe, expect, it } from 'vitest';
import { createJsKernel } from '../../../sim/kernels';
import { markImmutable } from '../../../sim/kernels/immutable';
import { findPacked, packedWordIndex } from '../../../sim/kernels/xnnPacked';
import type { ConvGeometry } from '../../../sim/layers/lowering';
import { rng } from '../layers/fixtures';
import { useTfjsWasmKernel } from './tfjsKernel';

const bitsOf = (x: Float32Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));
const values = (len: number, seed: number): Float32Array => { const r = rng(seed); return Float32Array.from({ length: len }, () => r() * 2 - 1); };

function geometry(inH: number, inW: number, inC: number, k: number, stride: number, pad: number, outC: number): ConvGeometry {
  const outH = Math.floor((inH + 2 * pad - k) / stride) + 1, outW = Math.floor((inW + 2 * pad - k) / stride) + 1;
  return { inH, inW, inC, kh: k, kw: k, strideH: stride, strideW: stride, padTop: pad, padLeft: pad,
    padBottom: Math.max(0, (outH - 1) * stride + k - inH - pad), padRight: Math.max(0, (outW - 1) * stride + k - inW - pad), outH, outW, outC };
}

const wasm = useTfjsWasmKernel();
const js = createJsKernel();

describe('tfjs-wasm conv2dPatched', () => {
  const CASES = [geometry(9, 7, 5, 3, 1, 1, 19), geometry(8, 8, 6, 1, 2, 0, 16), geometry(10, 9, 3, 3, 2, 1, 8), geometry(6, 6, 16, 3, 1, 1, 64)];
  CASES.forEach((g, c) => {
    it(`equals conv2d of the patched copy and the js kernel, bit for bit (case ${c}: ${g.kh}x${g.kw}x${g.inC}->${g.outC}, stride ${g.strideH})`, () => {
      const K = g.kh * g.kw * g.inC, N = g.outC;
      const golden = markImmutable(values(K * N, 10 + c));
      const bias = values(N, 20 + c);
      let fast = 0;
      // a one-off upload of the same values first: its freed operator leaves a stale packed copy
      // in the heap, which the kernel must tell from the live one
      wasm().conv2d!(values(g.inH * g.inW * g.inC, 40), 1, g, golden.slice());
      for (const n of [1, 3, 2]) {
        const x = values(n * g.inH * g.inW * g.inC, 30 + n);
        const goldOut = wasm().conv2d!(x, n, g, golden, { bias, relu: true });
        for (let trial = 0; trial < 4; trial++) {
          const r = rng(100 * c + 10 * n + trial);
          const words = new Set<number>();
          while (words.size < 1 + Math.floor(r() * 12)) words.add(Math.floor(r() * K * N));
          const w = Int32Array.from(words);
          const special = [Number.NaN, Infinity, -0, 3e38, -2.5];
          const v = Float32Array.from(w, (_, i) => (i < special.length && trial > 1 ? special[i]! : r() * 8 - 4));
          const copy = golden.slice();
          w.forEach((word, i) => { copy[word] = v[i]!; });
          for (const ep of [{ bias, relu: true }, undefined]) {
            const got = wasm().conv2dPatched!(x, n, g, golden, { words: w, values: v }, ep);
            const want = wasm().conv2d!(x, n, g, copy, ep);
            expect(bitsOf(want), 'tfjs-wasm vs js on the copy').toEqual(bitsOf(js.conv2d!(x, n, g, copy, ep)));
            if (got) { fast++; expect(bitsOf(got), `n ${n} trial ${trial}`).toEqual(bitsOf(want)); }
          }
          // restored: the resident weights give the golden result again
          expect(bitsOf(wasm().conv2d!(x, n, g, golden, { bias, relu: true }))).toEqual(bitsOf(goldOut));
        }
      }
      // the packed copy was found (after the first patched call) and used
      expect(fast).toBeGreaterThan(15);
    });
  });
});

describe('findPacked', () => {
  /** A heap holding `w` (K x N) packed with panels of nr at word `at` (zero bias, zero padding). */
  function heapWith(w: Float32Array, K: number, N: number, nr: number, at: number[], size = 4096): Int32Array {
    const heap = new Int32Array(size);
    const r = rng(3);
    for (let i = 0; i < size; i++) heap[i] = Math.floor(r() * 2 ** 31);
    const wb = new Int32Array(w.buffer);
    for (const base of at) {
      const stride = nr + K * nr;
      for (let p = 0; p * nr < N; p++) {
        heap.fill(0, base + p * stride, base + (p + 1) * stride);
        for (let k = 0; k < K; k++) for (let j = 0; j < nr && p * nr + j < N; j++) heap[base + p * stride + nr + k * nr + j] = wb[k * N + p * nr + j]!;
      }
    }
    return heap;
  }
  it('finds each packed copy and maps every word to it; a copy inside the excluded range or with a nonzero bias is not one', () => {
    const K = 12, N = 19;
    const w = values(K * N, 5);
    for (const nr of [8, 16, 4]) {
      const heap = heapWith(w, K, N, nr, [333]);
      const [p, ...more] = findPacked(heap, w, K, N);
      expect(more).toEqual([]);
      expect(p).toEqual({ base: 333, nr, K, N });
      const wb = new Int32Array(w.buffer);
      for (let word = 0; word < K * N; word++) expect(heap[packedWordIndex(p!, word)]).toBe(wb[word]);
      expect(findPacked(heapWith(w, K, N, nr, [100, 2000]), w, K, N).map((c) => c.base)).toEqual([100, 2000]);
      expect(findPacked(heap, w, K, N, { start: 300, end: 400 })).toEqual([]);
      heap[333] = 7; // a bias word
      expect(findPacked(heap, w, K, N)).toEqual([]);
    }
    expect(findPacked(heapWith(w, K, N, 8, []), w, K, N)).toEqual([]);
  });
});
