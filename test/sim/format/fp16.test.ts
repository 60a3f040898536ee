import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fp16FromFloat32Bits, fp16FromNumber, fp16ToFloat32Bits, fp16ToNumber, roundArrayToFp16 } from '../../../sim/format/fp16';
import { bitsToFloat32, float32ToBits } from '../../../sim/format/fp32';

/** Reference written differently: every finite non-negative fp16 value by formula, then nearest by
 * binary search in doubles, ties to the even code. */
const positives: number[] = [];
for (let h = 0; h < 0x7c00; h++) {
  const e = h >> 10;
  const m = h & 0x3ff;
  positives.push(e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15));
}
function referenceFp16(x: number): number {
  const f = Math.fround(x);
  if (Number.isNaN(f)) return -1; // checked separately
  const sign = f < 0 || Object.is(f, -0) ? 0x8000 : 0;
  const a = Math.abs(f);
  const maxHalfUlp = 65504 + 16; // 65520 and above round to infinity
  if (a >= maxHalfUlp) return sign | 0x7c00;
  let lo = 0;
  let hi = positives.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (positives[mid] <= a) lo = mid;
    else hi = mid;
  }
  const dLo = a - positives[lo];
  const dHi = positives[hi] - a;
  const code = dLo < dHi ? lo : dHi < dLo ? hi : lo % 2 === 0 ? lo : hi;
  return sign | code;
}

describe('fp16', () => {
  it('round-trips every one of the 65536 fp16 bit patterns through fp32 (NaNs stay NaN with payload)', () => {
    let checked = 0;
    for (let h = 0; h < 0x10000; h++) {
      const back = fp16FromFloat32Bits(fp16ToFloat32Bits(h));
      expect(back).toBe(h);
      const isNaN16 = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      expect(Number.isNaN(fp16ToNumber(h))).toBe(isNaN16);
      checked++;
    }
    expect(checked).toBe(65536);
  });

  it('matches the nearest-value reference on random fp32 values', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), (x) => {
        expect(fp16FromNumber(x)).toBe(referenceFp16(x));
      }),
      { numRuns: 20000 },
    );
  });

  it('matches the reference on values near fp16 ties, subnormals and the overflow threshold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7bff }), fc.integer({ min: -3, max: 3 }), fc.boolean(), (h, ulps, neg) => {
        // midpoint between h and h+1, nudged by a few fp32 ulps
        const mid = (positives[h] + (h + 1 < positives.length ? positives[h + 1] : 65536)) / 2;
        const bits = float32ToBits(mid) + ulps;
        const x = bitsToFloat32(bits) * (neg ? -1 : 1);
        expect(fp16FromNumber(x)).toBe(referenceFp16(x));
      }),
      { numRuns: 20000 },
    );
  });

  it('handles the special values', () => {
    expect(fp16FromNumber(65504)).toBe(0x7bff);
    expect(fp16FromNumber(65519.99)).toBe(0x7bff);
    expect(fp16FromNumber(65520)).toBe(0x7c00);
    expect(fp16FromNumber(-Infinity)).toBe(0xfc00);
    expect(fp16FromNumber(2 ** -24)).toBe(1);
    expect(fp16FromNumber(2 ** -25)).toBe(0); // tie -> even (0)
    expect(fp16FromNumber(1.5 * 2 ** -25)).toBe(1);
    expect(fp16FromNumber(-0)).toBe(0x8000);
    expect(fp16FromFloat32Bits(0x7fc00000)).toBe(0x7e00);
    expect(fp16FromFloat32Bits(0x7f800001)).toBe(0x7c01); // payload lost below bit 13 -> kept NaN
    expect(fp16ToNumber(0x3c00)).toBe(1);
    expect(fp16ToNumber(0xc000)).toBe(-2);
  });

  it('roundArrayToFp16 equals element-wise conversion', () => {
    fc.assert(
      fc.property(fc.float32Array({ maxLength: 64 }), (arr) => {
        const out = roundArrayToFp16(arr);
        for (let i = 0; i < arr.length; i++) {
          expect(float32ToBits(out[i])).toBe(fp16ToFloat32Bits(fp16FromNumber(arr[i])));
        }
      }),
    );
  });
});
