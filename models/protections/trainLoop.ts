/**
 * The small Adam loop shared by the protection training steps (FitAct / ProAct bounds with weights
 * frozen, SAF fine-tuning, QAT / SAQ): seeded mini-batches from a calibration set, a caller-given
 * loss, only the given variables updated. Optional SAM (sharpness-aware minimisation): the gradient
 * is taken at w + rho * g / ||g|| and applied at w.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { makeRng } from '../rng';
import { batchOf } from './data';

/** Options of `trainVars`. */
export interface LoopOptions {
  /** Gradient steps. */
  readonly steps: number;
  /** Images per step. */
  readonly batch: number;
  /** Adam learning rate. */
  readonly lr: number;
  /** Seed of the batch draws. */
  readonly seed: number;
  /** SAM neighbourhood radius rho (0 or undefined = plain Adam). */
  readonly samRho?: number;
  /** Called after each step with the step number and loss. */
  readonly onStep?: (step: number, loss: number) => void;
  /** Called after each step (e.g. to clamp variables). */
  readonly after?: () => void;
}

/** Loss of one batch (scalar tensor); x NHWC, y one-hot, idx the batch's image indices. */
export type BatchLoss = (x: tf.Tensor4D, y: tf.Tensor2D, idx: Uint32Array) => tf.Scalar;

/** Minimises `loss` over `vars` with Adam (optionally SAM); returns the mean loss of the last 10% of steps. */
export function trainVars(ds: Dataset, vars: tf.Variable[], loss: BatchLoss, o: LoopOptions): number {
  const opt = tf.train.adam(o.lr);
  const rng = makeRng(o.seed);
  const idx = new Uint32Array(o.batch);
  let tail = 0, tailN = 0;
  for (let s = 0; s < o.steps; s++) {
    for (let b = 0; b < o.batch; b++) idx[b] = rng.int(0, ds.n - 1);
    const { x, y } = batchOf(ds, idx);
    let value: number;
    if (o.samRho && o.samRho > 0) {
      const g1 = tf.variableGrads(() => loss(x, y, idx), vars);
      const norm = tf.tidy(() => tf.sqrt(tf.addN(vars.map((v) => tf.sum(tf.square(g1.grads[v.name]!))))).dataSync()[0]!) + 1e-12;
      const eps = vars.map((v) => tf.tidy(() => tf.mul(g1.grads[v.name]!, o.samRho! / norm)));
      vars.forEach((v, i) => v.assign(tf.add(v, eps[i]!)));
      const g2 = tf.variableGrads(() => loss(x, y, idx), vars);
      vars.forEach((v, i) => v.assign(tf.sub(v, eps[i]!)));
      opt.applyGradients(g2.grads as tf.NamedTensorMap as Parameters<typeof opt.applyGradients>[0]);
      value = g1.value.dataSync()[0]!;
      tf.dispose([g1.value, g2.value, ...eps, ...Object.values(g1.grads), ...Object.values(g2.grads)]);
    } else {
      const l = opt.minimize(() => loss(x, y, idx), true, vars)!;
      value = l.dataSync()[0]!;
      l.dispose();
    }
    tf.dispose([x, y]);
    o.after?.();
    if (s >= o.steps * 0.9) { tail += value; tailN++; }
    o.onStep?.(s, value);
  }
  opt.dispose();
  return tailN ? tail / tailN : NaN;
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
