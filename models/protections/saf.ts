/**
 * Saturated weight transforms (`saf`): the weight SRAM stores raw weights r and the read path
 * feeds f(r) to the PEs, f in {tanh, arctan, softsign}, so even an exponent-bit flip that makes r
 * huge reads back as at most |f| < 1 (tanh, softsign) or < pi/2 (arctan). Conversion starts from
 * r = f^-1(w) (exact for |w| inside f's range) and fine-tunes the raw weights with f in the loop.
 */
import * as tf from '@tensorflow/tfjs';
import type { Layer, Network, WeightTransform } from '../../sim/layers/types';
import type { Dataset } from '../data/dataset';
import { TfNetwork } from './tfForward';
import { crossEntropy, trainVars } from './trainLoop';

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

/** Fine-tuning hyper-parameters. */
export interface FineTuneOptions {
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
}

/** Defaults: a short fine-tune (a fraction of an epoch on the calibration set). */
export const DEFAULT_FINE_TUNE: FineTuneOptions = { steps: 300, batch: 64, lr: 1e-4, seed: 21 };

/** Converts to SAF and fine-tunes all raw weights and biases (cross-entropy, hard bounds if any). */
export function safProtect(net: Network, t: Saf, ds: Dataset, o: FineTuneOptions = DEFAULT_FINE_TUNE): Network {
  const s = toSaf(net, t);
  const train = new Set(s.layers.map((l, i) => (l.kind === 'conv2d' || l.kind === 'dense' ? i : -1)).filter((i) => i >= 0));
  const tfn = new TfNetwork(s, { trainWeights: train });
  try {
    if (o.steps > 0) trainVars(ds, tfn.weightVars, (x, y) => crossEntropy(tfn.forward(x, 'hard'), y), o);
    return { ...s, layers: s.layers.map((l, i) => (train.has(i) && (l.kind === 'conv2d' || l.kind === 'dense') ? { ...l, weights: tfn.readWeights(i), bias: tfn.readBias(i) } : l)) };
  } finally {
    tfn.dispose();
    void tf;
  }
}
