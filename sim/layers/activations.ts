/**
 * Activation functions of the activation unit, evaluated in fp32 (every result Math.fround-ed).
 * Per-channel bounds are indexed by channel = element index % channels (NHWC / dense outputs).
 * clip: min(max(x, 0), bound) (Ranger/FitAct/ProAct). clipZero: x > bound -> 0, else relu(x).
 * softmax runs over the channel axis of each pixel (max-subtracted, fp64 sum, fp32 result).
 */
import type { Activation } from './types';

const fround = Math.fround;

function boundOf(bound: number | Float32Array, channel: number): number {
  return typeof bound === 'number' ? bound : bound[channel];
}

/** Activation of one value on `channel` (not softmax, which needs the whole vector: throws RangeError). */
export function activateValue(act: Activation, v: number, channel: number): number {
  switch (act.kind) {
    case 'linear':
      return v;
    case 'relu':
      return v > 0 ? v : 0;
    case 'clip': {
      const b = boundOf(act.bound, channel);
      return v > 0 ? (v < b ? v : fround(b)) : 0;
    }
    case 'clipZero':
      return v > boundOf(act.bound, channel) ? 0 : v > 0 ? v : 0;
    case 'tanh':
      return fround(Math.tanh(v));
    case 'sigmoid':
      return fround(1 / (1 + Math.exp(-v)));
    case 'softmax':
      throw new RangeError('activation: softmax needs the whole channel vector; use applyActivation');
  }
}

/** Applies `act` to NHWC data with `channels` channels into `out` (may be `data`); returns `out`. */
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
    for (let i = 0; i < data.length; i++) out[i] = data[i] > 0 ? data[i] : 0;
    return out;
  }
  for (let i = 0; i < data.length; i++) out[i] = activateValue(act, data[i], i % channels);
  return out;
}

/** Softmax of data[base .. base+len) into out[base ..], fp32 results. */
export function softmaxInto(data: Float32Array, base: number, len: number, out: Float32Array): void {
  let max = -Infinity;
  for (let j = 0; j < len; j++) if (data[base + j] > max) max = data[base + j];
  let sum = 0;
  for (let j = 0; j < len; j++) sum += Math.exp(data[base + j] - max);
  for (let j = 0; j < len; j++) out[base + j] = fround(Math.exp(data[base + j] - max) / sum);
}
