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

  it('is registered on the wasm backend (filter and input gradients) and agrees with cpu', async () => {
    type S4 = [number, number, number, number];
    const cfgs: [S4, S4, number, 'same' | 'valid'][] = [[[2, 7, 7, 3], [3, 3, 3, 4], 2, 'same'], [[1, 9, 8, 2], [5, 5, 2, 3], 1, 'valid'], [[3, 10, 10, 1], [2, 2, 1, 6], 2, 'valid'], [[2, 28, 28, 1], [5, 5, 1, 6], 1, 'same']];
    const grads = (): Float32Array[] => cfgs.map(([xs, fs, s, p], k) => tf.tidy(() => {
      const x = tf.tensor(Float32Array.from({ length: xs.reduce((a, b) => a * b) }, (_, i) => Math.sin(i + k)), xs) as tf.Tensor4D;
      const f = tf.tensor(Float32Array.from({ length: fs.reduce((a, b) => a * b) }, (_, i) => Math.cos(i * 0.3 + k)), fs) as tf.Tensor4D;
      const [gx, gf] = tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, s, p).square().sum())([x, f]);
      return Float32Array.from([...gx!.dataSync(), ...gf!.dataSync()]);
    }));
    await useBackend('cpu');
    const cpu = grads();
    expect(await useBackend('wasm')).toBe('wasm');
    grads();
    const before = tf.engine().backend.numDataIds();
    const wasm = grads();
    expect(tf.engine().backend.numDataIds()).toBe(before); // no leaked buffers
    await useBackend('cpu');
    wasm.forEach((g, k) => {
      const scale = Math.max(...cpu[k]!.map(Math.abs));
      g.forEach((v, i) => expect(Math.abs(v - cpu[k]![i]!)).toBeLessThan(1e-5 * scale));
    });
  });
});
