import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { samStep } from '../../../models/protections/trainLoop';
import { codeDifference, randomSharpness, sharpness } from '../../../models/protections/saq';
import { int8Format } from '../../../sim/format/format';
import type { Network } from '../../../sim/layers/types';
import type { PtqResult } from '../../../models/quant/ptq';

beforeAll(async () => { await tf.setBackend('cpu'); });

const a = [1, 3];
const quad = (w: tf.Tensor) => tf.mul(0.5, tf.sum(tf.mul(tf.tensor1d(a), tf.square(w)))) as tf.Scalar;

describe('SAM step on a quadratic L(w) = 1/2 sum a_i w_i^2', () => {
  const w0 = [1, -2], rho = 0.1, lr = 0.5;
  // known ascent direction: g = a*w0 = (1, -6); eps = rho g/||g||
  const g = [a[0]! * w0[0]!, a[1]! * w0[1]!];
  const n = Math.hypot(g[0]!, g[1]!);
  const eps = [rho * g[0]! / n, rho * g[1]! / n];
  const want = w0.map((w, i) => w - lr * a[i]! * (w + eps[i]!)); // SGD with the gradient at w0 + eps

  it('ascent on the weights: gradient taken at w + rho g/||g||, applied at w', () => {
    const w = tf.variable(tf.tensor1d(w0), true, 'samq_w');
    const opt = tf.train.sgd(lr);
    const l = samStep([w], () => quad(w), rho, opt);
    expect(l).toBeCloseTo(0.5 * (1 + 3 * 4), 6);
    const got = Array.from(w.dataSync());
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    // differs from the plain gradient step
    expect(Math.abs(got[1]! - (w0[1]! - lr * a[1]! * w0[1]!))).toBeGreaterThan(0.05);
    w.dispose();
  });
  it('ascent on an additive perturbation variable (SAQ: on the quantized weights) gives the same step; the perturbation is reset', () => {
    const w = tf.variable(tf.tensor1d(w0), true, 'samq_w2');
    const p = tf.variable(tf.zeros([2]), true, 'samq_p');
    const opt = tf.train.sgd(lr);
    samStep([w], () => quad(tf.add(w, p)), rho, opt, [p]);
    Array.from(w.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    expect(Array.from(p.dataSync())).toEqual([0, 0]);
    tf.dispose([w, p]);
  });
});

describe('sharpness S(rho) = max over the rho-ball of L(w + eps) - L(w)', () => {
  it('linear loss c^T eps: S = rho ||c|| (found by the first ascent step)', () => {
    const e = tf.variable(tf.zeros([3]), true, 'sh_lin');
    const c = tf.tensor1d([3, -4, 12]);
    const s = sharpness(() => tf.sum(tf.mul(c, e)) as tf.Scalar, [e], 0.5, 3);
    expect(s.loss).toBeCloseTo(0, 6);
    expect(s.sharpness).toBeCloseTo(0.5 * 13, 4);
    expect(Array.from(e.dataSync())).toEqual([0, 0, 0]);
    tf.dispose([e, c]);
  });
  it('quadratic 1/2||w0 + eps||^2: S = rho||w0|| + rho^2/2; along random directions at w0 = 0 exactly rho^2/2', () => {
    const w0 = tf.tensor1d([0.6, 0.8]);
    const e = tf.variable(tf.zeros([2]), true, 'sh_q');
    const s = sharpness(() => tf.mul(0.5, tf.sum(tf.square(tf.add(w0, e)))) as tf.Scalar, [e], 0.2, 5);
    expect(s.sharpness).toBeCloseTo(0.2 * 1 + 0.02, 5);
    const r = randomSharpness(() => tf.mul(0.5, tf.sum(tf.square(e))) as tf.Scalar, [e], 0.2, 7, 3);
    expect(r).toBeCloseTo(0.02, 6);
    // a sharper quadratic (x10 curvature) is 10x sharper
    const s10 = sharpness(() => tf.mul(5, tf.sum(tf.square(tf.add(w0, e)))) as tf.Scalar, [e], 0.2, 5);
    expect(s10.sharpness).toBeCloseTo(10 * (0.2 + 0.02), 4);
    tf.dispose([w0, e]);
  });
});

describe('codeDifference', () => {
  const f = int8Format(0, 7);
  const p = { formats: [{ weight: f, input: f, output: f }], ranges: [1], layerFormats: () => undefined } as unknown as PtqResult;
  const net = (w: number[]): Network => ({ name: 'n', input: { h: 1, w: 1, c: 2 }, layers: [{ name: 'fc', kind: 'dense', inF: 2, outF: 2, weights: Float32Array.from(w), bias: null, activation: { kind: 'linear' } }] });
  it('counts int8 codes that differ and by how many LSBs', () => {
    expect(codeDifference(net([0.5, 0.25, -0.125, 0]), p, net([0.5, 0.25, -0.125, 0]), p)).toEqual({ changed: 0, total: 4, meanAbs: 0, maxAbs: 0 });
    const d = codeDifference(net([0.5, 0.25, -0.125, 0]), p, net([0.5 + 1 / 128, 0.25, -0.125 - 3 / 128, 0.001]), p);
    expect(d).toEqual({ changed: 2, total: 4, meanAbs: 2, maxAbs: 3 });
  });
});
