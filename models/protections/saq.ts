/**
 * SAQ (FlatENN, Malhotra & Gupta, arXiv 2301.00675): sharpness-aware minimisation inside int8
 * quantization-aware training, and the flatness it buys, measured.
 * - Training (`trainQuantized`): every layer's effective weights are fake-quantized to its PTQ
 *   Qm.n (raw weights, f(raw) for SAF nets, outputs) and every step is a SAM step whose ascent
 *   eps = rho g / ||g||2 is added to the QUANTIZED weights (g = dL/dQ(w)), as sharpness-aware
 *   quantization does, so weight rounding cannot absorb the ascent; the descent gradient at
 *   Q(w) + eps updates the latent weights through the straight-through estimator. rho = 0 is plain
 *   QAT with the same seed, batches and start (the baseline).
 * - Sharpness (`sharpness`): S(rho) = max_{||eps||2 <= rho} L(Q(w) + eps) - L(Q(w)) over all array
 *   weights on a fixed data set (SAM's own objective, Foret et al. 2021 eq. 1; Keskar et al.'s
 *   eps-sharpness with an L2 ball), estimated by projected gradient ascent starting at the SAM
 *   point; `randomSharpness` is the mean increase along random directions of norm rho.
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../../sim/layers/types';
import type { Dataset } from '../data/dataset';
import { makeRng } from '../rng';
import { ptq, type PtqResult } from '../quant/ptq';
import { encode } from '../../sim/format/format';
import { batchOf } from './data';
import { type FakeQuant, TfNetwork } from './tfForward';
import { crossEntropy, trainEpochs } from './trainLoop';

/** The ascent maximum within the ball and the base loss. */
export interface Sharpness {
  /** L at the point. */
  readonly loss: number;
  /** Largest L found within the ball. */
  readonly maxLoss: number;
  /** maxLoss - loss. */
  readonly sharpness: number;
}

/** Zero-valued copies of `vars`' shapes (perturbation variables; caller disposes). */
export function zerosLike(vars: readonly tf.Tensor[], prefix = 'eps'): tf.Variable[] {
  return vars.map((v, i) => tf.variable(tf.zerosLike(v), true, `${prefix}${i}_${Math.random().toString(36).slice(2, 8)}`));
}

function globalNorm(ts: readonly tf.Tensor[]): number {
  return tf.tidy(() => tf.sqrt(tf.addN(ts.map((t) => tf.sum(tf.square(t))))).dataSync()[0]!);
}

/**
 * max over ||eps||2 <= rho of loss(eps) - loss(0), eps living in the (zero-valued on entry)
 * variables `eps`: first the SAM point rho g/||g||, then `steps` - 1 projected ascent steps of
 * length rho/2 along the normalised gradient (projection onto the ball). `eps` is zero again on
 * return. Exact for a linear loss; for a convex quadratic it finds the boundary maximum in the
 * gradient's basin.
 */
export function sharpness(loss: () => tf.Scalar, eps: tf.Variable[], rho: number, steps = 5): Sharpness {
  const l0 = tf.tidy(() => loss().dataSync()[0]!);
  let best = l0;
  for (let k = 0; k < steps; k++) {
    const g = tf.variableGrads(loss, eps);
    const gs = eps.map((v) => g.grads[v.name]!);
    const gn = globalNorm(gs) + 1e-12;
    eps.forEach((v, i) => v.assign(tf.tidy(() => tf.add(v, tf.mul(gs[i]!, (k === 0 ? rho : rho / 2) / gn)))));
    const en = globalNorm(eps);
    if (en > rho) eps.forEach((v) => v.assign(tf.tidy(() => tf.mul(v, rho / en))));
    tf.dispose([g.value, ...gs]);
    const l = tf.tidy(() => loss().dataSync()[0]!);
    if (l > best) best = l;
  }
  eps.forEach((v) => v.assign(tf.zerosLike(v)));
  return { loss: l0, maxLoss: best, sharpness: best - l0 };
}

/** Mean loss(eps) - loss(0) over `draws` random directions eps of norm rho (Gaussian, normalised); `eps` zero on return. */
export function randomSharpness(loss: () => tf.Scalar, eps: tf.Variable[], rho: number, draws: number, seed: number): number {
  const rng = makeRng(seed);
  const l0 = tf.tidy(() => loss().dataSync()[0]!);
  let sum = 0;
  for (let d = 0; d < draws; d++) {
    const r = eps.map((v) => tf.tensor(Float32Array.from({ length: v.size }, () => rng.normal()), v.shape));
    const n = globalNorm(r);
    eps.forEach((v, i) => v.assign(tf.tidy(() => tf.mul(r[i]!, rho / n))));
    tf.dispose(r);
    sum += tf.tidy(() => loss().dataSync()[0]!) - l0;
  }
  eps.forEach((v) => v.assign(tf.zerosLike(v)));
  return sum / draws;
}

/** Per-layer Qm.n fake quantization of `net` with optional weight perturbations. */
function quantWith(net: Network, p: PtqResult, eps?: (tf.Variable | null)[]): (i: number) => FakeQuant | undefined {
  return (i) => {
    const l = net.layers[i]!;
    const f = p.formats[i]!;
    if ((l.kind !== 'conv2d' && l.kind !== 'dense') || f.weight.kind !== 'int8' || f.output.kind !== 'int8') return undefined;
    const wf = f.weight.fracBits;
    const e = eps?.[i];
    return { weightFrac: wf, outputFrac: f.output.fracBits, ...(l.weightTransform && l.weightTransform !== 'none' ? { raw: (w: tf.Tensor) => tfFq(w, wf) } : {}), ...(e ? { perturb: e } : {}) };
  };
}

function tfFq(w: tf.Tensor, frac: number): tf.Tensor {
  const s = 2 ** frac;
  const f = tf.customGrad(((v: tf.Tensor) => ({ value: tf.tidy(() => tf.div(tf.clipByValue(tf.round(tf.mul(v, s)), -128, 127), s)), gradFunc: (dy: tf.Tensor) => dy })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(w);
}

/** A network with its int8 weights wrapped for perturbation: builds the loss on a fixed set. */
export function quantizedLoss(net: Network, p: PtqResult, ds: Dataset): { loss: () => tf.Scalar; eps: tf.Variable[]; dispose: () => void } {
  const tfn = new TfNetwork(net);
  const epsByLayer = net.layers.map((l, i) => (tfn.weights[i] && (l.kind === 'conv2d' || l.kind === 'dense') ? tf.variable(tf.zerosLike(tfn.weights[i]!), true, `sh${i}_${Math.random().toString(36).slice(2, 8)}`) : null));
  const quant = quantWith(net, p, epsByLayer);
  const { x, y } = batchOf(ds, Uint32Array.from({ length: ds.n }, (_, i) => i));
  const eps = epsByLayer.filter((e): e is tf.Variable => e !== null);
  return {
    loss: () => tf.tidy(() => crossEntropy(tfn.forward(x, 'hard', quant), y)),
    eps,
    dispose: () => { tfn.dispose(); tf.dispose([x, y, ...eps]); },
  };
}

/** QAT / SAQ hyper-parameters (whole epochs over the training set). */
export interface SaqOptions {
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly lrDecay: number;
  readonly seed: number;
  /** SAM radius on the quantized weights; 0 = plain QAT. */
  readonly rho: number;
  /** Random translation +-shift pixels of the training images. */
  readonly shift?: number;
}

/** Defaults: fine-tuning the trained fp32 net (Adam 1e-4, batch 32), rho 0.1 for SAQ. */
export const DEFAULT_SAQ: SaqOptions = { epochs: 5, batch: 32, lr: 1e-4, lrDecay: 0.9, seed: 31, rho: 0.1, shift: 2 };

/**
 * QAT (rho = 0) or SAQ (rho > 0) of `net` for int8 with the PTQ formats of `calib`; the latent
 * raw weights and biases are trained. Returns the trained net, its PTQ formats and the formats
 * trained with.
 */
export function trainQuantized(net: Network, train: Dataset, calib: Dataset, o: SaqOptions, onEpoch?: (e: number, loss: number, lr: number) => void): { net: Network; ptq: PtqResult; trainedWith: PtqResult } {
  const start = ptq(net, calib);
  const arr = new Set(net.layers.map((l, i) => (l.kind === 'conv2d' || l.kind === 'dense' ? i : -1)).filter((i) => i >= 0));
  const tfn = new TfNetwork(net, { trainWeights: arr });
  const epsByLayer = net.layers.map((_, i) => (o.rho > 0 && arr.has(i) ? tf.variable(tf.zerosLike(tfn.weights[i]!), true, `saq${i}_${Math.random().toString(36).slice(2, 8)}`) : null));
  const eps = epsByLayer.filter((e): e is tf.Variable => e !== null);
  const quant = quantWith(net, start, epsByLayer);
  try {
    trainEpochs(train, tfn.weightVars, (x, y) => crossEntropy(tfn.forward(x, 'hard', quant), y), {
      epochs: o.epochs, batch: o.batch, lr: o.lr, lrDecay: o.lrDecay, seed: o.seed, shift: o.shift ?? 0, ...(o.rho > 0 ? { samRho: o.rho, samPerturb: eps } : {}), ...(onEpoch ? { onEpoch } : {}),
    });
    const trained: Network = { ...net, layers: net.layers.map((l, i) => (arr.has(i) && (l.kind === 'conv2d' || l.kind === 'dense') ? { ...l, weights: tfn.readWeights(i), bias: tfn.readBias(i) } : l)) };
    return { net: trained, ptq: ptq(trained, calib), trainedWith: start };
  } finally {
    tfn.dispose();
    tf.dispose(eps);
  }
}

/** How far two networks' stored int8 weights are apart: share of codes that differ and their mean |difference| (LSBs). */
export function codeDifference(a: Network, pa: PtqResult, b: Network, pb: PtqResult): { changed: number; total: number; meanAbs: number; maxAbs: number } {
  let changed = 0, total = 0, sum = 0, max = 0;
  a.layers.forEach((l, i) => {
    const m = b.layers[i]!;
    if ((l.kind !== 'conv2d' && l.kind !== 'dense') || (m.kind !== 'conv2d' && m.kind !== 'dense')) return;
    const fa = pa.formats[i]!.weight, fb = pb.formats[i]!.weight;
    for (let k = 0; k < l.weights.length; k++) {
      const ca = (encode(fa, l.weights[k]!) << 24) >> 24, cb = (encode(fb, m.weights[k]!) << 24) >> 24;
      // different formats: compare in the finer format's LSBs
      const d = fa === fb || JSON.stringify(fa) === JSON.stringify(fb) ? Math.abs(ca - cb) : Math.abs(l.weights[k]! - m.weights[k]!) * 2 ** Math.max(fa.kind === 'int8' ? fa.fracBits : 0, fb.kind === 'int8' ? fb.fracBits : 0);
      total++;
      if (d > 0) { changed++; sum += d; if (d > max) max = d; }
    }
  });
  return { changed, total, meanAbs: changed ? sum / changed : 0, maxAbs: max };
}
