/**
 * Learned activation bounds with the weights frozen, following the authors' code (the RReLU
 * toolbox, github.com/hamidmousavi0/reliable-relu-toolbox at 813861b, cited `rrelu:<file>:<line>`):
 * - both bound with `clipZero`: training uses relu(x)·σ(20(b − x)) (a value above the bound goes to
 *   about 0, rrelu:rrelu/relu_bound/bound_fitact.py:17), inference a hard zero above the bound;
 * - FitAct: one bound per neuron (per element of a conv output, per unit of a dense layer) from the
 *   profiled per-element max, all trained at once with Adam (lr 1e-3, cosine, weight decay 4e-11)
 *   on cross-entropy + 4e-11·Σ mean(b²) (rrelu:rrelu/search_bound/fitact.py:173-176,300), one
 *   epoch = one pass over the training set, until the accuracy criterion holds or the epoch budget
 *   ends (the authors run 100 epochs);
 * - ProAct: layer-wise bounds, neuron-wise in the last bounded layer (per unit for dense, per
 *   channel for conv), trained one layer at a time from the last to the first
 *   (rrelu:rrelu/search_bound/proact.py:262) on CE + CE(student, softmax(teacher)) (T = 1,
 *   proact.py:363-371), Adam lr 0.01 with a weight-decay sweep 4e-5 … 4e-15 (proact.py:162): after
 *   every epoch the validation accuracy is checked; within `tolerance` of the starting accuracy the
 *   state is kept, else the last kept state is restored and the next (smaller) decay runs; a drop
 *   of 10 points or more also restores and moves on (proact.py:311-320).
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../../sim/layers/types';
import type { Dataset } from '../data/dataset';
import { makeRng } from '../rng';
import { type Bound, withBounds } from './bounds';
import { accuracyOf, batchOf, logitsOf } from './data';
import { type LayerProfile, unbounded } from './profile';
import { TfNetwork } from './tfForward';
import { crossEntropy } from './trainLoop';

/** Hyper-parameters of FitAct bound training. */
export interface FitActOptions {
  /** Most epochs (passes over the training set); the authors run 100 (fitact.py:175). */
  readonly maxEpochs: number;
  /** Images per Adam step. */
  readonly batch: number;
  /** Adam learning rate, cosine-decayed over `maxEpochs` (fitact.py:173,212). */
  readonly lr: number;
  /** Weight of Σ mean(b²) in the loss and Adam weight decay (4e-11, fitact.py:176,300). */
  readonly reg: number;
  /** Stop after the first epoch whose validation accuracy is within this of the unbounded
   * network's (accuracy units: 0.002 = 0.2 points). */
  readonly tolerance: number;
  readonly seed: number;
  /** Called after each epoch. */
  readonly onEpoch?: (line: string) => void;
}

/** The authors' FitAct settings with a 5-epoch budget (see docs/README-protections.md). */
export const DEFAULT_FITACT: FitActOptions = { maxEpochs: 5, batch: 64, lr: 1e-3, reg: 4e-11, tolerance: 0.002, seed: 11 };

/** Hyper-parameters of ProAct bound training. */
export interface ProActOptions {
  /** Most epochs per weight-decay value; the authors allow 100 + 5 warm-up (proact.py:270-276). */
  readonly epochsPerDecay: number;
  readonly batch: number;
  /** Adam learning rate (0.01, proact.py:214). */
  readonly lr: number;
  /** Weight decays tried in order (proact.py:162). */
  readonly decays: readonly number[];
  /** Accepted |accuracy change| from the starting bounded network (0.002 = 0.2 points; the
   * authors' 10-point abort, proact.py:311, restores and moves on too, so it is subsumed). */
  readonly tolerance: number;
  readonly seed: number;
  readonly onEpoch?: (line: string) => void;
}

/** The authors' ProAct settings with a 2-epoch budget per decay value. */
export const DEFAULT_PROACT: ProActOptions = {
  epochsPerDecay: 2, batch: 64, lr: 0.01, decays: [4e-5, 4e-6, 4e-7, 4e-8, 4e-9, 4e-10, 4e-11, 4e-12, 4e-13, 4e-14, 4e-15],
  tolerance: 0.002, seed: 11,
};

/** Mean of the values of some bounds. */
function meanBound(bounds: Iterable<Bound>): number {
  let s = 0, n = 0;
  for (const b of bounds) for (const v of typeof b === 'number' ? [b] : b) { s += v; n++; }
  return n ? s / n : 0;
}

/** Accuracy (0..1) of `net` on `ds` (hard bounds). */
function accuracy(net: Network, ds: Dataset): number {
  const t = new TfNetwork(net);
  try { return accuracyOf(logitsOf(t, ds), ds.labels); } finally { t.dispose(); }
}

/** Loss of one batch (x NHWC, one-hot y, the batch's image indices). */
type Loss = (x: tf.Tensor4D, y: tf.Tensor2D, idx: Uint32Array) => tf.Scalar;

/**
 * One epoch: a seeded permutation of `ds` in full batches, Adam steps on `vars` with L2 weight
 * decay `wd` added to the gradient (as torch's Adam does), `lr(step)` per step; returns the mean loss.
 */
function epoch(ds: Dataset, vars: tf.Variable[], opt: tf.AdamOptimizer, loss: Loss, o: { batch: number; wd: number; seed: number; lr: (s: number) => number; step0: number }): number {
  const rng = makeRng(o.seed);
  const perm = Uint32Array.from({ length: ds.n }, (_, i) => i);
  for (let i = ds.n - 1; i > 0; i--) { const j = rng.int(0, i); const t = perm[i]!; perm[i] = perm[j]!; perm[j] = t; }
  const steps = Math.floor(ds.n / o.batch);
  let sum = 0;
  for (let s = 0; s < steps; s++) {
    const idx = perm.subarray(s * o.batch, (s + 1) * o.batch);
    const { x, y } = batchOf(ds, idx);
    (opt as unknown as { learningRate: number }).learningRate = o.lr(o.step0 + s);
    const l = opt.minimize(() => {
      const base = loss(x, y, idx);
      if (o.wd === 0) return base;
      return tf.add(base, tf.mul(0.5 * o.wd, tf.addN(vars.map((v) => tf.sum(tf.square(v)))))) as tf.Scalar;
    }, true, vars)!;
    sum += l.dataSync()[0]!;
    tf.dispose([l, x, y]);
  }
  return steps ? sum / steps : NaN;
}

/** Result of FitAct: the protected network and its per-epoch log. */
export interface FitActResult {
  readonly net: Network;
  /** Unbounded and starting (profiled-max) accuracy on the validation set (0..1). */
  readonly baseline: number;
  readonly start: number;
  /** Per epoch: validation accuracy and mean bound after it. */
  readonly epochs: readonly { readonly accuracy: number; readonly meanBound: number; readonly loss: number }[];
}

/**
 * FitAct: neuron-wise (per-element) zeroing bounds post-trained with the weights frozen on the
 * whole of `ds`, from the profiled per-element max; stops after the first epoch within
 * `o.tolerance` of the unbounded accuracy on `val`, or after `o.maxEpochs`.
 */
export function fitact(net: Network, profile: readonly LayerProfile[], ds: Dataset, val: Dataset, o: FitActOptions = DEFAULT_FITACT): FitActResult {
  const base = unbounded(net);
  const baseline = accuracy(base, val);
  const start = new Map<number, Bound>(profile.map((p) => [p.index, Float32Array.from(p.elementMax)]));
  const layers = profile.map((p) => p.index);
  const tfn = new TfNetwork(withBounds(base, start, 'clipZero'), { trainBounds: new Set(layers) });
  const opt = tf.train.adam(o.lr, 0.9, 0.999, 1e-8);
  const perEpoch = Math.floor(ds.n / o.batch);
  const total = Math.max(1, o.maxEpochs * perEpoch);
  const lr = (s: number): number => 0.5 * o.lr * (1 + Math.cos(Math.PI * Math.min(s, total) / total));
  const read = (): Map<number, Bound> => new Map(layers.map((i) => [i, tfn.readBound(i)]));
  const epochs: { accuracy: number; meanBound: number; loss: number }[] = [];
  try {
    const startAcc = tf.tidy(() => accuracyOf(logitsOf(tfn, val), val.labels));
    const loss: Loss = (x, y) => {
      const reg = tf.addN(tfn.boundVars.map((v) => tf.mean(tf.square(v))));
      return tf.add(crossEntropy(tfn.forward(x, 'smooth'), y), tf.mul(o.reg, reg)) as tf.Scalar;
    };
    for (let e = 0; e < o.maxEpochs; e++) {
      const l = epoch(ds, tfn.boundVars, opt, loss, { batch: o.batch, wd: o.reg, seed: o.seed + e, lr, step0: e * perEpoch });
      const acc = accuracyOf(logitsOf(tfn, val), val.labels);
      const mb = meanBound(read().values());
      epochs.push({ accuracy: acc, meanBound: mb, loss: l });
      o.onEpoch?.(`fitact epoch ${e + 1}: loss ${l.toFixed(4)}, validation ${(acc * 100).toFixed(2)}% (unbounded ${(baseline * 100).toFixed(2)}%), mean bound ${mb.toFixed(4)}`);
      if (acc >= baseline - o.tolerance) break;
    }
    return { net: withBounds(base, read(), 'clipZero'), baseline, start: startAcc, epochs };
  } finally {
    opt.dispose();
    tfn.dispose();
  }
}

/** One epoch of the ProAct search. */
export interface ProActStep {
  readonly layer: string;
  readonly decay: number;
  readonly epoch: number;
  /** Bound values after the epoch (mean for neuron-wise). */
  readonly meanBound: number;
  readonly accuracy: number;
  /** 'kept' (within tolerance), 'restored' (outside: back to the last kept state, next decay). */
  readonly outcome: 'kept' | 'restored';
}

/** Result of ProAct: the protected network and its per-epoch log. */
export interface ProActResult {
  readonly net: Network;
  /** Unprotected accuracy on the validation set (0..1). */
  readonly baseline: number;
  /** Accuracy of the starting bounded network (the reference of the tolerance, proact.py:257-260). */
  readonly start: number;
  readonly steps: readonly ProActStep[];
}

/** The profiled starting bounds of ProAct: layer max, last bounded layer per unit / per channel. */
export function proactStart(profile: readonly LayerProfile[]): Map<number, Bound> {
  const lastIdx = profile[profile.length - 1]!.index;
  return new Map<number, Bound>(profile.map((p) => [p.index, p.index === lastIdx ? Float32Array.from(p.channelMax) : p.max]));
}

/**
 * ProAct: hybrid zeroing bounds trained progressively, last bounded layer first, with the weight-
 * decay sweep and an accuracy check on `val` after every epoch (see the file comment).
 */
export function proact(net: Network, profile: readonly LayerProfile[], ds: Dataset, val: Dataset, o: ProActOptions = DEFAULT_PROACT): ProActResult {
  const base = unbounded(net);
  const teacherNet = new TfNetwork(base);
  const teacher = logitsOf(teacherNet, ds);
  const baseline = accuracyOf(logitsOf(teacherNet, val), val.labels);
  teacherNet.dispose();
  const k = teacher.length / ds.n;
  const layers = profile.map((p) => p.index);
  const tfn = new TfNetwork(withBounds(base, proactStart(profile), 'clipZero'), { trainBounds: new Set(layers) });
  const steps: ProActStep[] = [];
  const evalAcc = (): number => accuracyOf(logitsOf(tfn, val), val.labels);
  try {
    const start = evalAcc();
    const loss: Loss = (x, y, idx) => {
      const tb = new Float32Array(idx.length * k);
      idx.forEach((i, b) => tb.set(teacher.subarray(i * k, (i + 1) * k), b * k));
      const s = tfn.forward(x, 'smooth');
      const soft = tf.softmax(tf.tensor2d(tb, [idx.length, k]));
      const kd = tf.mean(tf.sum(tf.mul(tf.neg(soft), tf.logSoftmax(s)), 1));
      return tf.add(crossEntropy(s, y), kd) as tf.Scalar;
    };
    let seed = o.seed;
    for (const p of [...profile].reverse()) {
      const v = tfn.boundVars[layers.indexOf(p.index)]!;
      let kept = tf.clone(v);
      // one Adam per layer (tfjs keys its moments by position in the variable list; the authors'
      // one optimizer keeps its moments across layers, proact.py:225-238)
      const opt = tf.train.adam(o.lr, 0.9, 0.999, 1e-8);
      for (const wd of o.decays) {
        for (let e = 0; e < o.epochsPerDecay; e++) {
          epoch(ds, [v], opt, loss, { batch: o.batch, wd, seed: seed++, lr: () => o.lr, step0: 0 });
          const acc = evalAcc();
          const ok = Math.abs(acc - start) <= o.tolerance + 1e-12;
          const mb = meanBound([tfn.readBound(p.index)]);
          steps.push({ layer: p.name, decay: wd, epoch: e + 1, meanBound: mb, accuracy: acc, outcome: ok ? 'kept' : 'restored' });
          o.onEpoch?.(`proact ${p.name} decay ${wd.toExponential(0)} epoch ${e + 1}: validation ${(acc * 100).toFixed(2)}% (start ${(start * 100).toFixed(2)}%), mean bound ${mb.toFixed(4)} -> ${ok ? 'kept' : 'restored'}`);
          if (ok) { kept.dispose(); kept = tf.clone(v); continue; }
          v.assign(kept);
          break;
        }
      }
      kept.dispose();
      opt.dispose();
    }
    return { net: withBounds(base, new Map(layers.map((i) => [i, tfn.readBound(i)])), 'clipZero'), baseline, start, steps };
  } finally {
    tfn.dispose();
  }
}
