/**
 * Signed fixed point Qm.n (two's complement, 1 sign bit + m integer bits + n fraction bits = 8)
 * and the int32 accumulator. Rounding is to nearest, ties to even; conversions saturate.
 * "Codes" are the signed integers the hardware stores (value = code * 2^-n).
 */

/** Smallest int8 code. */
export const INT8_MIN = -128;
/** Largest int8 code. */
export const INT8_MAX = 127;
/** Smallest int32 accumulator value. */
export const INT32_MIN = -2147483648;
/** Largest int32 accumulator value. */
export const INT32_MAX = 2147483647;

/** Rounds a real number to the nearest integer, ties to even (exact for |x| < 2^52). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // ties toward +infinity
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Clamps `x` to [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** int8 code of `value` in Q?.fracBits: round(value * 2^fracBits) half-even, saturated to -128..127; NaN -> 0. */
export function quantizeToInt8Code(value: number, fracBits: number): number {
  if (Number.isNaN(value)) return 0;
  const scaled = value * 2 ** fracBits;
  if (scaled >= INT8_MAX) return INT8_MAX;
  if (scaled <= INT8_MIN) return INT8_MIN;
  return roundHalfEven(scaled) | 0;
}

/** Real value of an int8 code with `fracBits` fraction bits. */
export function int8CodeToValue(code: number, fracBits: number): number {
  return code * 2 ** -fracBits;
}

/** Unsigned 8-bit word of a signed int8 code (two's complement). */
export function int8CodeToWord(code: number): number {
  return code & 0xff;
}

/** Signed int8 code of an unsigned 8-bit word (two's complement). */
export function int8WordToCode(word: number): number {
  return (word << 24) >> 24;
}

/** Saturates an integer to the int32 range. */
export function saturateInt32(x: number): number {
  return x > INT32_MAX ? INT32_MAX : x < INT32_MIN ? INT32_MIN : x;
}

/** Saturating int32 addition of two int32 values. */
export function addInt32Sat(a: number, b: number): number {
  return saturateInt32(a + b);
}

/**
 * Requantizes an int32 accumulator holding `fromFrac` fraction bits (e.g. 2n) to an int8 code
 * with `toFrac` fraction bits (e.g. n): round half-even of acc * 2^(toFrac-fromFrac), saturated.
 */
export function requantizeInt32ToInt8(acc: number, fromFrac: number, toFrac: number): number {
  const scaled = acc * 2 ** (toFrac - fromFrac); // exact: power-of-two scaling of an int32
  if (scaled >= INT8_MAX) return INT8_MAX;
  if (scaled <= INT8_MIN) return INT8_MIN;
  return roundHalfEven(scaled) | 0;
}

/** int32 accumulator code of a real value with `fracBits` fraction bits (half-even, saturated); NaN -> 0. */
export function quantizeToInt32Code(value: number, fracBits: number): number {
  if (Number.isNaN(value)) return 0;
  return saturateInt32(roundHalfEven(value * 2 ** fracBits));
}
