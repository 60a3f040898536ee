/**
 * Numeric-format-generic word API (DESIGN.md section 2): every stored value is an unsigned word of
 * `wordBits(format)` bits. encode rounds a real number to the format (fp32: RNE to binary32;
 * fp16: RNE to binary16; int8: Qm.n half-even with saturation), decode is exact.
 */
import type { NumericFormat } from '../types';
import { fail, ok, type Result } from '../result';
import { bitsToFloat32, float32ToBits } from './fp32';
import { fp16FromFloat32Bits, fp16ToNumber, roundArrayToFp16 } from './fp16';
import { int8CodeToValue, int8CodeToWord, int8WordToCode, quantizeToInt8Code } from './fixed';

/** The fp32 format. */
export const FP32: NumericFormat = { kind: 'fp32' };
/** The fp16 format. */
export const FP16: NumericFormat = { kind: 'fp16' };
/** int8 Qm.n with `intBits` = m and `fracBits` = n (m + n = 7). */
export function int8Format(intBits: number, fracBits: number): NumericFormat {
  return { kind: 'int8', intBits, fracBits };
}

/** Validates a numeric format; the failure names the field and the allowed values. */
export function checkFormat(format: unknown, path = 'format'): Result<NumericFormat> {
  if (typeof format !== 'object' || format === null) return fail(`${path}: expected an object, found ${String(format)}`, path);
  const f = format as Record<string, unknown>;
  if (f.kind === 'fp32' || f.kind === 'fp16') return ok({ kind: f.kind });
  if (f.kind !== 'int8') return fail(`${path}.kind: expected 'fp32' | 'fp16' | 'int8', found ${JSON.stringify(f.kind)}`, `${path}.kind`);
  const { intBits, fracBits } = f;
  for (const [name, v] of [['intBits', intBits], ['fracBits', fracBits]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 7) {
      return fail(`${path}.${name}: expected an integer in 0..7, found ${String(v)}`, `${path}.${name}`);
    }
  }
  if ((intBits as number) + (fracBits as number) !== 7) {
    return fail(`${path}: expected intBits + fracBits = 7 (1 sign bit + m + n = 8), found ${String(intBits)} + ${String(fracBits)}`, path);
  }
  return ok({ kind: 'int8', intBits: intBits as number, fracBits: fracBits as number });
}

/** Width of a stored word in bits: 32 (fp32), 16 (fp16), 8 (int8). */
export function wordBits(format: NumericFormat): number {
  return format.kind === 'fp32' ? 32 : format.kind === 'fp16' ? 16 : 8;
}

/** Bytes per stored word (wordBits / 8). */
export function wordBytes(format: NumericFormat): number {
  return wordBits(format) / 8;
}

/** Encodes a real value as the unsigned word the memory stores (rounding and saturating per format). */
export function encode(format: NumericFormat, value: number): number {
  switch (format.kind) {
    case 'fp32':
      return float32ToBits(value);
    case 'fp16':
      return fp16FromFloat32Bits(float32ToBits(value));
    case 'int8':
      return int8CodeToWord(quantizeToInt8Code(value, format.fracBits));
  }
}

/** Decodes an unsigned word of `wordBits(format)` bits to its exact real value. */
export function decode(format: NumericFormat, word: number): number {
  switch (format.kind) {
    case 'fp32':
      return bitsToFloat32(word);
    case 'fp16':
      return fp16ToNumber(word & 0xffff);
    case 'int8':
      return int8CodeToValue(int8WordToCode(word & 0xff), format.fracBits);
  }
}

/** The value the hardware would store for `value`: decode(format, encode(format, value)). */
export function quantize(format: NumericFormat, value: number): number {
  return decode(format, encode(format, value));
}

/** Largest finite representable magnitude of the format (fp32 max, 65504, or 127 * 2^-n). */
export function maxValue(format: NumericFormat): number {
  return format.kind === 'fp32' ? 3.4028234663852886e38 : format.kind === 'fp16' ? 65504 : 127 * 2 ** -format.fracBits;
}

/** Quantizes every element of `src` to the format (into `out`, which may be `src`); returns `out`. */
export function quantizeArray(format: NumericFormat, src: Float32Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  if (format.kind === 'fp32') {
    if (out !== src) out.set(src);
    return out;
  }
  if (format.kind === 'fp16') return roundArrayToFp16(src, out);
  // inlined quantizeToInt8Code / int8CodeToValue with precomputed power-of-two scales
  const up = 2 ** format.fracBits;
  const down = 2 ** -format.fracBits;
  for (let i = 0; i < src.length; i++) {
    const v = src[i] * up;
    let q: number;
    if (v >= 127) q = 127;
    else if (v <= -128) q = -128;
    else if (v !== v) q = 0; // NaN
    else {
      q = Math.round(v);
      if (q - v === 0.5 && (q & 1) !== 0) q -= 1; // ties to even
      q |= 0; // no -0
    }
    out[i] = q * down;
  }
  return out;
}

/** Encodes every element to words: Uint32Array (fp32), Uint16Array (fp16) or Uint8Array (int8). */
export function encodeArray(format: NumericFormat, src: Float32Array): Uint32Array | Uint16Array | Uint8Array {
  if (format.kind === 'fp32') return new Uint32Array(src.slice().buffer);
  const out = format.kind === 'fp16' ? new Uint16Array(src.length) : new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = encode(format, src[i]);
  return out;
}

/** Decodes an array of words to real values (Float32Array; every format's values are fp32 values). */
export function decodeArray(format: NumericFormat, words: ArrayLike<number>): Float32Array {
  const out = new Float32Array(words.length);
  for (let i = 0; i < words.length; i++) out[i] = decode(format, words[i]);
  return out;
}

/** Short label, e.g. "fp32", "fp16", "int8 Q3.4". */
export function formatLabel(format: NumericFormat): string {
  return format.kind === 'int8' ? `int8 Q${format.intBits}.${format.fracBits}` : format.kind;
}
