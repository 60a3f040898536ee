/**
 * Vector-unit operations added for imported networks (NHWC batches, fp32 arithmetic): channel
 * concatenation, channel slices (grouped convolution lowering) and element-wise functions
 * (leaky relu, clamp, constant add, ONNX quantize / dequantize).
 */
import type { ElementwiseOp, Shape3 } from './types';

/** Channel concatenation of `n` images: inputs[i] has shapes[i] (equal h, w); returns n x h x w x sum(c). */
export function concatChannels(inputs: readonly Float32Array[], shapes: readonly Shape3[], n: number): Float32Array {
  const P = shapes[0].h * shapes[0].w;
  const C = shapes.reduce((a, s) => a + s.c, 0);
  const out = new Float32Array(n * P * C);
  for (let img = 0; img < n; img++) {
    for (let p = 0; p < P; p++) {
      let o = (img * P + p) * C;
      for (let i = 0; i < inputs.length; i++) {
        const c = shapes[i].c;
        const src = (img * P + p) * c;
        out.set(inputs[i].subarray(src, src + c), o);
        o += c;
      }
    }
  }
  return out;
}

/** Channels [start, start+count) of `n` images of shape `s`; returns n x h x w x count. */
export function sliceChannels(input: Float32Array, s: Shape3, n: number, start: number, count: number): Float32Array {
  const P = n * s.h * s.w;
  const out = new Float32Array(P * count);
  for (let p = 0; p < P; p++) out.set(input.subarray(p * s.c + start, p * s.c + start + count), p * count);
  return out;
}

/** Round half to even (ONNX QuantizeLinear's rounding). */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const at = (a: Float32Array, i: number): number => a[a.length === 1 ? 0 : i % a.length];

/** Applies an element-wise op to NHWC data with `c` channels per pixel; per-value arrays of
 * length 1, c or h*w*c are read at index 0, i % c or i % (h*w*c) (`size` = h*w*c). */
export function applyElementwise(op: ElementwiseOp, x: Float32Array, c: number, size: number): Float32Array {
  const out = new Float32Array(x.length);
  const idx = (a: Float32Array, i: number): number => (a.length === c ? i % c : i % size);
  switch (op.kind) {
    case 'leakyrelu':
      for (let i = 0; i < x.length; i++) out[i] = x[i] >= 0 ? x[i] : Math.fround(op.alpha * x[i]);
      return out;
    case 'clamp':
      for (let i = 0; i < x.length; i++) out[i] = x[i] < op.min ? op.min : x[i] > op.max ? op.max : x[i];
      return out;
    case 'addConst':
      for (let i = 0; i < x.length; i++) out[i] = x[i] + at(op.values, idx(op.values, i));
      return out;
    case 'quantize':
      for (let i = 0; i < x.length; i++) {
        const q = roundHalfEven(x[i] / at(op.scale, idx(op.scale, i))) + at(op.zeroPoint, idx(op.zeroPoint, i));
        out[i] = q < op.lo ? op.lo : q > op.hi ? op.hi : q;
      }
      return out;
    case 'dequantize':
      for (let i = 0; i < x.length; i++) out[i] = (x[i] - at(op.zeroPoint, idx(op.zeroPoint, i))) * at(op.scale, idx(op.scale, i));
      return out;
  }
}

/** The per-value arrays of an element-wise op by field name (shapes.ts checks each has 1, c or h*w*c values). */
export function elementwiseArrays(op: ElementwiseOp): readonly [string, Float32Array][] {
  switch (op.kind) {
    case 'addConst':
      return [['values', op.values]];
    case 'quantize':
      return [['scale', op.scale], ['zeroPoint', op.zeroPoint]];
    case 'dequantize':
      return [['scale', op.scale], ['zeroPoint', op.zeroPoint]];
    default:
      return [];
  }
}
