/** IEEE-754 binary32 bit views. Words are unsigned 32-bit integers. */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Bits (unsigned 32-bit word) of `value` rounded to fp32 (round to nearest even). */
export function float32ToBits(value: number): number {
  f32[0] = value;
  return u32[0];
}

/** The fp32 value whose bits are `word` (unsigned 32-bit); NaN payloads become a JS NaN. */
export function bitsToFloat32(word: number): number {
  u32[0] = word >>> 0;
  return f32[0];
}
