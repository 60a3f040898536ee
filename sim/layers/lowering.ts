/**
 * Lowering of array layers to GEMM (SCALE-Sim operand mapping, sim/types.ts GemmShape):
 * conv: M = Ho*Wo (per image), K = kh*kw*inC, N = outC; dense: M = 1, K = inF, N = outF.
 * Every other kind runs in the vector/activation unit (null).
 */
import type { GemmShape } from '../types';
import type { Conv2dLayer, Layer, Shape3 } from './types';
import { slidingOutputSize } from './shapes';

/** Geometry of a convolution on one input shape (pixels, channels). */
export interface ConvGeometry {
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  /** Zero rows added above the input, pixels. */
  readonly padTop: number;
  /** Zero columns added left of the input, pixels. */
  readonly padLeft: number;
  /** Zero rows below the input that some window actually reads, pixels (>= 0; unread padding dropped). */
  readonly padBottom: number;
  /** Zero columns right of the input that some window actually reads, pixels (>= 0). */
  readonly padRight: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
}

/** Convolution geometry of `layer` applied to `inShape` (does not validate: run inferShapes first). */
export function convGeometry(layer: Conv2dLayer, inShape: Shape3): ConvGeometry {
  const p = layer.padding;
  const outH = slidingOutputSize(inShape.h, layer.kh, layer.strideH, p.top, p.bottom);
  const outW = slidingOutputSize(inShape.w, layer.kw, layer.strideW, p.left, p.right);
  return {
    inH: inShape.h,
    inW: inShape.w,
    inC: inShape.c,
    kh: layer.kh,
    kw: layer.kw,
    strideH: layer.strideH,
    strideW: layer.strideW,
    padTop: p.top,
    padLeft: p.left,
    padBottom: Math.max(0, (outH - 1) * layer.strideH + layer.kh - inShape.h - p.top),
    padRight: Math.max(0, (outW - 1) * layer.strideW + layer.kw - inShape.w - p.left),
    outH,
    outW,
    outC: layer.outC,
  };
}

/** GEMM shape per image of a layer on the array, or null for vector-unit layers. */
export function gemmShape(layer: Layer, inShape: Shape3): GemmShape | null {
  if (layer.kind === 'conv2d') {
    const g = convGeometry(layer, inShape);
    return { M: g.outH * g.outW, K: layer.kh * layer.kw * layer.inC, N: layer.outC };
  }
  if (layer.kind === 'dense') return { M: 1, K: layer.inF, N: layer.outF };
  return null;
}

/** True when the layer runs on the systolic array (conv2d, dense). */
export function isArrayLayer(layer: Layer): layer is Extract<Layer, { kind: 'conv2d' | 'dense' }> {
  return layer.kind === 'conv2d' || layer.kind === 'dense';
}
