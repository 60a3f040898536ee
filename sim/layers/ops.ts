/**
 * Vector-unit operations on NHWC batches (fp32 arithmetic): pooling, global average pooling,
 * batch norm, residual add. Pool padding never contributes: max ignores padded positions and
 * average divides by the number of real (unpadded) elements in the window.
 */
import type { PoolLayer, Shape3 } from './types';
import { slidingOutputSize } from './shapes';

/** Max or average pooling of `n` images of shape `s`; returns n x Ho x Wo x C. */
export function pool(layer: PoolLayer, input: Float32Array, n: number, s: Shape3): Float32Array {
  const p = layer.padding;
  const outH = slidingOutputSize(s.h, layer.ph, layer.strideH, p.top, p.bottom);
  const outW = slidingOutputSize(s.w, layer.pw, layer.strideW, p.left, p.right);
  const C = s.c;
  const out = new Float32Array(n * outH * outW * C);
  const isMax = layer.kind === 'maxpool';
  let o = 0;
  for (let img = 0; img < n; img++) {
    const base = img * s.h * s.w * C;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = Math.max(0, oy * layer.strideH - p.top);
      const y1 = Math.min(s.h, oy * layer.strideH - p.top + layer.ph);
      for (let ox = 0; ox < outW; ox++, o += C) {
        const x0 = Math.max(0, ox * layer.strideW - p.left);
        const x1 = Math.min(s.w, ox * layer.strideW - p.left + layer.pw);
        // channel-innermost sweep over the window (contiguous NHWC reads); the first element seeds out
        const first = base + (y0 * s.w + x0) * C;
        for (let c = 0; c < C; c++) out[o + c] = input[first + c];
        for (let y = y0; y < y1; y++) {
          for (let x = y === y0 ? x0 + 1 : x0; x < x1; x++) {
            const src = base + (y * s.w + x) * C;
            if (isMax) {
              for (let c = 0; c < C; c++) {
                const v = input[src + c];
                if (v > out[o + c]) out[o + c] = v;
              }
            } else for (let c = 0; c < C; c++) out[o + c] += input[src + c];
          }
        }
        if (!isMax) {
          const count = (y1 - y0) * (x1 - x0);
          for (let c = 0; c < C; c++) out[o + c] /= count;
        }
      }
    }
  }
  return out;
}

/** Global average pooling of `n` images of shape `s` to n x 1 x 1 x C (fp64 sum, fp32 result). */
export function globalAvgPool(input: Float32Array, n: number, s: Shape3): Float32Array {
  const C = s.c;
  const P = s.h * s.w;
  const out = new Float32Array(n * C);
  const acc = new Float64Array(C);
  for (let img = 0; img < n; img++) {
    acc.fill(0);
    const base = img * P * C;
    for (let q = 0; q < P; q++) for (let c = 0; c < C; c++) acc[c] += input[base + q * C + c];
    for (let c = 0; c < C; c++) out[img * C + c] = acc[c] / P;
  }
  return out;
}

/** Per-channel affine y = x*scale[c] + shift[c] (inference batch norm), fp32. */
export function batchNormApply(input: Float32Array, C: number, scale: Float32Array, shift: Float32Array): Float32Array {
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const c = i % C;
    out[i] = Math.fround(input[i] * scale[c]) + shift[c];
  }
  return out;
}

/** Element-wise sum of two equally shaped tensors, fp32. */
export function addTensors(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}
