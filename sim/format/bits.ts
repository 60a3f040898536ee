/**
 * Bit helpers on stored words. A word is an unsigned integer of `wordBits` bits (1..32);
 * bit positions are numbered 0 (LSB) .. wordBits-1 (MSB / sign), as in DESIGN.md section 3.
 * Invalid bit positions are programming errors and throw RangeError (these run in hot loops).
 */

function checkBit(bit: number, wordBits: number): void {
  if (!Number.isInteger(bit) || bit < 0 || bit >= wordBits) {
    throw new RangeError(`bit: expected an integer in 0..${wordBits - 1}, found ${bit}`);
  }
}

/** Mask (unsigned, up to 32 bits) with the given bit positions set; positions must be < wordBits. */
export function bitMask(bits: readonly number[], wordBits: number): number {
  let mask = 0;
  for (const b of bits) {
    checkBit(b, wordBits);
    mask |= 1 << b;
  }
  return mask >>> 0;
}

/** Keeps only the low `wordBits` bits of a word, as an unsigned integer. */
export function truncateWord(word: number, wordBits: number): number {
  return wordBits >= 32 ? word >>> 0 : (word & ((1 << wordBits) - 1)) >>> 0;
}

/** Reads bit `bit` (0 = LSB) of an unsigned word of `wordBits` bits: 0 or 1. */
export function readBit(word: number, bit: number, wordBits = 32): 0 | 1 {
  checkBit(bit, wordBits);
  return ((word >>> bit) & 1) as 0 | 1;
}

/** Flips (XOR) the given bit positions of a word of `wordBits` bits; returns the new unsigned word. */
export function flipBits(word: number, bits: readonly number[], wordBits: number): number {
  return truncateWord((word ^ bitMask(bits, wordBits)) >>> 0, wordBits);
}

/** Forces the given bit positions to `value` (stuck-at-0 / stuck-at-1); returns the new unsigned word. */
export function forceBits(word: number, bits: readonly number[], value: 0 | 1, wordBits: number): number {
  const mask = bitMask(bits, wordBits);
  const w = value === 1 ? word | mask : word & ~mask;
  return truncateWord(w >>> 0, wordBits);
}
