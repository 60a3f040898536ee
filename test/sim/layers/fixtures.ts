/** Test fixtures: seeded random tensors and small networks (LeNet-like, residual). */
import type { Activation, Conv2dLayer, DenseLayer, Network, Padding } from '../../../sim/layers/types';

/** mulberry32 PRNG in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Float32Array of `len` uniform values in [-scale, scale). */
export function randArray(r: () => number, len: number, scale = 1): Float32Array {
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = (r() * 2 - 1) * scale;
  return a;
}

/** Symmetric padding of p pixels. */
export const pad = (p: number): Padding => ({ top: p, bottom: p, left: p, right: p });

/** A conv layer with random weights. */
export function conv(r: () => number, name: string, kh: number, kw: number, inC: number, outC: number, stride: number, p: Padding, activation: Activation = { kind: 'relu' }): Conv2dLayer {
  return { kind: 'conv2d', name, kh, kw, inC, outC, strideH: stride, strideW: stride, padding: p, weights: randArray(r, kh * kw * inC * outC, 0.5), bias: randArray(r, outC, 0.1), activation };
}

/** A dense layer with random weights. */
export function dense(r: () => number, name: string, inF: number, outF: number, activation: Activation = { kind: 'relu' }): DenseLayer {
  return { kind: 'dense', name, inF, outF, weights: randArray(r, inF * outF, 0.3), bias: randArray(r, outF, 0.1), activation };
}

/** LeNet-5 shapes (28x28x1, conv 5x5 pad 2 -> 6, maxpool, conv 5x5 -> 16, maxpool, 120, 84, 10) with seeded weights. */
export function lenet(seed = 1): Network {
  const r = rng(seed);
  const pool = (name: string) => ({ kind: 'maxpool' as const, name, ph: 2, pw: 2, strideH: 2, strideW: 2, padding: pad(0) });
  return {
    name: 'lenet5-random',
    input: { h: 28, w: 28, c: 1 },
    layers: [
      conv(r, 'conv1', 5, 5, 1, 6, 1, pad(2)),
      pool('pool1'),
      conv(r, 'conv2', 5, 5, 6, 16, 1, pad(0)),
      pool('pool2'),
      { kind: 'flatten', name: 'flatten' },
      dense(r, 'fc1', 400, 120),
      dense(r, 'fc2', 120, 84),
      dense(r, 'fc3', 84, 10, { kind: 'softmax' }),
    ],
  };
}

/** A small residual network exercising every layer kind. */
export function residualNet(seed = 2): Network {
  const r = rng(seed);
  return {
    name: 'residual-small',
    input: { h: 9, w: 7, c: 3 },
    layers: [
      conv(r, 'c1', 3, 3, 3, 4, 1, pad(1), { kind: 'linear' }),
      { kind: 'batchnorm', name: 'bn1', scale: randArray(r, 4, 1), shift: randArray(r, 4, 0.2), activation: { kind: 'relu' } },
      conv(r, 'c2', 3, 3, 4, 4, 1, pad(1), { kind: 'clip', bound: new Float32Array([0.5, 1, 1.5, 2]) }),
      { kind: 'add', name: 'res', inputs: ['bn1', 'c2'], activation: { kind: 'relu' } },
      { kind: 'avgpool', name: 'ap', ph: 3, pw: 3, strideH: 2, strideW: 2, padding: pad(1) },
      conv(r, 'c3', 2, 3, 4, 5, 2, { top: 0, bottom: 1, left: 1, right: 0 }, { kind: 'clipZero', bound: 0.8 }),
      { kind: 'activation', name: 'act', activation: { kind: 'tanh' } },
      { kind: 'globalavgpool', name: 'gap' },
      { kind: 'flatten', name: 'fl' },
      { ...dense(r, 'fc', 5, 3, { kind: 'sigmoid' }), weightTransform: 'softsign' },
    ],
  };
}
