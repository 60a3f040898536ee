/**
 * Fake quantization of a training graph to the numeric format the hardware stores, with a
 * straight-through gradient: fp32 (identity), fp16 (round to nearest even binary16, saturating at
 * +-65504, subnormals down to 2^-24) and int8 Qm.n (models/protections/tfForward.ts fakeQuantize).
 * `formatQuant` builds the per-layer `FakeQuant` the SAF trainer passes to `TfNetwork.forward`:
 * the raw weights are rounded to the stored format, the transformed weights (what the PE weight
 * register holds) to the same format, and each layer's outputs to the output format, as
 * sim/engine/golden-gemm.ts does.
 */
import * as tf from '@tensorflow/tfjs';
import type { NumericFormat } from '../../sim/types';
import { fakeQuantize, type FakeQuant } from '../protections/tfForward';

/** Round half to even to binary16 in value domain (no gradient): exact for |x| <= 65504. */
export function roundFp16Tf(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const a = tf.abs(x);
    // exponent e = floor(log2 |x|), corrected by one where log2 rounds across a power of two
    let e = tf.floor(tf.div(tf.log(tf.maximum(a, 2 ** -30)), Math.LN2));
    e = tf.add(e, tf.cast(tf.greaterEqual(a, tf.pow(2, tf.add(e, 1))), 'float32'));
    e = tf.sub(e, tf.cast(tf.less(a, tf.pow(2, e)), 'float32'));
    const step = tf.pow(2, tf.sub(tf.maximum(e, -14), 10)); // ulp of binary16 (2^-24 for subnormals)
    return tf.clipByValue(tf.mul(tf.round(tf.div(x, step)), step), -65504, 65504);
  });
}

/** Straight-through fp16 rounding (gradient 1). */
export function fakeFp16(x: tf.Tensor): tf.Tensor {
  const f = tf.customGrad(((v: tf.Tensor) => ({ value: roundFp16Tf(v), gradFunc: (dy: tf.Tensor) => dy })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x);
}

/** Straight-through rounding of `x` to `format` (identity for fp32). */
export function fakeFormat(format: NumericFormat, x: tf.Tensor): tf.Tensor {
  if (format.kind === 'fp16') return fakeFp16(x);
  if (format.kind === 'int8') return fakeQuantize(x, format.fracBits);
  return x;
}

/** Per-layer formats of a layer as the trainer needs them. */
export interface LayerStoreFormats {
  /** Weight SRAM word format: stored raw weights and the PE weight register (f(raw)). */
  readonly weight: NumericFormat;
  /** Output (ofmap SRAM) format. */
  readonly output: NumericFormat;
}

/** The `FakeQuant` of one array layer for its stored formats; undefined for fp32 (nothing to round). */
export function formatQuant(f: LayerStoreFormats): FakeQuant | undefined {
  if (f.weight.kind === 'fp32' && f.output.kind === 'fp32') return undefined;
  const wf = f.weight, of = f.output;
  return {
    weightFrac: wf.kind === 'int8' ? wf.fracBits : 0,
    outputFrac: of.kind === 'int8' ? of.fracBits : 0,
    raw: (w) => fakeFormat(wf, w),
    weight: (w) => fakeFormat(wf, w),
    output: (y) => fakeFormat(of, y),
  };
}
