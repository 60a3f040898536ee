/**
 * int8 post-training quantization: per-layer Qm.n (1 sign bit, m integer bits, n = 7 - m fraction
 * bits) chosen from profiled ranges: weights from max |stored raw weight| and |weight the PEs
 * multiply| (transform applied; see `storedWeightMax`), each layer's output from the max |value|
 * it produces on profiling data (logits for the last layer), each layer's input from its
 * producer's output format (the network input from the data range). The result plugs into the simulator as `GoldenOptions.layerFormats`.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2dLayer, DenseLayer, Layer, Network } from '../../sim/layers/types';
import type { NumericFormat } from '../../sim/types';
import type { OperandFormats } from '../../sim/format/accumulator';
import { int8Format } from '../../sim/format/format';
import { transformWeights } from '../../sim/layers/weights';
import { type Dataset, imageSize } from '../data/dataset';
import { TfNetwork } from '../protections/tfForward';

/** Integer bits m of the smallest-step Qm.n (m + n = 7) whose range holds `maxAbs`. */
export function intBitsFor(maxAbs: number): number {
  for (let m = 0; m <= 7; m++) if (maxAbs <= 2 ** m - 2 ** -(7 - m)) return m;
  return 7;
}

/** Qm.n format for a range. */
export function formatFor(maxAbs: number): NumericFormat {
  const m = intBitsFor(maxAbs);
  return int8Format(m, 7 - m);
}

/** Per-layer int8 formats of a network. */
export interface PtqResult {
  /** Operand formats per layer index. */
  readonly formats: readonly OperandFormats[];
  /** Profiled max |output| per layer. */
  readonly ranges: readonly number[];
  /** For `runGolden(..., { layerFormats })`. */
  readonly layerFormats: (layer: Layer, index: number) => OperandFormats;
}

/** Max |value| of every layer's output (logits for the last) on `ds`. */
export function profileRanges(net: Network, ds: Dataset, batch = 200): number[] {
  const tfn = new TfNetwork(net);
  const ranges = net.layers.map(() => 0);
  const sz = imageSize(ds.shape);
  try {
    for (let s = 0; s < ds.n; s += batch) {
      const n = Math.min(batch, ds.n - s);
      const m = tf.tidy(() => tf.stack(tfn.forwardLayers(tf.tensor4d(ds.images.subarray(s * sz, (s + n) * sz), [n, ds.shape.h, ds.shape.w, ds.shape.c]))
        .map((o) => tf.max(tf.abs(o)))));
      (m.dataSync() as Float32Array).forEach((v, i) => { if (v > ranges[i]!) ranges[i] = v; });
      m.dispose();
    }
  } finally {
    tfn.dispose();
  }
  return ranges;
}

/**
 * Max |value| the layer's one weight format must hold: the weight SRAM stores the RAW weights and
 * the PE weight register holds f(raw) in the same format (sim/engine/golden-gemm.ts layerWeights),
 * so the format is chosen for max(|raw|, |f(raw)|) — for tanh/arctan/softsign |f(r)| <= |r|, i.e.
 * for the raw values — and no stored raw weight is clipped.
 */
export function storedWeightMax(l: Conv2dLayer | DenseLayer): number {
  let wmax = 0;
  for (const w of l.weights) if (Math.abs(w) > wmax) wmax = Math.abs(w);
  for (const w of transformWeights(l.weightTransform, l.weights)) if (Math.abs(w) > wmax) wmax = Math.abs(w);
  return wmax;
}

/** Chooses per-layer Qm.n formats from profiling data. */
export function ptq(net: Network, ds: Dataset): PtqResult {
  const ranges = profileRanges(net, ds);
  let inputMax = 0;
  for (const v of ds.images) if (Math.abs(v) > inputMax) inputMax = Math.abs(v);
  const outF = ranges.map(formatFor);
  const byName = new Map(net.layers.map((l, i) => [l.name, i]));
  const formats = net.layers.map((l, i): OperandFormats => {
    const src = l.inputs?.[0] !== undefined ? byName.get(l.inputs[0])! : i - 1;
    const input = src < 0 ? formatFor(inputMax) : outF[src]!;
    let weight = outF[i]!;
    if (l.kind === 'conv2d' || l.kind === 'dense') {
      weight = formatFor(storedWeightMax(l));
    }
    return { weight, input, output: outF[i]! };
  });
  return { formats, ranges, layerFormats: (_l, i) => formats[i]! };
}
