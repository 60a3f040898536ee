import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyActivation, activateValue, foldBatchNorm, pool, globalAvgPool, referenceForward, transformWeight, inferShapes } from '../../../sim/layers';
import type { Network, PoolLayer } from '../../../sim/layers/types';
import { conv, pad, randArray, residualNet, rng } from './fixtures';

describe('activations', () => {
  it('clip and clipZero use per-channel bounds', () => {
    const data = new Float32Array([-1, 0.7, 3, 0.4, 1.2, 5]);
    const bound = new Float32Array([0.5, 1, 2]);
    expect([...applyActivation({ kind: 'clip', bound }, data, 3)]).toEqual([0, Math.fround(0.7), 2, Math.fround(0.4), 1, 2]);
    expect([...applyActivation({ kind: 'clipZero', bound }, data, 3)]).toEqual([0, Math.fround(0.7), 0, Math.fround(0.4), 0, 0]);
    expect(activateValue({ kind: 'clip', bound: 1 }, 3, 0)).toBe(1);
  });

  it('clip and clipZero use per-element bounds (h*w*c of one image) on every image of a batch', () => {
    // 2 images of 1x2x2 (h*w*c = 4): bounds per element, repeated for each image
    const data = new Float32Array([-1, 0.7, 3, 0.4, 1.2, 5, 0.2, 9]);
    const bound = new Float32Array([0.5, 1, 2, 0.3]);
    expect([...applyActivation({ kind: 'clip', bound }, data, 2)]).toEqual([0, Math.fround(0.7), 2, Math.fround(0.3), Math.fround(0.5), 1, Math.fround(0.2), Math.fround(0.3)]);
    expect([...applyActivation({ kind: 'clipZero', bound }, data, 2)]).toEqual([0, Math.fround(0.7), 0, 0, 0, 0, Math.fround(0.2), 0]);
    // activateValue reads the element index modulo the bound length
    expect(activateValue({ kind: 'clip', bound }, 3, 7)).toBe(Math.fround(0.3));
    expect(activateValue({ kind: 'clip', bound }, 3, 2)).toBe(2);
  });

  it('softmax sums to 1 per pixel and preserves the argmax', () => {
    fc.assert(
      fc.property(fc.float32Array({ minLength: 12, maxLength: 12, noNaN: true, noDefaultInfinity: true, min: -50, max: 50 }), (d) => {
        const out = applyActivation({ kind: 'softmax' }, d, 4);
        for (let p = 0; p < 3; p++) {
          const s = out.subarray(p * 4, p * 4 + 4);
          expect(Math.abs(s.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
          const v = d.subarray(p * 4, p * 4 + 4);
          const am = v.indexOf(Math.max(...v));
          expect(s[am]).toBe(Math.max(...s));
        }
      }),
    );
    expect(() => activateValue({ kind: 'softmax' }, 1, 0)).toThrow(RangeError);
  });

  it('tanh/sigmoid are fp32 values', () => {
    expect(activateValue({ kind: 'tanh' }, 0.3, 0)).toBe(Math.fround(Math.tanh(0.3)));
    expect(activateValue({ kind: 'sigmoid' }, 0, 0)).toBe(0.5);
  });

  it('weight transforms saturate', () => {
    expect(transformWeight('tanh', 100)).toBe(1);
    expect(transformWeight('arctan', 1e30)).toBe(Math.fround(Math.PI / 2));
    expect(transformWeight('softsign', 1)).toBe(0.5);
    expect(transformWeight('none', 7)).toBe(7);
  });
});

describe('pooling', () => {
  it('max/avg pooling with padding ignore padded positions (hand-derived 3x3 example)', () => {
    // one 3x3x1 image 1..9, pool 2x2 stride 2 pad 1 (top/left): windows {1}, {2,3}, {4,7}, {5,6,8,9}
    const x = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const layer: PoolLayer = { kind: 'maxpool', name: 'p', ph: 2, pw: 2, strideH: 2, strideW: 2, padding: { top: 1, bottom: 0, left: 1, right: 0 } };
    expect([...pool(layer, x, 1, { h: 3, w: 3, c: 1 })]).toEqual([1, 3, 7, 9]);
    expect([...pool({ ...layer, kind: 'avgpool' }, x, 1, { h: 3, w: 3, c: 1 })]).toEqual([1, 2.5, 5.5, 7]);
  });

  it('global average pooling averages each channel', () => {
    const x = new Float32Array([1, 10, 2, 20, 3, 30, 4, 40]);
    expect([...globalAvgPool(x, 2, { h: 1, w: 2, c: 2 })]).toEqual([1.5, 15, 3.5, 35]);
  });
});

describe('batch-norm folding', () => {
  it('folded network computes the same outputs as the unfolded one', () => {
    const net = residualNet(5);
    const folded = foldBatchNorm(net);
    expect(folded.layers.length).toBe(net.layers.length - 1);
    expect(folded.layers.some((l) => l.kind === 'batchnorm')).toBe(false);
    expect(folded.layers.find((l) => l.name === 'res')!.inputs).toEqual(['c1', 'c2']);
    expect(inferShapes(folded).ok).toBe(true);
    const r = rng(9);
    const x = randArray(r, 2 * 9 * 7 * 3);
    const a = referenceForward(net, x, 2);
    const b = referenceForward(folded, x, 2);
    if (!a.ok || !b.ok) throw new Error('forward failed');
    const ya = a.value.outputs[a.value.outputs.length - 1];
    const yb = b.value.outputs[b.value.outputs.length - 1];
    ya.forEach((v, i) => expect(Math.abs(v - yb[i])).toBeLessThan(1e-5));
    expect(yb.some((v) => v !== 0)).toBe(true);
  });

  it('does not fold through a non-linear producer', () => {
    const r = rng(4);
    const net: Network = {
      name: 'n', input: { h: 4, w: 4, c: 1 },
      layers: [conv(r, 'c', 3, 3, 1, 2, 1, pad(1), { kind: 'relu' }), { kind: 'batchnorm', name: 'bn', scale: new Float32Array([2, 3]), shift: new Float32Array([0, 1]), activation: { kind: 'linear' } }],
    };
    expect(foldBatchNorm(net)).toBe(net);
  });
});
