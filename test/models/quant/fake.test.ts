import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { roundArrayToFp16 } from '../../../sim/format/fp16';
import { int8Format, quantizeArray } from '../../../sim/format/format';
import { fakeFormat, fakeFp16, formatQuant, roundFp16Tf } from '../../../models/quant/fake';

beforeAll(async () => { await tf.setBackend('cpu'); });

describe('fake quantization of the training graph equals the engine formats', () => {
  it('fp16 rounding equals sim/format/fp16 (normals, subnormals, powers of two, saturation)', () => {
    const fixed = [0, 1, -1, 2 ** -14, 2 ** -24, 3 * 2 ** -25, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 65504, 7e4, -7e4, 0.1, 1 / 3, 2048.5, 1024 - 2 ** -2];
    fc.assert(fc.property(fc.array(fc.float({ min: -7e4, max: 7e4, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 64 }), (xs) => {
      const v = Float32Array.from([...fixed, ...xs]);
      const got = tf.tidy(() => roundFp16Tf(tf.tensor1d(v)).dataSync() as Float32Array);
      const want = roundArrayToFp16(v).map((x) => Math.max(-65504, Math.min(65504, x)));
      for (let i = 0; i < v.length; i++) expect(got[i]).toBe(want[i]);
    }), { numRuns: 40 });
  });
  it('int8 Qm.n rounding equals quantizeArray; fp32 is the identity', () => {
    const v = Float32Array.from([-9, -1.03, -0.5, 0.0078125, 0.01, 0.4999, 1.7, 3.99, 100]);
    for (const f of [int8Format(0, 7), int8Format(2, 5), int8Format(5, 2)]) {
      const got = tf.tidy(() => fakeFormat(f, tf.tensor1d(v)).dataSync() as Float32Array);
      expect(Array.from(got)).toEqual(Array.from(quantizeArray(f, v)));
    }
    expect(Array.from(tf.tidy(() => fakeFormat({ kind: 'fp32' }, tf.tensor1d(v)).dataSync()))).toEqual(Array.from(v));
  });
  it('gradients pass straight through the rounding', () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(fakeFp16(x), 3)))(tf.tensor1d([0.1, 5.3, -2e-5]));
    expect(Array.from(g.dataSync())).toEqual([3, 3, 3]);
  });
  it('formatQuant: nothing for fp32, rounding of raw, weight and output otherwise', () => {
    expect(formatQuant({ weight: { kind: 'fp32' }, output: { kind: 'fp32' } })).toBeUndefined();
    const q = formatQuant({ weight: int8Format(1, 6), output: { kind: 'fp16' } })!;
    expect(tf.tidy(() => q.raw!(tf.scalar(1.3)).dataSync()[0])).toBe(1.296875);
    expect(tf.tidy(() => q.weight!(tf.scalar(5)).dataSync()[0])).toBe(127 / 64);
    expect(tf.tidy(() => q.output!(tf.scalar(1 + 2 ** -12)).dataSync()[0])).toBe(1);
  });
});
