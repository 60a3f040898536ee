import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { requantizeGeneric, requantizeShift } from '../../../sim/engine/golden-gemm';
import { addInt32Sat, requantizeInt32ToInt8 } from '../../../sim/format';

describe('int8 epilogue requantization', () => {
  it('integer-shift and generic requantization equal requantizeInt32ToInt8(sat32(sum + bias))', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -(2 ** 24), max: 2 ** 24 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: -(2 ** 20), max: 2 ** 20 }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 1, max: 14 }), fc.integer({ min: 0, max: 7 }),
        (raw, b, shift, nOut) => {
          // include exact ties: multiples of 2^(shift-1)
          const sums = Float32Array.from(raw.map((v, i) => (i % 3 === 0 ? Math.round(v / 2 ** (shift - 1)) * 2 ** (shift - 1) : v)));
          const bias = Float64Array.from(b);
          const a = new Float32Array(sums.length);
          const g = new Float32Array(sums.length);
          requantizeShift(sums, bias, 3, shift, nOut, a);
          requantizeGeneric(sums, bias, 3, shift, nOut, g);
          sums.forEach((s, i) => {
            const want = requantizeInt32ToInt8(addInt32Sat(s, bias[i % 3]), nOut + shift, nOut) * 2 ** -nOut;
            expect(a[i]).toBe(want);
            expect(g[i]).toBe(want);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
