import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addInt32Sat, int8CodeToWord, int8WordToCode, quantizeToInt8Code, requantizeInt32ToInt8, roundHalfEven, INT32_MAX, INT32_MIN,
} from '../../../sim/format/fixed';

describe('int8 fixed point', () => {
  it('rounds half to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, -3]);
  });

  it('quantizes with saturation to -128..127', () => {
    fc.assert(
      fc.property(fc.double({ min: -1000, max: 1000, noNaN: true }), fc.integer({ min: 0, max: 7 }), (v, n) => {
        const q = quantizeToInt8Code(v, n);
        expect(q).toBeGreaterThanOrEqual(-128);
        expect(q).toBeLessThanOrEqual(127);
        const scaled = v * 2 ** n;
        if (scaled > -128.5 && scaled < 127.5) expect(Math.abs(q - scaled)).toBeLessThanOrEqual(0.5);
        else expect(q).toBe(scaled > 0 ? 127 : -128);
      }),
    );
  });

  it('round-trips every code through value and word', () => {
    for (let n = 0; n <= 7; n++) {
      for (let code = -128; code <= 127; code++) {
        expect(quantizeToInt8Code(code * 2 ** -n, n)).toBe(code);
        expect(int8WordToCode(int8CodeToWord(code))).toBe(code);
      }
    }
  });

  it('saturates the int32 accumulator', () => {
    expect(addInt32Sat(INT32_MAX, 1)).toBe(INT32_MAX);
    expect(addInt32Sat(INT32_MIN, -5)).toBe(INT32_MIN);
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -16384, max: 16384 }), (a, p) => {
        const s = addInt32Sat(a, p);
        expect(s).toBe(Math.min(INT32_MAX, Math.max(INT32_MIN, a + p)));
      }),
    );
  });

  it('requantizes 2n -> n fraction bits with rounding and saturation', () => {
    fc.assert(
      fc.property(fc.integer({ min: -40000, max: 40000 }), fc.integer({ min: 0, max: 7 }), (acc, n) => {
        const q = requantizeInt32ToInt8(acc, 2 * n, n);
        const exact = acc / 2 ** n;
        if (exact >= 127) expect(q).toBe(127);
        else if (exact <= -128) expect(q).toBe(-128);
        else {
          expect(Math.abs(q - exact)).toBeLessThanOrEqual(0.5);
          if (Math.abs(q - exact) === 0.5) expect(Math.abs(q % 2)).toBe(0);
        }
      }),
    );
  });
});
