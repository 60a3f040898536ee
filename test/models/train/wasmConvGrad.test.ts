import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { conv2dFilterGrad } from '../../../models/train/wasmConvGrad';
import { padAxis } from '../../../models/nets/arch';
import { useBackend } from '../../../models/train/backend';

await tf.setBackend('cpu');

describe('JS Conv2DBackpropFilter (used on the wasm backend)', () => {
  it('matches tfjs cpu gradients for random shapes, strides and paddings', () => {
    fc.assert(fc.property(
      fc.record({ n: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 3, max: 9 }), w: fc.integer({ min: 3, max: 9 }), ci: fc.integer({ min: 1, max: 3 }), co: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 2 }), same: fc.boolean(), seed: fc.integer() }),
      ({ n, h, w, ci, co, k, s, same, seed }) => {
        const pad = same ? 'same' : 'valid';
        const x = tf.randomNormal([n, h, w, ci], 0, 1, 'float32', seed) as tf.Tensor4D;
        const f = tf.randomNormal([k, k, ci, co], 0, 1, 'float32', seed + 1) as tf.Tensor4D;
        const y = tf.conv2d(x, f, s, pad);
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', seed + 2);
        const want = tf.grad((ff: tf.Tensor) => tf.conv2d(x, ff as tf.Tensor4D, s, pad).mul(dy).sum())(f).dataSync();
        const [pt] = padAxis(h, k, s, pad);
        const [pl] = padAxis(w, k, s, pad);
        const got = conv2dFilterGrad(x.dataSync() as Float32Array, x.shape, dy.dataSync() as Float32Array, dy.shape, k, k, s, s, pt, pl);
        got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 3));
        tf.dispose([x, f, y, dy]);
      },
    ), { numRuns: 40 });
  });

  it('is registered on the wasm backend so tf.grad of conv2d works there and agrees with cpu', async () => {
    const grad = (): Float32Array => tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from({ length: 2 * 7 * 7 * 3 }, (_, i) => Math.sin(i)), [2, 7, 7, 3]);
      const f = tf.tensor4d(Float32Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i)), [3, 3, 3, 4]);
      return tf.grad((ff: tf.Tensor) => tf.conv2d(x, ff as tf.Tensor4D, 2, 'same').square().sum())(f).dataSync() as Float32Array;
    });
    await useBackend('cpu');
    const cpu = grad();
    expect(await useBackend('wasm')).toBe('wasm');
    const wasm = grad();
    await useBackend('cpu');
    wasm.forEach((v, i) => expect(v).toBeCloseTo(cpu[i]!, 2));
  });
});
