/**
 * Receptive-field helpers for conv layers (one image, NHWC): which output pixels read an input
 * element, and which input elements an output pixel reads. Output pixel index m = oy*Wo + ox;
 * K index k = (ky*kw + kx)*inC + c; input element index = (y*W + x)*C + c.
 */
import type { ConvGeometry } from './lowering';

/** One use of an input element: output pixel `m` reads it as its GEMM operand `k`. */
export interface InputUse {
  /** Output pixel index oy*Wo + ox. */
  readonly m: number;
  /** GEMM reduction index (ky*kw + kx)*inC + c. */
  readonly k: number;
}

/** Every (output pixel, K index) that reads input element (y, x, c); each output pixel feeds all outC channels. */
export function outputsReading(g: ConvGeometry, y: number, x: number, c: number): InputUse[] {
  const flat = usesFlat(g, y, x, c, []);
  const uses: InputUse[] = [];
  for (let i = 0; i < flat.length; i += 2) uses.push({ m: flat[i], k: flat[i + 1] });
  return uses;
}

/** outputsReading as flat pairs pushed onto `out` ([m0, k0, m1, k1, ...]; no object per use:
 * the faulty engine calls it for every changed input). Returns `out`. */
export function usesFlat(g: Pick<ConvGeometry, 'kh' | 'kw' | 'strideH' | 'strideW' | 'padTop' | 'padLeft' | 'outH' | 'outW' | 'inC'>, y: number, x: number, c: number, out: number[]): number[] {
  for (let ky = 0; ky < g.kh; ky++) {
    const ty = y + g.padTop - ky;
    if (ty < 0 || ty % g.strideH !== 0) continue;
    const oy = ty / g.strideH;
    if (oy >= g.outH) continue;
    for (let kx = 0; kx < g.kw; kx++) {
      const tx = x + g.padLeft - kx;
      if (tx < 0 || tx % g.strideW !== 0) continue;
      const ox = tx / g.strideW;
      if (ox >= g.outW) continue;
      out.push(oy * g.outW + ox, (ky * g.kw + kx) * g.inC + c);
    }
  }
  return out;
}

/**
 * Input element index ((y*W + x)*C + c) read by output pixel `m` at every K index, -1 where the
 * window covers padding. Length K = kh*kw*inC.
 */
export function inputsRead(g: ConvGeometry, m: number): Int32Array {
  const oy = Math.floor(m / g.outW);
  const ox = m - oy * g.outW;
  const out = new Int32Array(g.kh * g.kw * g.inC);
  let k = 0;
  for (let ky = 0; ky < g.kh; ky++) {
    const y = oy * g.strideH - g.padTop + ky;
    for (let kx = 0; kx < g.kw; kx++) {
      const x = ox * g.strideW - g.padLeft + kx;
      const inside = y >= 0 && y < g.inH && x >= 0 && x < g.inW;
      for (let c = 0; c < g.inC; c++) out[k++] = inside ? (y * g.inW + x) * g.inC + c : -1;
    }
  }
  return out;
}
