import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { flipBits, forceBits, readBit } from '../../../sim/format/bits';

const wordAndBits = fc.integer({ min: 1, max: 32 }).chain((wb) =>
  fc.tuple(
    fc.constant(wb),
    fc.integer({ min: 0, max: 2 ** wb - 1 }),
    fc.uniqueArray(fc.integer({ min: 0, max: wb - 1 }), { minLength: 1, maxLength: wb }),
  ),
);

describe('bit helpers', () => {
  it('flip twice is the identity and flips exactly the given bits', () => {
    fc.assert(
      fc.property(wordAndBits, ([wb, w, bits]) => {
        const f = flipBits(w, bits, wb);
        expect(flipBits(f, bits, wb)).toBe(w);
        for (let b = 0; b < wb; b++) expect(readBit(f, b, wb) !== readBit(w, b, wb)).toBe(bits.includes(b));
      }),
    );
  });

  it('forceBits is idempotent and sets the bits to the value', () => {
    fc.assert(
      fc.property(wordAndBits, fc.constantFrom(0 as const, 1 as const), ([wb, w, bits], v) => {
        const f = forceBits(w, bits, v, wb);
        expect(forceBits(f, bits, v, wb)).toBe(f);
        for (let b = 0; b < wb; b++) expect(readBit(f, b, wb)).toBe(bits.includes(b) ? v : readBit(w, b, wb));
      }),
    );
  });

  it('rejects bit positions outside the word', () => {
    expect(() => flipBits(0, [8], 8)).toThrow(RangeError);
    expect(() => readBit(0, -1, 8)).toThrow(/bit: expected an integer in 0..7/);
  });
});
