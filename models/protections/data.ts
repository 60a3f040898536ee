/**
 * Calibration data and evaluation helpers of the protection steps: deterministic slices of the
 * MNIST split (profiling/training from the train split, validation from its tail) and batched
 * accuracy / logits of a `TfNetwork`.
 */
import * as tf from '@tensorflow/tfjs';
import { type Dataset, imageSize } from '../data/dataset';
import type { BoundMode, TfNetwork } from './tfForward';

/** A labelled batch source for calibration (images NHWC in 0..1). */
export type CalibData = Dataset;

/** Logits [n x classes] of `net` on `ds` (hard bounds unless told), computed in batches of `batch`. */
export function logitsOf(net: TfNetwork, ds: Dataset, mode: BoundMode = 'hard', batch = 250): Float32Array {
  const sz = imageSize(ds.shape);
  const { h, w, c } = ds.shape;
  const parts: Float32Array[] = [];
  for (let s = 0; s < ds.n; s += batch) {
    const n = Math.min(batch, ds.n - s);
    const out = tf.tidy(() => net.forward(tf.tensor4d(ds.images.subarray(s * sz, (s + n) * sz), [n, h, w, c]), mode));
    parts.push(out.dataSync() as Float32Array);
    out.dispose();
  }
  const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  return all;
}

/** Top-1 accuracy (0..1) of logits against labels; NaN logits never win. */
export function accuracyOf(logits: Float32Array, labels: Uint8Array): number {
  const n = labels.length;
  const k = logits.length / n;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = -1, bv = -Infinity;
    for (let j = 0; j < k; j++) { const v = logits[i * k + j]!; if (v > bv) { bv = v; best = j; } }
    if (best === labels[i]) correct++;
  }
  return correct / n;
}

/** Accuracy (0..1) of `net` on `ds` with hard bounds. */
export function tfNetAccuracy(net: TfNetwork, ds: Dataset): number {
  return accuracyOf(logitsOf(net, ds), ds.labels);
}

/** Images [start, start+count) of `ds` as a batch tensor pair (x NHWC, one-hot y); caller disposes. */
export function batchOf(ds: Dataset, idx: ArrayLike<number>): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const sz = imageSize(ds.shape);
  const { h, w, c } = ds.shape;
  const buf = new Float32Array(idx.length * sz);
  const lab = new Int32Array(idx.length);
  for (let b = 0; b < idx.length; b++) {
    buf.set(ds.images.subarray(idx[b]! * sz, (idx[b]! + 1) * sz), b * sz);
    lab[b] = ds.labels[idx[b]!]!;
  }
  return { x: tf.tensor4d(buf, [idx.length, h, w, c]), y: tf.oneHot(tf.tensor1d(lab, 'int32'), ds.classes.length).toFloat() as tf.Tensor2D };
}
