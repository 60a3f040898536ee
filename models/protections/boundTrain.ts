/**
 * Learned activation bounds with the weights frozen:
 * - FitAct: neuron-wise bounds (one per element of a conv layer's output feature map, h*w*c, and
 *   one per unit of a dense layer), all trained at once, starting from the profiled per-element
 *   max; smooth bounded ReLU while training, hard `clip` at inference;
 *   loss = cross-entropy + reg * mean((bound / initial)^2) pushing bounds down.
 * - ProAct: layer-wise bounds everywhere except the last bounded layer (neuron-wise), trained
 *   progressively one layer at a time from the last to the first with distillation from the
 *   unprotected model; a trained bound is accepted only while validation accuracy stays within
 *   `tolerance` (0.2 percentage points) of the unprotected baseline, else the layer keeps its
 *   profiled (Ranger) bound.
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../../sim/layers/types';
import type { Dataset } from '../data/dataset';
import { type Bound, withBounds } from './bounds';
import { accuracyOf, logitsOf } from './data';
import { type LayerProfile, unbounded } from './profile';
import { TfNetwork } from './tfForward';
import { crossEntropy, distillLoss, trainVars } from './trainLoop';

/** Hyper-parameters of bound training. */
export interface BoundTrainOptions {
  /** Adam steps (per layer for ProAct). */
  readonly steps: number;
  readonly batch: number;
  /** Learning rate relative to the mean initial bound (Adam step size ~ lr x bound). */
  readonly relLr: number;
  /** Weight of the bound regulariser. */
  readonly reg: number;
  readonly seed: number;
  /** Smooth-bound sharpness (see TfNetwork). */
  readonly smoothK?: number;
}

/** Defaults sized for LeNet / VGG-MNIST on a few hundred calibration images. */
export const DEFAULT_BOUND_TRAIN: BoundTrainOptions = { steps: 150, batch: 64, relLr: 0.02, reg: 0.02, seed: 11 };

const floorOf = (p: LayerProfile): number => Math.max(1e-3, p.max * 1e-3);

function regTerm(tfn: TfNetwork, init: ReadonlyMap<number, tf.Tensor>): tf.Scalar {
  const terms = [...init].map(([i, b0]) => tf.mean(tf.square(tf.div(tfn.bounds[i]!, b0))));
  return tf.div(tf.addN(terms), terms.length) as tf.Scalar;
}

function meanBound(bounds: Iterable<Bound>): number {
  let s = 0, n = 0;
  for (const b of bounds) for (const v of typeof b === 'number' ? [b] : b) { s += v; n++; }
  return n ? s / n : 1;
}

/** Trains the bounds of `layers` in `net` (which already carries clip bounds); returns them. */
function trainBounds(net: Network, layers: readonly number[], ds: Dataset, o: BoundTrainOptions,
  loss: (tfn: TfNetwork, x: tf.Tensor4D, y: tf.Tensor2D, idx: Uint32Array) => tf.Scalar, floors: ReadonlyMap<number, number>): Map<number, Bound> {
  const tfn = new TfNetwork(net, { trainBounds: new Set(layers), smoothK: o.smoothK });
  const init = new Map(layers.map((i) => [i, tf.maximum(tf.clone(tfn.bounds[i]!), floors.get(i) ?? 1e-3)]));
  try {
    const lr = o.relLr * meanBound(layers.map((i) => tfn.readBound(i)));
    trainVars(ds, tfn.boundVars, (x, y, idx) => tf.add(loss(tfn, x, y, idx), tf.mul(o.reg, regTerm(tfn, init))) as tf.Scalar,
      { steps: o.steps, batch: o.batch, lr, seed: o.seed, after: () => { for (const v of tfn.boundVars) v.assign(tf.maximum(v, 1e-3)); } });
    return new Map(layers.map((i) => [i, tfn.readBound(i)]));
  } finally {
    tf.dispose([...init.values()]);
    tfn.dispose();
  }
}

/** FitAct: neuron-wise (per-element) bounds post-trained with weights frozen. Returns the protected network. */
export function fitact(net: Network, profile: readonly LayerProfile[], ds: Dataset, o: BoundTrainOptions = DEFAULT_BOUND_TRAIN): Network {
  const start = new Map<number, Bound>(profile.map((p) => [p.index, p.elementMax.map((v) => Math.max(v, floorOf(p)))]));
  const floors = new Map(profile.map((p) => [p.index, floorOf(p)]));
  const trained = trainBounds(withBounds(unbounded(net), start, 'clip'), profile.map((p) => p.index), ds, o,
    (tfn, x, y) => crossEntropy(tfn.forward(x, 'smooth'), y), floors);
  return withBounds(unbounded(net), trained, 'clip');
}

/** One accepted or rejected ProAct step. */
export interface ProActStep {
  readonly layer: string;
  /** Bound values after the step (mean for neuron-wise). */
  readonly meanBound: number;
  readonly accuracy: number;
  readonly accepted: boolean;
}

/** Result of ProAct: the protected network and its per-layer log. */
export interface ProActResult {
  readonly net: Network;
  /** Unprotected accuracy on the validation set (0..1). */
  readonly baseline: number;
  readonly steps: readonly ProActStep[];
}

/**
 * ProAct: hybrid bounds (layer-wise, neuron-wise in the last bounded layer) trained progressively
 * from the last layer to the first with distillation; `tolerance` in accuracy units (0.002 = 0.2%).
 */
export function proact(net: Network, profile: readonly LayerProfile[], ds: Dataset, val: Dataset,
  o: BoundTrainOptions = DEFAULT_BOUND_TRAIN, tolerance = 0.002): ProActResult {
  const base = unbounded(net);
  const teacherNet = new TfNetwork(base);
  const teacher = logitsOf(teacherNet, ds);
  const baseline = accuracyOf(logitsOf(teacherNet, val), val.labels);
  teacherNet.dispose();
  const k = teacher.length / ds.n;
  const lastIdx = profile[profile.length - 1]!.index;
  const bounds = new Map<number, Bound>(profile.map((p) => [p.index, p.index === lastIdx ? p.channelMax.map((v) => Math.max(v, floorOf(p))) : p.max]));
  const floors = new Map(profile.map((p) => [p.index, floorOf(p)]));
  const steps: ProActStep[] = [];
  for (const p of [...profile].reverse()) {
    const current = withBounds(base, bounds, 'clip');
    const trained = trainBounds(current, [p.index], ds, o, (tfn, x, y, idx) => {
      const tb = new Float32Array(idx.length * k);
      idx.forEach((i, b) => tb.set(teacher.subarray(i * k, (i + 1) * k), b * k));
      const t = tf.tensor2d(tb, [idx.length, k]);
      const s = tfn.forward(x, 'smooth');
      return tf.add(distillLoss(s, t), tf.mul(0.5, crossEntropy(s, y))) as tf.Scalar;
    }, floors);
    const candidate = new Map(bounds);
    candidate.set(p.index, trained.get(p.index)!);
    const cnet = new TfNetwork(withBounds(base, candidate, 'clip'));
    const acc = accuracyOf(logitsOf(cnet, val), val.labels);
    cnet.dispose();
    const accepted = acc >= baseline - tolerance;
    if (accepted) bounds.set(p.index, trained.get(p.index)!);
    steps.push({ layer: p.name, meanBound: meanBound([trained.get(p.index)!]), accuracy: acc, accepted });
  }
  return { net: withBounds(base, bounds, 'clip'), baseline, steps };
}
