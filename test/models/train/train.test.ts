import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../../models/data/dataset';
import type { Arch } from '../../../models/nets/arch';
import { materialize } from '../../../models/nets/init';
import { makeRng } from '../../../models/rng';
import { affineWarp, networkAccuracy, trainNetwork } from '../../../models/train/train';

await tf.setBackend('cpu');

/** Two classes of 8x8 images: the bright blob is in the left (0) or right (1) half. */
function halves(n: number, seed: number): Dataset {
  const rng = makeRng(seed);
  const images = new Float32Array(n * 64);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    labels[i] = cls;
    const cx = cls === 0 ? rng.int(1, 2) : rng.int(5, 6);
    const cy = rng.int(1, 6);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
      const d2 = (x - cx) ** 2 + (y - cy) ** 2;
      images[i * 64 + y * 8 + x] = Math.exp(-d2 / 2) + 0.1 * rng.float();
    }
  }
  return { n, shape: { h: 8, w: 8, c: 1 }, images, labels, classes: ['left', 'right'] };
}

const tiny: Arch = {
  name: 'tiny', input: { h: 8, w: 8, c: 1 },
  layers: [
    { kind: 'conv2d', name: 'c1', k: 3, outC: 4, stride: 1, pad: 'same', bias: false, activation: { kind: 'linear' } },
    { kind: 'batchnorm', name: 'bn', activation: { kind: 'relu' } },
    { kind: 'maxpool', name: 'p', size: 2, stride: 2, pad: 'valid' },
    { kind: 'flatten', name: 'f' },
    { kind: 'dense', name: 'd', outF: 2, bias: true, activation: { kind: 'softmax' } },
  ],
};

describe('trainNetwork', () => {
  it('learns a separable task, logs each epoch and is deterministic for a seed', async () => {
    const train = halves(256, 1);
    const test = halves(100, 2);
    const opts = { epochs: 3, batchSize: 16, learningRate: 0.01, lrDecay: 0.5, shift: 0, seed: 3 };
    const logs: number[] = [];
    const a = await trainNetwork(materialize(tiny, 1), train, test, opts, (e) => logs.push(e.epoch));
    const b = await trainNetwork(materialize(tiny, 1), train, test, opts);
    expect(logs).toEqual([1, 2, 3]);
    expect(a.log[2]!.learningRate).toBeCloseTo(0.0025);
    expect(a.log[2]!.loss).toBeLessThan(a.log[0]!.loss);
    expect(a.log[2]!.testAccuracy).toBeGreaterThan(0.9);
    // the Network written back computes what the trained tf model computed
    expect(networkAccuracy(a.net, test)).toBeCloseTo(a.log[2]!.testAccuracy, 5);
    const w = (n: typeof a.net) => (n.layers[4] as { weights: Float32Array }).weights;
    expect(w(a.net)).toEqual(w(b.net));
    const bn = a.net.layers[1]!;
    expect(bn.kind === 'batchnorm' && bn.scale.some((v) => Math.abs(v - 1) > 1e-3)).toBe(true);
    a.tf.model.dispose();
    b.tf.model.dispose();
  }, 60_000);
});

describe('affineWarp', () => {
  const shape = { h: 5, w: 5, c: 1 };
  const img = Float32Array.from({ length: 25 }, (_, i) => i);
  it('is the identity for angle 0, scale 1, no shift', () => {
    const out = new Float32Array(25);
    affineWarp(img, shape, 0, 1, 0, 0, out);
    out.forEach((v, i) => expect(v).toBeCloseTo(img[i]!, 5));
  });
  it('shifts by whole pixels with zero fill and rotates 90 degrees exactly', () => {
    const out = new Float32Array(25);
    affineWarp(img, shape, 0, 1, 1, 0, out);
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(img[0]!, 5);
    affineWarp(img, shape, Math.PI / 2, 1, 0, 0, out);
    // centre stays; a 90-degree turn maps the image onto itself (no zero pixels)
    expect(out[12]).toBeCloseTo(12, 5);
    expect([...out].sort((a, b) => a - b).map((v) => Math.round(v))).toEqual([...img].map((v) => Math.round(v)));
  });
});
