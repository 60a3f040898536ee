/**
 * The Adam loop shared by the protection training steps (SAF and QAT / SAQ training; FitAct /
 * ProAct share `crossEntropy`): `trainEpochs` runs whole shuffled epochs of a training set with a
 * decaying learning rate, a caller-given loss, only the given variables updated. Optional SAM (sharpness-aware minimisation, `samStep`): the gradient is taken at
 * w + rho * g / ||g|| and applied at w.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { makeRng } from '../rng';
import { batchOf } from './data';

/** Loss of one batch (scalar tensor); x NHWC, y one-hot, idx the batch's image indices. */
export type BatchLoss = (x: tf.Tensor4D, y: tf.Tensor2D, idx: Uint32Array) => tf.Scalar;

/**
 * One SAM step (Foret et al. 2021): the gradient g of `loss` is taken with respect to the ascent
 * variables (`perturb` when given, else `vars`), they are moved by eps = rho g / ||g||2 (the
 * first-order maximiser of the loss within the L2 ball of radius rho), the gradient of the loss
 * at that point is taken with respect to `vars`, eps is removed again and `opt` applies the second
 * gradient at the original point. With `perturb` (zero-valued variables added to the quantized
 * weights, models/protections/tfForward.ts FakeQuant.perturb) the ascent happens on the quantized
 * weights themselves (SAQ), so weight rounding cannot absorb it. Returns the loss before the ascent.
 */
export function samStep(vars: tf.Variable[], loss: () => tf.Scalar, rho: number, opt: tf.Optimizer, perturb?: tf.Variable[]): number {
  const up = perturb ?? vars;
  const g1 = tf.variableGrads(loss, up);
  const norm = tf.tidy(() => tf.sqrt(tf.addN(up.map((v) => tf.sum(tf.square(g1.grads[v.name]!))))).dataSync()[0]!) + 1e-12;
  const eps = up.map((v) => tf.tidy(() => tf.mul(g1.grads[v.name]!, rho / norm)));
  up.forEach((v, i) => v.assign(tf.tidy(() => tf.add(v, eps[i]!))));
  const g2 = tf.variableGrads(loss, vars);
  up.forEach((v, i) => v.assign(tf.tidy(() => tf.sub(v, eps[i]!))));
  opt.applyGradients(g2.grads as tf.NamedTensorMap as Parameters<typeof opt.applyGradients>[0]);
  const value = g1.value.dataSync()[0]!;
  tf.dispose([g1.value, g2.value, ...eps, ...Object.values(g1.grads), ...Object.values(g2.grads)]);
  return value;
}

/** One optimiser step (plain or SAM); returns the batch loss. */
function step(vars: tf.Variable[], loss: () => tf.Scalar, opt: tf.Optimizer, rho: number | undefined, perturb: tf.Variable[] | undefined): number {
  if (rho && rho > 0) return samStep(vars, loss, rho, opt, perturb);
  const l = opt.minimize(loss, true, vars)!;
  const value = l.dataSync()[0]!;
  l.dispose();
  return value;
}

/** Options of `trainEpochs` (whole passes over a training set). */
export interface EpochOptions {
  /** Passes over the training set. */
  readonly epochs: number;
  /** Images per step (the last, smaller batch of an epoch is dropped). */
  readonly batch: number;
  /** Adam learning rate of the first epoch. */
  readonly lr: number;
  /** Learning rate factor per epoch (1 = constant). */
  readonly lrDecay: number;
  /** Seed of the per-epoch shuffles. */
  readonly seed: number;
  /** SAM radius rho (0 or undefined = plain Adam). */
  readonly samRho?: number;
  /** SAM ascent variables (see `samStep`); default the trained variables. */
  readonly samPerturb?: tf.Variable[];
  /** Random translation of every training image by up to +-shift pixels (zero fill), as the base
   * models' training (models/train/train.ts); 0 or undefined = none. */
  readonly shift?: number;
  /** Called after each step (e.g. to clamp variables). */
  readonly after?: () => void;
  /** Called after each epoch (1-based) with its mean loss and learning rate. */
  readonly onEpoch?: (epoch: number, meanLoss: number, lr: number) => void;
}

/** Minimises `loss` over `vars` with Adam (optionally SAM) for whole shuffled epochs; returns each epoch's mean loss. */
export function trainEpochs(ds: Dataset, vars: tf.Variable[], loss: BatchLoss, o: EpochOptions): number[] {
  const opt = tf.train.adam(o.lr);
  const rng = makeRng(o.seed);
  const order = Uint32Array.from({ length: ds.n }, (_, i) => i);
  const losses: number[] = [];
  const steps = Math.floor(ds.n / o.batch);
  for (let e = 0; e < o.epochs; e++) {
    const lr = o.lr * o.lrDecay ** e;
    (opt as unknown as { learningRate: number }).learningRate = lr;
    for (let i = ds.n - 1; i > 0; i--) { const j = rng.int(0, i); const t = order[i]!; order[i] = order[j]!; order[j] = t; }
    let sum = 0;
    for (let s = 0; s < steps; s++) {
      const idx = order.subarray(s * o.batch, (s + 1) * o.batch);
      const { x, y } = o.shift ? shiftedBatch(ds, idx, o.shift, rng) : batchOf(ds, idx);
      sum += step(vars, () => loss(x, y, idx), opt, o.samRho, o.samPerturb);
      tf.dispose([x, y]);
      o.after?.();
    }
    losses.push(sum / steps);
    o.onEpoch?.(e + 1, sum / steps, lr);
  }
  opt.dispose();
  return losses;
}

/** Batch of images `idx`, each translated by a random (dy, dx) in [-shift, shift]^2 (zero fill); caller disposes. */
export function shiftedBatch(ds: Dataset, idx: ArrayLike<number>, shift: number, rng: { int(a: number, b: number): number }): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const { h, w, c } = ds.shape;
  const sz = h * w * c;
  const buf = new Float32Array(idx.length * sz);
  const lab = new Int32Array(idx.length);
  for (let b = 0; b < idx.length; b++) {
    const src = idx[b]! * sz;
    lab[b] = ds.labels[idx[b]!]!;
    const dy = rng.int(-shift, shift), dx = rng.int(-shift, shift);
    for (let yy = 0; yy < h; yy++) {
      const sy = yy - dy;
      if (sy < 0 || sy >= h) continue;
      for (let xx = 0; xx < w; xx++) {
        const sx = xx - dx;
        if (sx < 0 || sx >= w) continue;
        for (let k = 0; k < c; k++) buf[b * sz + (yy * w + xx) * c + k] = ds.images[src + (sy * w + sx) * c + k]!;
      }
    }
  }
  return { x: tf.tensor4d(buf, [idx.length, h, w, c]), y: tf.oneHot(tf.tensor1d(lab, 'int32'), ds.classes.length).toFloat() as tf.Tensor2D };
}

/** Softmax cross-entropy of logits vs one-hot labels (mean over the batch). */
export function crossEntropy(logits: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
}

/** Distillation loss: KL(teacher || student) of temperature-T softmaxes, times T^2 (Hinton et al.). */
export function distillLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, T = 2): tf.Scalar {
  const p = tf.softmax(tf.div(teacher, T));
  const logq = tf.logSoftmax(tf.div(student, T));
  const logp = tf.log(tf.add(p, 1e-12));
  return tf.mul(tf.mean(tf.sum(tf.mul(p, tf.sub(logp, logq)), -1)), T * T) as tf.Scalar;
}
