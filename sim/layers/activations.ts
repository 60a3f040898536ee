/**
 * Activation functions of the activation unit, evaluated in fp32 (every result Math.fround-ed).
 * Array bounds are per channel (length c) or per element of one image's output (length h*w*c,
 * NHWC): both are read at (element index within the batch) % bound.length, which is the channel
 * for per-channel bounds and the position inside the image for per-element bounds.
 * clip: min(max(x, 0), bound) (Ranger saturates). clipZero: x > bound -> 0, else relu(x) (FitAct, ProAct
 * and Clip-Act, as in the authors' RReLU code: rrelu/relu_bound/bound_fitact.py:17, bound_proact.py:24).
 * softmax runs over the channel axis of each pixel (max-subtracted, fp64 sum, fp32 result).
 */
import type { Activation } from './types';

const fround = Math.fround;

function boundOf(bound: number | Float32Array, index: number): number {
  return typeof bound === 'number' ? bound : bound[index % bound.length];
}

/**
 * Activation of one value (not softmax, which needs the whole vector: throws RangeError).
 * `index` locates the value for array bounds: its element index inside one image's NHWC output
 * (m*N + n for output row m, channel n) or inside the batch; a bare channel index is enough
 * only for per-channel bounds (index % bound.length is what is read).
 */
export function activateValue(act: Activation, v: number, index: number): number {
  switch (act.kind) {
    case 'linear':
      return v;
    case 'relu':
      return v > 0 ? v : 0;
    case 'clip': {
      const b = boundOf(act.bound, index);
      return v > 0 ? (v < b ? v : fround(b)) : 0;
    }
    case 'clipZero':
      return v > boundOf(act.bound, index) ? 0 : v > 0 ? v : 0;
    case 'tanh':
      return fround(Math.tanh(v));
    case 'sigmoid':
      return fround(1 / (1 + Math.exp(-v)));
    case 'softmax':
      throw new RangeError('activation: softmax needs the whole channel vector; use applyActivation');
  }
}

/** Applies `act` to NHWC data (whole images, batch-major) with `channels` channels into `out`
 * (may be `data`); returns `out`. Array bounds of length c or h*w*c are read at i % bound.length. */
export function applyActivation(act: Activation, data: Float32Array, channels: number, out: Float32Array = new Float32Array(data.length)): Float32Array {
  if (act.kind === 'softmax') {
    for (let base = 0; base < data.length; base += channels) softmaxInto(data, base, channels, out);
    return out;
  }
  if (act.kind === 'linear') {
    if (out !== data) out.set(data);
    return out;
  }
  if (act.kind === 'relu') {
    if (out !== data) out.set(data);
    reluInPlace(out);
    return out;
  }
  for (let i = 0; i < data.length; i++) out[i] = activateValue(act, data[i], i);
  return out;
}

/**
 * relu in place on fp32 values, the same results as `v > 0 ? v : 0` (NaN and -0 give +0), computed
 * on the bit patterns without a data-dependent branch: a word is kept when it is a positive
 * number (0 < bits <= +Infinity's), else cleared. On activations of random sign the branching
 * form mispredicts half the time and runs over twice as long.
 */
export function reluInPlace(data: Float32Array): void {
  const bits = new Int32Array(data.buffer, data.byteOffset, data.length);
  for (let i = 0; i < bits.length; i++) {
    const w = bits[i];
    bits[i] = w & -(+(w > 0) & +(w <= 0x7f800000));
  }
}

/** Softmax of data[base .. base+len) into out[base ..], fp32 results. */
export function softmaxInto(data: Float32Array, base: number, len: number, out: Float32Array): void {
  let max = -Infinity;
  for (let j = 0; j < len; j++) if (data[base + j] > max) max = data[base + j];
  let sum = 0;
  for (let j = 0; j < len; j++) sum += Math.exp(data[base + j] - max);
  for (let j = 0; j < len; j++) out[base + j] = fround(Math.exp(data[base + j] - max) / sum);
}
