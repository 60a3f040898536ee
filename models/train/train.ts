/**
 * Trains a sim `Network` on a labelled dataset with tfjs: Adam, softmax cross-entropy, seeded
 * shuffling and seeded augmentation (+-`shift` pixel translation, optionally bilinear rotation and
 * scaling), per-epoch learning-rate decay.
 * Deterministic for a given seed on a given backend (no Math.random: our own batching loop).
 */
import * as tf from '@tensorflow/tfjs';
import type { Network, Shape3 } from '../../sim/layers/types';
import { type Dataset, imageSize } from '../data/dataset';
import { makeRng, shuffleInPlace, type Rng } from '../rng';
import { networkToTf, type TfNet, tfToNetwork } from './tfModel';

/** Training hyper-parameters. */
export interface TrainOptions {
  /** Passes over the training set. */
  readonly epochs: number;
  /** Images per gradient step. */
  readonly batchSize: number;
  /** Adam learning rate of the first epoch. */
  readonly learningRate: number;
  /** Multiplier applied to the learning rate after each epoch. */
  readonly lrDecay: number;
  /** Max random translation in pixels (0 = no augmentation). */
  readonly shift: number;
  /** Max random rotation in degrees (0 = none; > 0 switches to bilinear affine augmentation). */
  readonly rotate?: number;
  /** Max relative random scaling, e.g. 0.1 = 0.9x..1.1x (0 = none). */
  readonly scale?: number;
  /** Seed for shuffling and augmentation. */
  readonly seed: number;
}

/** Sensible defaults for the MNIST nets. */
export const DEFAULT_TRAIN: TrainOptions = { epochs: 10, batchSize: 64, learningRate: 1e-3, lrDecay: 0.8, shift: 2, seed: 7 };

/** One epoch's measurements. */
export interface EpochLog {
  readonly epoch: number;
  /** Mean training cross-entropy over the epoch (nats). */
  readonly loss: number;
  /** Test top-1 accuracy, 0..1. */
  readonly testAccuracy: number;
  /** Wall time of the epoch incl. evaluation (seconds). */
  readonly seconds: number;
  /** Learning rate used during the epoch. */
  readonly learningRate: number;
}

/**
 * Bilinear affine warp of one HWC image about its centre: rotate by `angle` (radians, counter-
 * clockwise in image coordinates with y down), scale by `scale`, then shift by (dx, dy) pixels;
 * pixels mapped from outside the image are 0. Writes into `out` (same size as `img`).
 */
export function affineWarp(img: Float32Array, shape: Shape3, angle: number, scale: number, dx: number, dy: number, out: Float32Array): void {
  const { h, w, c } = shape;
  const [cy, cx] = [(h - 1) / 2, (w - 1) / 2];
  const [cos, sin] = [Math.cos(angle) / scale, Math.sin(angle) / scale];
  const px = (yy: number, xx: number, k: number): number => (yy < 0 || yy >= h || xx < 0 || xx >= w ? 0 : img[(yy * w + xx) * c + k]!);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [u, v] = [x - cx - dx, y - cy - dy];
      const sx = cos * u + sin * v + cx;
      const sy = -sin * u + cos * v + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const [fx, fy] = [sx - x0, sy - y0];
      for (let k = 0; k < c; k++) {
        out[(y * w + x) * c + k] = x0 < -1 || y0 < -1 || x0 >= w || y0 >= h ? 0
          : (1 - fy) * ((1 - fx) * px(y0, x0, k) + fx * px(y0, x0 + 1, k)) + fy * ((1 - fx) * px(y0 + 1, x0, k) + fx * px(y0 + 1, x0 + 1, k));
      }
    }
  }
}

/** Fills the batch with seeded random affine warps (rotation +-rotate deg, scale 1+-scale, shift +-shift px). */
function fillBatchAffine(ds: Dataset, idx: ArrayLike<number>, out: Float32Array, o: TrainOptions, rng: Rng): void {
  const sz = imageSize(ds.shape);
  for (let b = 0; b < idx.length; b++) {
    const a = ((rng.float() * 2 - 1) * (o.rotate ?? 0) * Math.PI) / 180;
    const s = 1 + (rng.float() * 2 - 1) * (o.scale ?? 0);
    const dy = o.shift ? rng.int(-o.shift, o.shift) : 0;
    const dx = o.shift ? rng.int(-o.shift, o.shift) : 0;
    affineWarp(ds.images.subarray(idx[b]! * sz, (idx[b]! + 1) * sz), ds.shape, a, s, dx, dy, out.subarray(b * sz, (b + 1) * sz));
  }
}

/** Writes the batch images at `idx` into `out`, translated by up to +-shift pixels (zero fill). */
function fillBatch(ds: Dataset, idx: ArrayLike<number>, out: Float32Array, shift: number, rng: Rng): void {
  const { h, w, c } = ds.shape;
  const sz = imageSize(ds.shape);
  out.fill(0);
  for (let b = 0; b < idx.length; b++) {
    const src = idx[b]! * sz;
    const dy = shift ? rng.int(-shift, shift) : 0;
    const dx = shift ? rng.int(-shift, shift) : 0;
    for (let y = 0; y < h; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < w; x++) {
        const sx = x - dx;
        if (sx < 0 || sx >= w) continue;
        for (let k = 0; k < c; k++) out[b * sz + (y * w + x) * c + k] = ds.images[src + (sy * w + sx) * c + k]!;
      }
    }
  }
}

/** Top-1 accuracy (0..1) of a tf model on `ds`, predicted in batches of `batch`. */
export function tfAccuracy(model: tf.LayersModel, ds: Dataset, batch = 250): number {
  const { h, w, c } = ds.shape;
  const sz = imageSize(ds.shape);
  let correct = 0;
  for (let s = 0; s < ds.n; s += batch) {
    const n = Math.min(batch, ds.n - s);
    const pred = tf.tidy(() => {
      const x = tf.tensor4d(ds.images.subarray(s * sz, (s + n) * sz), [n, h, w, c]);
      return (model.predict(x) as tf.Tensor).argMax(-1);
    });
    const p = pred.dataSync();
    pred.dispose();
    for (let i = 0; i < n; i++) if (p[i] === ds.labels[s + i]) correct++;
  }
  return correct / ds.n;
}

/** Top-1 accuracy (0..1) of a sim Network on `ds`, evaluated by an equivalent tf model. */
export function networkAccuracy(net: Network, ds: Dataset): number {
  const t = networkToTf(net);
  try {
    return tfAccuracy(t.model, ds);
  } finally {
    t.model.dispose();
  }
}

/** Trains `net` (its weights are the initial point) and returns the trained copy plus the log. */
export async function trainNetwork(
  net: Network,
  train: Dataset,
  test: Dataset,
  opts: TrainOptions,
  onEpoch: (e: EpochLog) => void = () => {},
): Promise<{ net: Network; log: EpochLog[]; tf: TfNet }> {
  const tfNet = networkToTf(net);
  const optimizer = tf.train.adam(opts.learningRate);
  tfNet.model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const rng = makeRng(opts.seed);
  const { h, w, c } = train.shape;
  const sz = imageSize(train.shape);
  const classes = train.classes.length;
  const order = Uint32Array.from({ length: train.n }, (_, i) => i);
  const buf = new Float32Array(opts.batchSize * sz);
  const log: EpochLog[] = [];
  let lr = opts.learningRate;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const t0 = Date.now();
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
    shuffleInPlace(order, rng);
    let lossSum = 0;
    let steps = 0;
    for (let s = 0; s + opts.batchSize <= train.n; s += opts.batchSize) {
      const idx = order.subarray(s, s + opts.batchSize);
      if ((opts.rotate ?? 0) > 0 || (opts.scale ?? 0) > 0) fillBatchAffine(train, idx, buf, opts, rng);
      else fillBatch(train, idx, buf, opts.shift, rng);
      const x = tf.tensor4d(buf, [opts.batchSize, h, w, c]);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from(idx, (i) => train.labels[i]!), 'int32'), classes).toFloat());
      const loss = (await tfNet.model.trainOnBatch(x, y)) as number;
      tf.dispose([x, y]);
      lossSum += loss;
      steps++;
    }
    const e: EpochLog = { epoch, loss: lossSum / steps, testAccuracy: tfAccuracy(tfNet.model, test), seconds: (Date.now() - t0) / 1000, learningRate: lr };
    log.push(e);
    onEpoch(e);
    lr *= opts.lrDecay;
  }
  return { net: tfToNetwork(net, tfNet), log, tf: tfNet };
}
