/**
 * im2col geometry of an array layer, used by the fault schedule and the faulty engine: which input
 * tensor element feeds GEMM entry in[m][k], and which (m, k) entries read a given input element.
 * Conv: m = oy*Wo + ox, k = (ky*kw + kx)*inC + c, element = ((oy*sh - pt + ky)*W + ox*sw - pl + kx)*C + c
 * (or padding). Dense: a 1x1 "conv" on a 1 x 1 x inF input (m = 0, element = k).
 * PROVISIONAL: mirrors the sim/layers im2col lowering (SCALE-Sim operand order) until it lands.
 */
import type { Layer, Shape3 } from '../layers/types';

/** Geometry of one array layer's im2col lowering (pixels, channels, elements). */
export interface ConvGeom {
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  /** Top / left padding, pixels. */
  readonly pt: number;
  readonly pl: number;
  readonly outH: number;
  readonly outW: number;
  /** GEMM dimensions. */
  readonly M: number;
  readonly K: number;
  readonly N: number;
}

/** Geometry of a conv2d or dense layer with input shape `inShape` and output shape `outShape`. */
export function convGeom(layer: Layer, inShape: Shape3, outShape: Shape3): ConvGeom {
  if (layer.kind === 'conv2d') {
    return {
      inH: inShape.h, inW: inShape.w, inC: inShape.c, kh: layer.kh, kw: layer.kw, sh: layer.strideH, sw: layer.strideW,
      pt: layer.padding.top, pl: layer.padding.left, outH: outShape.h, outW: outShape.w,
      M: outShape.h * outShape.w, K: layer.kh * layer.kw * inShape.c, N: layer.outC,
    };
  }
  if (layer.kind === 'dense') {
    return { inH: 1, inW: 1, inC: layer.inF, kh: 1, kw: 1, sh: 1, sw: 1, pt: 0, pl: 0, outH: 1, outW: 1, M: 1, K: layer.inF, N: layer.outF };
  }
  throw new RangeError(`layer ${layer.name}: not an array layer (${layer.kind})`);
}

/** Input element index feeding GEMM entry in[m][k], or -1 for a padding zero. */
export function im2colIndex(g: ConvGeom, m: number, k: number): number {
  const oy = Math.floor(m / g.outW);
  const ox = m - oy * g.outW;
  const c = k % g.inC;
  const kk = (k - c) / g.inC;
  const ky = Math.floor(kk / g.kw);
  const kx = kk - ky * g.kw;
  const y = oy * g.sh - g.pt + ky;
  const x = ox * g.sw - g.pl + kx;
  if (y < 0 || y >= g.inH || x < 0 || x >= g.inW) return -1;
  return (y * g.inW + x) * g.inC + c;
}

/** Every GEMM entry (m, k) that reads input element `e` (flattened [m0, k0, m1, k1, ...]). */
export function usesOf(g: ConvGeom, e: number): number[] {
  const c = e % g.inC;
  const p = (e - c) / g.inC;
  const y = Math.floor(p / g.inW);
  const x = p - y * g.inW;
  const out: number[] = [];
  for (let ky = 0; ky < g.kh; ky++) {
    const ny = y + g.pt - ky;
    if (ny < 0 || ny % g.sh !== 0) continue;
    const oy = ny / g.sh;
    if (oy >= g.outH) continue;
    for (let kx = 0; kx < g.kw; kx++) {
      const nx = x + g.pl - kx;
      if (nx < 0 || nx % g.sw !== 0) continue;
      const ox = nx / g.sw;
      if (ox >= g.outW) continue;
      out.push(oy * g.outW + ox, (ky * g.kw + kx) * g.inC + c);
    }
  }
  return out;
}
