/**
 * im2col for NHWC batches: row m' = img*Ho*Wo + oy*Wo + ox holds the receptive field of that output
 * pixel, K index (ky*kw + kx)*inC + c (matching [kh][kw][inC][outC] weights); padding reads 0.
 * Rows can be produced for a sub-range (on demand) so huge batches need not be materialised.
 */
import type { ConvGeometry } from './lowering';

/** Fills `out` (length K) with im2col row `m` (0..Ho*Wo-1) of image `img` of an NHWC batch; returns `out`. */
export function im2colRow(input: Float32Array, g: ConvGeometry, img: number, m: number, out: Float32Array = new Float32Array(g.kh * g.kw * g.inC)): Float32Array {
  const oy = Math.floor(m / g.outW);
  const ox = m - oy * g.outW;
  const imgBase = img * g.inH * g.inW * g.inC;
  const y0 = oy * g.strideH - g.padTop;
  const x0 = ox * g.strideW - g.padLeft;
  let k = 0;
  for (let ky = 0; ky < g.kh; ky++) {
    const y = y0 + ky;
    for (let kx = 0; kx < g.kw; kx++) {
      const x = x0 + kx;
      if (y < 0 || y >= g.inH || x < 0 || x >= g.inW) {
        out.fill(0, k, k + g.inC);
      } else {
        const src = imgBase + (y * g.inW + x) * g.inC;
        for (let c = 0; c < g.inC; c++) out[k + c] = input[src + c];
      }
      k += g.inC;
    }
  }
  return out;
}

/**
 * im2col matrix rows [rowStart, rowStart+rowCount) of a batch (global row index over all images),
 * row-major rowCount x K. Defaults to every row of `n` images.
 */
export function im2col(input: Float32Array, n: number, g: ConvGeometry, rowStart = 0, rowCount = n * g.outH * g.outW - rowStart): Float32Array {
  const K = g.kh * g.kw * g.inC;
  const M = g.outH * g.outW;
  const out = new Float32Array(rowCount * K);
  for (let r = 0; r < rowCount; r++) {
    const gm = rowStart + r;
    const img = Math.floor(gm / M);
    im2colRow(input, g, img, gm - img * M, out.subarray(r * K, (r + 1) * K));
  }
  return out;
}
