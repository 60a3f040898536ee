/**
 * Protections train through models/protections/tfForward.ts: its forward pass must compute the
 * imported networks' new vector-unit kinds (slice + concat of grouped convs, leaky relu, clamp,
 * quantize / dequantize) as the golden engine does. Also Ranger's profiling on an imported net.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TfNetwork } from '../../../models/protections/tfForward';
import { runGolden } from '../../../sim/engine/golden';
import { createJsKernel } from '../../../sim/kernels/js';
import type { Network } from '../../../sim/layers/types';
import { toNhwc } from '../../../models/onnx';
import { importBytes, uniform } from './ortCompare';
import { mobilenetBlock, qdqConv, residualHead } from './models';

function tfVsGolden(net: Network, x: Float32Array, n: number): number {
  const g = runGolden(net, x, { format: { kind: 'fp32' } }, createJsKernel());
  if (!g.ok) throw new Error(g.reason);
  const { h, w, c } = net.input;
  const y = tf.tidy(() => new TfNetwork(net).forward(tf.tensor4d(x, [n, h, w, c])).dataSync() as Float32Array);
  // the trainer's last layer gives logits: compare with the golden pre-softmax values there
  const last = g.value.layers[g.value.layers.length - 1];
  const want = last.preActivation ?? g.value.output;
  let max = 0;
  for (let i = 0; i < y.length; i++) max = Math.max(max, Math.abs(y[i] - want[i]));
  expect(y.length).toBe(want.length);
  return max;
}

describe('protection trainer forward pass on imported networks', () => {
  it('MobileNet block (slices, per-group convs with ReLU6, concat) matches the golden run', () => {
    const imp = importBytes(mobilenetBlock());
    expect(tfVsGolden(imp.network, toNhwc(uniform(2 * 8 * 144, 4, -2, 2), imp.input.layout, 2), 2)).toBeLessThan(1e-4);
  });

  it('residual head (concat, leaky relu, add, GAP; logits before the softmax) matches the golden run', () => {
    const imp = importBytes(residualHead());
    expect(tfVsGolden(imp.network, toNhwc(uniform(3 * 4 * 36, 5), imp.input.layout, 3), 3)).toBeLessThan(1e-5);
  });

  it('QDQ model (quantize / dequantize) matches the golden run up to rare half-step ties', () => {
    const imp = importBytes(qdqConv());
    expect(tfVsGolden(imp.network, toNhwc(uniform(2 * 2 * 36, 8, -2, 2), imp.input.layout, 2), 2)).toBeLessThanOrEqual(0.05 + 1e-6);
  });
});
