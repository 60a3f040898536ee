/**
 * Saturated weight transforms (DESIGN.md section 5, `saf`): the weight SRAM stores raw weights and
 * the read path applies the function before the MAC, unscaled: tanh(w), arctan(w) (range
 * +-pi/2), softsign(w) = w / (1 + |w|). Evaluated in fp64 and rounded to fp32; the engine then
 * rounds the result to the layer's numeric format.
 */
import type { WeightTransform } from './types';

/** Transformed value of one raw weight, fp32. */
export function transformWeight(t: WeightTransform | undefined, w: number): number {
  switch (t ?? 'none') {
    case 'none':
      return w;
    case 'tanh':
      return Math.fround(Math.tanh(w));
    case 'arctan':
      return Math.fround(Math.atan(w));
    case 'softsign':
      return Math.fround(w / (1 + Math.abs(w)));
  }
}

/** Applies the transform to every raw weight (returns `raw` itself when the transform is none). */
export function transformWeights(t: WeightTransform | undefined, raw: Float32Array): Float32Array {
  if (t === undefined || t === 'none') return raw;
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = transformWeight(t, raw[i]);
  return out;
}
