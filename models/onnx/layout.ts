/**
 * Layout between ONNX tensors (NCHW, batch first) and the simulator's NHWC images. A value of
 * rank 4 (N,C,H,W) is an image {h: H, w: W, c: C}; rank 3 (N,C,L) is {h: 1, w: L, c: C} (1-D
 * convolution and pooling); rank 2 (N,F) is {1,1,F}; rank 1 (F) is one image {1,1,F}.
 * A rank-2 value produced by flattening an image keeps `chw`: the simulator holds it in HWC order
 * while ONNX holds it in CHW order (weights of a following Gemm/MatMul are permuted instead).
 */
import type { Shape3 } from '../../sim/layers/types';

/** How an imported value maps to the simulator's tensors. */
export interface ValueLayout {
  /** ONNX rank (1..4). */
  readonly rank: number;
  /** ONNX dims without the batch axis (rank 1: the one dim). */
  readonly dims: readonly number[];
  /** Image shape in the simulator. */
  readonly shape: Shape3;
  /** Set on rank-2 values flattened from an image with h*w > 1: that image's shape. */
  readonly chw?: Shape3;
  /** Set on a rank-4 network input the graph declares as NHWC [N,H,W,C] and transposes to NCHW
   * first (tf2onnx / Keras exports): its data is already in the simulator's order. */
  readonly nhwc?: boolean;
}

/** Layout of an ONNX value of dims `full` (batch first; rank 1 has no batch); null when the rank is unsupported. */
export function layoutOf(full: readonly number[]): ValueLayout | null {
  const r = full.length;
  if (r === 4) return { rank: 4, dims: full.slice(1), shape: { h: full[2], w: full[3], c: full[1] } };
  if (r === 3) return { rank: 3, dims: full.slice(1), shape: { h: 1, w: full[2], c: full[1] } };
  if (r === 2) return { rank: 2, dims: full.slice(1), shape: { h: 1, w: 1, c: full[1] } };
  if (r === 1) return { rank: 1, dims: full.slice(), shape: { h: 1, w: 1, c: full[0] } };
  return null;
}

/** Index in ONNX order (C,H,W per image) of element (y, x, c) of an image of shape `s`. */
export const chwIndex = (s: Shape3, y: number, x: number, c: number): number => (c * s.h + y) * s.w + x;

/** Reorders `n` images between ONNX order (per image C,H,W; rank 2 F) and NHWC for layout `l`. */
function reorder(data: Float32Array, l: ValueLayout, n: number, into: 'nhwc' | 'onnx'): Float32Array {
  if (l.nhwc) return data.slice(0, n * l.shape.h * l.shape.w * l.shape.c);
  const s = l.chw ?? l.shape;
  const size = s.h * s.w * s.c;
  if (s.h * s.w === 1 || s.c === 1) return data.slice(0, n * size);
  const out = new Float32Array(n * size);
  for (let img = 0; img < n; img++) {
    const b = img * size;
    for (let y = 0; y < s.h; y++) for (let x = 0; x < s.w; x++) for (let c = 0; c < s.c; c++) {
      const hwc = b + (y * s.w + x) * s.c + c;
      const chw = b + chwIndex(s, y, x, c);
      if (into === 'nhwc') out[hwc] = data[chw]!;
      else out[chw] = data[hwc]!;
    }
  }
  return out;
}

/** Converts `n` images from ONNX order (per image C,H,W; rank 2 F) to NHWC for layout `l`. */
export const toNhwc = (data: Float32Array, l: ValueLayout, n: number): Float32Array => reorder(data, l, n, 'nhwc');

/** Converts `n` NHWC images of layout `l` back to ONNX order. */
export const fromNhwc = (data: Float32Array, l: ValueLayout, n: number): Float32Array => reorder(data, l, n, 'onnx');

/** Per-image constant broadcast to a value (numpy rules, batch axis excluded): `cdims` (full
 * rank or fewer) against value dims `full`; returns values of one image in NHWC order, or null
 * when the constant does not broadcast or varies along the batch axis. */
export function broadcastConst(values: Float32Array, cdims: readonly number[], full: readonly number[], l: ValueLayout): Float32Array | null {
  if (cdims.length > full.length) return null;
  const pad = [...new Array<number>(full.length - cdims.length).fill(1), ...cdims];
  for (let a = 0; a < full.length; a++) if (pad[a] !== 1 && pad[a] !== full[a]) return null;
  const hasBatch = l.rank > 1;
  if (hasBatch && pad[0] !== 1) return null;
  const per = hasBatch ? full.slice(1) : full.slice();
  const cd = hasBatch ? pad.slice(1) : pad;
  const count = per.reduce((a, b) => a * b, 1);
  const onnxOrder = new Float32Array(count);
  const strides = cd.map((_, a) => cd.slice(a + 1).reduce((p, q) => p * q, 1));
  for (let i = 0; i < count; i++) {
    let rem = i;
    let src = 0;
    for (let a = per.length - 1; a >= 0; a--) {
      const idx = rem % per[a];
      rem = Math.floor(rem / per[a]);
      if (cd[a] !== 1) src += idx * strides[a];
    }
    onnxOrder[i] = values[src];
  }
  return toNhwc(onnxOrder, l, 1);
}
