/**
 * im2col geometry of an array layer, used by the fault schedule and the faulty engine: which input
 * tensor element feeds GEMM entry in[m][k], and which (m, k) entries read a given input element.
 * Conv: m = oy*Wo + ox, k = (ky*kw + kx)*inC + c, element = ((oy*sh - pt + ky)*W + ox*sw - pl + kx)*C + c
 * (or padding). Dense: a 1x1 "conv" on a 1 x 1 x inF input (m = 0, element = k).
 * The geometry is sim/layers' ConvGeometry (the same lowering, SCALE-Sim operand order) plus the
 * GEMM dimensions; the receptive-field walk is sim/layers/receptive.ts's.
 */
import type { Layer, Shape3 } from '../layers/types';
import { convGeometry, type ConvGeometry } from '../layers/lowering';
import { usesFlat } from '../layers/receptive';

/** Geometry of one array layer's im2col lowering (pixels, channels, elements) and its GEMM
 * dimensions per image: M output pixels, K terms, N output channels. */
export interface ConvGeom extends ConvGeometry {
  readonly M: number;
  readonly K: number;
  readonly N: number;
}

/** Geometry of a conv2d or dense layer with input shape `inShape` and output shape `outShape`. */
export function convGeom(layer: Layer, inShape: Shape3, outShape: Shape3): ConvGeom {
  if (layer.kind === 'conv2d') {
    const g = convGeometry(layer, inShape);
    if (g.outH !== outShape.h || g.outW !== outShape.w) throw new RangeError(`layer ${layer.name}: output ${outShape.h}x${outShape.w} does not match its lowering ${g.outH}x${g.outW}`);
    return { ...g, M: g.outH * g.outW, K: layer.kh * layer.kw * inShape.c, N: layer.outC };
  }
  if (layer.kind === 'dense') {
    return {
      inH: 1, inW: 1, inC: layer.inF, kh: 1, kw: 1, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0,
      outH: 1, outW: 1, outC: layer.outF, M: 1, K: layer.inF, N: layer.outF,
    };
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
  const y = oy * g.strideH - g.padTop + ky;
  const x = ox * g.strideW - g.padLeft + kx;
  if (y < 0 || y >= g.inH || x < 0 || x >= g.inW) return -1;
  return (y * g.inW + x) * g.inC + c;
}

/** Every GEMM entry (m, k) that reads input element `e` (flattened [m0, k0, m1, k1, ...]). */
export function usesOf(g: ConvGeom, e: number): number[] {
  const c = e % g.inC;
  const p = (e - c) / g.inC;
  const y = Math.floor(p / g.inW);
  return usesFlat(g, y, p - y * g.inW, c, []);
}
