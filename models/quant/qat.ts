/**
 * Quantization-aware training for int8: the weights (after any saturating transform) and every
 * array layer's outputs are fake-quantized to the per-layer Qm.n chosen by PTQ (straight-through
 * gradient), and all raw weights/biases are fine-tuned. With `samRho > 0` each step is a
 * sharpness-aware minimisation step (SAM: gradient taken at w + rho g/||g||) — the `saq`
 * protection (FlatENN / SAQ): flatter minima lose less accuracy when stored bits flip.
 * After training, formats are re-chosen by PTQ on the trained network.
 */
import type { Network } from '../../sim/layers/types';
import type { Dataset } from '../data/dataset';
import { TfNetwork } from '../protections/tfForward';
import { crossEntropy, trainVars } from '../protections/trainLoop';
import { ptq, type PtqResult } from './ptq';

/** QAT / SAQ hyper-parameters. */
export interface QatOptions {
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
  /** SAM radius; 0 = plain QAT. */
  readonly samRho: number;
}

/** Defaults: short fine-tune on the calibration set. */
export const DEFAULT_QAT: QatOptions = { steps: 200, batch: 64, lr: 2e-4, seed: 31, samRho: 0 };

/** Runs QAT (or SAQ when samRho > 0); returns the trained network and its int8 formats. */
export function qat(net: Network, ds: Dataset, o: QatOptions = DEFAULT_QAT): { net: Network; ptq: PtqResult } {
  const start = ptq(net, ds);
  const arr = new Set(net.layers.map((l, i) => (l.kind === 'conv2d' || l.kind === 'dense' ? i : -1)).filter((i) => i >= 0));
  const tfn = new TfNetwork(net, { trainWeights: arr });
  try {
    const quant = (i: number) => {
      const f = start.formats[i]!;
      return arr.has(i) && f.weight.kind === 'int8' && f.output.kind === 'int8' ? { weightFrac: f.weight.fracBits, outputFrac: f.output.fracBits } : undefined;
    };
    if (o.steps > 0) trainVars(ds, tfn.weightVars, (x, y) => crossEntropy(tfn.forward(x, 'hard', quant), y), o);
    const trained: Network = { ...net, layers: net.layers.map((l, i) => (arr.has(i) && (l.kind === 'conv2d' || l.kind === 'dense') ? { ...l, weights: tfn.readWeights(i), bias: tfn.readBias(i) } : l)) };
    return { net: trained, ptq: ptq(trained, ds) };
  } finally {
    tfn.dispose();
  }
}
