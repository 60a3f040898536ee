/**
 * Saturated weight transforms (`saf`, Fuengfusin & Tamukoh, arXiv 2411.19027): the weight SRAM
 * stores raw weights r and the read path feeds f(r) to the PEs, f in {tanh, arctan, softsign}
 * unscaled (sim/layers/weights.ts), so even an exponent-bit flip that makes r huge reads back as
 * at most |f| < 1 (tanh, softsign) or < pi/2 (arctan).
 * `trainSaf` trains a network with f in the loop from a fresh initialisation ("trained with
 * weights constrained by SAFs"), for the numeric format it will run in: fp32, fp16 (raw weights,
 * f(raw) and outputs rounded to binary16 in the graph) or int8 (per-layer Qm.n chosen for the RAW
 * values, raw weights kept inside it, f(raw) and outputs fake-quantized; a QAT phase after fp32
 * training). `toSaf` converts a trained network (r = f^-1(w)) without training (tests, tools).
 */
import * as tf from '@tensorflow/tfjs';
import type { Layer, Network, WeightTransform } from '../../sim/layers/types';
import type { NumericFormat } from '../../sim/types';
import { FP16, FP32, maxValue } from '../../sim/format/format';
import { type Dataset } from '../data/dataset';
import { makeRng } from '../rng';
import { ptq, type PtqResult } from '../quant/ptq';
import { formatQuant } from '../quant/fake';
import { accuracyOf, logitsOf } from './data';
import type { SafFormat } from './spec';
import { type FakeQuant, TfNetwork } from './tfForward';
import { crossEntropy, trainEpochs } from './trainLoop';

/** A saturating transform (not none). */
export type Saf = Exclude<WeightTransform, 'none'>;

/** f^-1(w), with w clamped just inside f's open range. */
export function inverseTransform(t: Saf, w: number): number {
  switch (t) {
    case 'tanh': { const c = Math.max(-0.999, Math.min(0.999, w)); return Math.atanh(c); }
    case 'arctan': { const lim = Math.PI / 2 - 1e-3; return Math.tan(Math.max(-lim, Math.min(lim, w))); }
    case 'softsign': { const c = Math.max(-0.999, Math.min(0.999, w)); return c / (1 - Math.abs(c)); }
  }
}

/** Copy of `net` storing raw weights f^-1(w) with `weightTransform: t` on every conv/dense layer. */
export function toSaf(net: Network, t: Saf): Network {
  const layers = net.layers.map((l): Layer => {
    if (l.kind !== 'conv2d' && l.kind !== 'dense') return l;
    if ((l.weightTransform ?? 'none') !== 'none') throw new Error(`${l.name}: already has weight transform ${l.weightTransform}`);
    return { ...l, weights: l.weights.map((w) => inverseTransform(t, w)), weightTransform: t };
  });
  return { ...net, layers };
}

/** Glorot-uniform weights (fan-in/out of the layer), zero biases: a fresh network of the same architecture. */
export function reinitialize(net: Network, seed: number): Network {
  const rng = makeRng(seed);
  return { ...net, layers: net.layers.map((l): Layer => {
    if (l.kind !== 'conv2d' && l.kind !== 'dense') return l;
    const [fi, fo] = l.kind === 'conv2d' ? [l.kh * l.kw * l.inC, l.kh * l.kw * l.outC] : [l.inF, l.outF];
    const lim = Math.sqrt(6 / (fi + fo));
    return { ...l, weights: Float32Array.from(l.weights, () => (2 * rng.float() - 1) * lim), bias: l.bias ? new Float32Array(l.bias.length) : null };
  }) };
}

/** In-the-loop SAF training hyper-parameters. */
export interface SafTrainOptions {
  /** Epochs over the training set (fp32 / fp16 from scratch; int8: QAT epochs after `from`). */
  readonly epochs: number;
  readonly batch: number;
  /** Adam learning rate of the first epoch, decayed by `lrDecay` per epoch. */
  readonly lr: number;
  readonly lrDecay: number;
  /** Shuffle seed. */
  readonly seed: number;
  /** Glorot initialisation seed. */
  readonly initSeed: number;
  /** Random translation +-shift pixels of the training images (the base models' augmentation). */
  readonly shift?: number;
}

/** Defaults: the committed LeNet-5's recipe (models/weights/lenet5.train.log: 40 epochs, Adam 1e-3, batch 32, decay 0.93 per epoch, shift 2). */
export const DEFAULT_SAF_TRAIN: SafTrainOptions = { epochs: 40, batch: 32, lr: 1e-3, lrDecay: 0.93, seed: 7, initSeed: 11, shift: 2 };

/** A SAF network trained for a format, with its per-layer int8 formats (int8) and log. */
export interface SafTrainResult {
  readonly net: Network;
  /** int8 only: the per-layer formats used in training (= `ptq(net, calib)` of the result). */
  readonly ptq?: PtqResult;
  readonly log: readonly string[];
}

/** Per-layer stored formats of a training run: uniform fp32 / fp16, or the given int8 PTQ formats. */
function quantOf(net: Network, format: SafFormat, p?: PtqResult): (i: number) => FakeQuant | undefined {
  const uni: NumericFormat = format === 'fp16' ? FP16 : FP32;
  const q = net.layers.map((l, i) => {
    if (l.kind !== 'conv2d' && l.kind !== 'dense') return undefined;
    const f = p ? p.formats[i]! : { weight: uni, output: uni };
    return formatQuant({ weight: f.weight, output: f.output });
  });
  return (i) => q[i];
}

/**
 * Trains the SAF network for `format`. fp32 / fp16: `arch` re-initialised (Glorot), raw weights
 * r = f^-1(w0), all raw weights and biases trained with f (and the fp16 rounding) in the graph.
 * fp16 with `from`: continues a trained fp32 SAF network with the fp16 rounding in the graph.
 * int8: starts from `from` (a trained fp32 SAF network), chooses per-layer Qm.n by PTQ on `calib`
 * (weight format for the raw values), then trains with raw weights clamped to their format's range
 * after every step (nothing clipped on store) and everything fake-quantized.
 * `test` accuracy (tf forward with the same rounding) is logged after every epoch.
 */
export function trainSaf(arch: Network, t: Saf, format: SafFormat, train: Dataset, calib: Dataset, test: Dataset,
  o: SafTrainOptions = DEFAULT_SAF_TRAIN, from?: Network, onLog: (l: string) => void = () => {}): SafTrainResult {
  const log: string[] = [];
  const say = (l: string) => { log.push(l); onLog(l); };
  if (format === 'int8' && !from) throw new Error('trainSaf int8: expected a trained fp32 SAF network to start from');
  const start = from ?? toSaf(reinitialize(arch, o.initSeed), t);
  const p = format === 'int8' ? ptq(start, calib) : undefined;
  const quant = quantOf(start, format, p);
  const arr = new Set(start.layers.map((l, i) => (l.kind === 'conv2d' || l.kind === 'dense' ? i : -1)).filter((i) => i >= 0));
  const tfn = new TfNetwork(start, { trainWeights: arr });
  const lim = start.layers.map((_, i) => (p && arr.has(i) ? maxValue(p.formats[i]!.weight) : Infinity));
  const clamp = p ? () => arr.forEach((i) => { const v = tfn.weights[i] as tf.Variable; v.assign(tf.tidy(() => tf.clipByValue(v, -lim[i]!, lim[i]!))); }) : undefined;
  if (p) say(`int8 formats (weights for raw values): ${p.formats.map((f) => (f.weight.kind === 'int8' ? `Q${f.weight.intBits}.${f.weight.fracBits}` : f.weight.kind)).join(' ')}`);
  const acc = () => accuracyOf(logitsWith(tfn, test, quant), test.labels);
  try {
    say(`start: test accuracy ${(acc() * 100).toFixed(2)}% (${format}, ${t}, ${from ? 'from the trained fp32 SAF network' : `Glorot init seed ${o.initSeed}`})`);
    trainEpochs(train, tfn.weightVars, (x, y) => crossEntropy(tfn.forward(x, 'hard', quant), y), {
      epochs: o.epochs, batch: o.batch, lr: o.lr, lrDecay: o.lrDecay, seed: o.seed, shift: o.shift ?? 0, ...(clamp ? { after: clamp } : {}),
      onEpoch: (e, l, lr) => say(`epoch ${e}/${o.epochs} loss=${l.toFixed(4)} test_acc=${(acc() * 100).toFixed(2)}% lr=${lr.toExponential(2)}`),
    });
    const net: Network = { ...start, layers: start.layers.map((l, i) => (arr.has(i) && (l.kind === 'conv2d' || l.kind === 'dense') ? { ...l, weights: tfn.readWeights(i), bias: tfn.readBias(i) } : l)) };
    if (!p) return { net, log };
    const after = ptq(net, calib);
    const same = after.formats.every((f, i) => JSON.stringify(f) === JSON.stringify(p.formats[i]));
    say(`int8 formats after training ${same ? 'unchanged' : `CHANGED: ${after.formats.map((f) => (f.weight.kind === 'int8' ? `Q${f.weight.intBits}.${f.weight.fracBits}` : f.weight.kind)).join(' ')}`}`);
    return { net, ptq: after, log };
  } finally {
    tfn.dispose();
  }
}

/** Logits with per-layer fake quantization (batched). */
function logitsWith(net: TfNetwork, ds: Dataset, quant: (i: number) => FakeQuant | undefined): Float32Array {
  const q = { forward: (x: tf.Tensor4D) => net.forward(x, 'hard', quant) } as unknown as TfNetwork;
  return logitsOf(q, ds);
}
