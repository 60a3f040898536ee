/**
 * Signed 32-bit fixed point Q15.16 (two's complement: 1 sign bit, 15 integer bits, 16 fraction
 * bits), the parameter format of the RReLU toolbox's fault injector (`Fxp(n_word=32, n_frac=16,
 * n_int=15)`, rrelu:search.py:19-21 and rrelu/pytorchfi/weight_error_models.py:230). Conversions
 * follow fxpmath's defaults: rounding 'trunc' (toward −∞, i.e. floor) and overflow 'saturate'.
 * Codes are the signed integers stored (value = code · 2^-16); words are their unsigned 32-bit
 * patterns. The MAC keeps a Q15.16 accumulator: each product of two codes is exact (64-bit,
 * 32 fraction bits), floored to 16 fraction bits and saturated to 32 bits; every add saturates.
 */

/** Fraction bits of Q15.16. */
export const Q1516_FRAC = 16;
/** Smallest code (−32768.0). */
export const Q1516_MIN = -2147483648;
/** Largest code (32767.99998474121). */
export const Q1516_MAX = 2147483647;
/** Scale 2^16: value · scale = code. */
const SCALE = 65536;

/** Saturates an integer to the Q15.16 code range. */
export function saturateQ1516(x: number): number {
  return x > Q1516_MAX ? Q1516_MAX : x < Q1516_MIN ? Q1516_MIN : x;
}

/** Q15.16 code of a real value: floor(value · 2^16) saturated (fxpmath 'trunc' + 'saturate'); NaN -> 0. */
export function q1516Code(value: number): number {
  if (Number.isNaN(value)) return 0;
  return saturateQ1516(Math.floor(value * SCALE));
}

/** Real value of a Q15.16 code (exact in fp64). */
export function q1516Value(code: number): number {
  return code / SCALE;
}

/** Unsigned 32-bit word of a Q15.16 code. */
export function q1516Word(code: number): number {
  return code >>> 0;
}

/** Signed Q15.16 code of an unsigned 32-bit word. */
export function q1516FromWord(word: number): number {
  return word | 0;
}

/** The stored word of a real value (floor, saturate). */
export function encodeQ1516(value: number): number {
  return q1516Word(q1516Code(value));
}

/** The real value a stored word holds. */
export function decodeQ1516(word: number): number {
  return q1516Value(q1516FromWord(word));
}

/** The value Q15.16 storage keeps of `value`: decode(encode(value)). */
export function quantizeQ1516(value: number): number {
  return q1516Value(q1516Code(value));
}

/**
 * Product of two Q15.16 codes as a Q15.16 code: floor(a·b / 2^16), saturated. The 64-bit product
 * is formed exactly from 16-bit halves (every partial sum stays below 2^53).
 */
export function q1516Mul(a: number, b: number): number {
  const ah = a >> 16, al = a & 0xffff;
  const bh = b >> 16, bl = b & 0xffff;
  // a·b = ah·bh·2^32 + (ah·bl + al·bh)·2^16 + al·bl; divided by 2^16 and floored:
  const hi = ah * bh * SCALE + ah * bl + al * bh; // exact integer, |hi| < 2^48
  return saturateQ1516(hi + Math.floor((al * bl) / SCALE));
}

/** Saturating Q15.16 addition. */
export function q1516Add(acc: number, p: number): number {
  return saturateQ1516(acc + p);
}

/** One MAC: q1516Add(acc, q1516Mul(w, x)). */
export function q1516Mac(acc: number, w: number, x: number): number {
  return q1516Add(acc, q1516Mul(w, x));
}

/** Dot product of code vectors in array order with the saturating accumulator, plus a bias code. */
export function q1516Dot(w: ArrayLike<number>, x: ArrayLike<number>, bias = 0): number {
  let acc = 0;
  for (let i = 0; i < w.length; i++) acc = q1516Mac(acc, w[i]!, x[i]!);
  return q1516Add(acc, bias);
}
