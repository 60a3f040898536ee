/**
 * IEEE-754 binary16, bit exact. Conversion from fp32 rounds to nearest, ties to even, produces
 * subnormals, overflows to +-infinity and keeps NaN a NaN (payload top bits kept; a payload that
 * would vanish becomes 1). Conversion to fp32 is exact (every fp16 value is an fp32 value).
 */
import { bitsToFloat32, float32ToBits } from './fp32';

/** fp16 word (unsigned 16-bit) nearest to the fp32 value with bits `b` (unsigned 32-bit word). */
export function fp16FromFloat32Bits(b: number): number {
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) {
    if (mant === 0) return sign | 0x7c00;
    const m = mant >>> 13;
    return sign | 0x7c00 | (m === 0 ? 1 : m);
  }
  if (exp === 0) return sign; // fp32 subnormals (< 2^-126) round to signed zero
  const e = exp - 127; // unbiased exponent
  const s = mant | 0x800000; // 24-bit significand
  if (e >= -14) {
    // normal range: keep 10 mantissa bits, round the 13 dropped bits; carry may reach exponent/inf
    let h = ((e + 15) << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h += 1;
    return h >= 0x7c00 ? sign | 0x7c00 : sign | h;
  }
  // subnormal half: value = q * 2^-24 with q = s * 2^(e+1)
  const shift = -e - 1; // 14..
  if (shift > 24) return sign;
  let q = s >>> shift;
  const rem = s & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rem > half || (rem === half && (q & 1) === 1)) q += 1;
  return sign | q;
}

/** fp16 word nearest to `value` after rounding it to fp32 first (values arrive as fp32 tensors). */
export function fp16FromNumber(value: number): number {
  return fp16FromFloat32Bits(float32ToBits(value));
}

/** Exact fp32 bits (unsigned 32-bit word) of the fp16 word `h`; NaN payloads are kept. */
export function fp16ToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp - 15 + 127) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // subnormal: normalise
  let e = -14;
  let m = mant;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e -= 1;
  }
  return (sign | ((e + 127) << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

/** Exact value of the fp16 word `h` as a JS number. */
export function fp16ToNumber(h: number): number {
  return bitsToFloat32(fp16ToFloat32Bits(h));
}

/** Rounds every element to the nearest fp16 value (in place when `out` is `src`); returns `out`. */
export function roundArrayToFp16(src: Float32Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  const u = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const o = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) o[i] = fp16ToFloat32Bits(fp16FromFloat32Bits(u[i]));
  return out;
}
