import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Q1516_MAX, Q1516_MIN, decodeQ1516, encodeQ1516, q1516Add, q1516Code, q1516Dot, q1516FromWord, q1516Mac, q1516Mul, q1516Value, q1516Word, quantizeQ1516,
} from '../../../sim/format/q1516';

const code = fc.integer({ min: Q1516_MIN, max: Q1516_MAX });
/** Exact oracle: floor(a·b / 2^16) saturated, in BigInt. */
function mulOracle(a: number, b: number): number {
  const p = BigInt(a) * BigInt(b);
  let q = p >> 16n; // arithmetic shift = floor for negatives too
  if (q > BigInt(Q1516_MAX)) q = BigInt(Q1516_MAX);
  if (q < BigInt(Q1516_MIN)) q = BigInt(Q1516_MIN);
  return Number(q);
}

describe('Q15.16 storage', () => {
  it('every code round-trips through its word and its value', () => {
    fc.assert(fc.property(code, (c) => {
      expect(q1516FromWord(q1516Word(c))).toBe(c);
      expect(q1516Code(q1516Value(c))).toBe(c);
      expect(encodeQ1516(decodeQ1516(q1516Word(c)))).toBe(q1516Word(c));
      expect(q1516Word(c)).toBeGreaterThanOrEqual(0);
      expect(q1516Word(c)).toBeLessThan(2 ** 32);
    }), { numRuns: 2000 });
  });

  it('in range, encoding floors to the 2^-16 grid (fxpmath trunc): 0 <= v - q < 2^-16', () => {
    fc.assert(fc.property(fc.double({ min: -32768, max: 32767.99998, noNaN: true }), (v) => {
      // v · 2^16 is exact in fp64 (power-of-two scaling), so compare on the code grid
      const c = q1516Code(v);
      expect(c).toBeLessThanOrEqual(v * 65536);
      expect(v * 65536).toBeLessThan(c + 1);
      const q = quantizeQ1516(v);
      expect(q).toBeLessThanOrEqual(v);
      expect(quantizeQ1516(q)).toBe(q);
    }), { numRuns: 2000 });
  });

  it('saturates out of range and maps NaN to 0', () => {
    fc.assert(fc.property(fc.double({ min: 32768, max: 1e300, noNaN: true }), (v) => {
      expect(q1516Code(v)).toBe(Q1516_MAX);
      expect(q1516Code(-v - 1)).toBe(Q1516_MIN);
    }));
    expect(q1516Code(Infinity)).toBe(Q1516_MAX);
    expect(q1516Code(-Infinity)).toBe(Q1516_MIN);
    expect(q1516Code(NaN)).toBe(0);
    expect(q1516Value(Q1516_MAX)).toBe(32768 - 2 ** -16);
    expect(q1516Value(Q1516_MIN)).toBe(-32768);
    // hand-checked words: 1.0 = 0x00010000, -1.0 = 0xffff0000, -2^-17 floors to -2^-16 = 0xffffffff
    expect(encodeQ1516(1)).toBe(0x00010000);
    expect(encodeQ1516(-1)).toBe(0xffff0000);
    expect(encodeQ1516(-(2 ** -17))).toBe(0xffffffff);
    // flipping the sign bit of 1.0 gives -32767.0
    expect(decodeQ1516(encodeQ1516(1) ^ 0x80000000)).toBe(-32767);
  });
});

describe('Q15.16 accumulator', () => {
  it('products are exact floor(a·b / 2^16), saturated (BigInt oracle)', () => {
    fc.assert(fc.property(code, code, (a, b) => { expect(q1516Mul(a, b)).toBe(mulOracle(a, b)); }), { numRuns: 5000 });
    // small operands too (the common case for weights)
    const small = fc.integer({ min: -(2 ** 18), max: 2 ** 18 });
    fc.assert(fc.property(small, small, (a, b) => { expect(q1516Mul(a, b)).toBe(mulOracle(a, b)); }), { numRuns: 2000 });
  });

  it('additions saturate at both ends and are exact inside', () => {
    fc.assert(fc.property(code, code, (a, b) => {
      const s = a + b;
      expect(q1516Add(a, b)).toBe(s > Q1516_MAX ? Q1516_MAX : s < Q1516_MIN ? Q1516_MIN : s);
    }), { numRuns: 2000 });
    expect(q1516Add(Q1516_MAX, 1)).toBe(Q1516_MAX);
    expect(q1516Add(Q1516_MIN, -1)).toBe(Q1516_MIN);
  });

  it('a dot product saturates once its running sum leaves the range, and equals the oracle', () => {
    fc.assert(fc.property(fc.array(fc.tuple(code, code), { minLength: 1, maxLength: 20 }), code, (pairs, bias) => {
      let acc = 0n;
      for (const [w, x] of pairs) {
        acc += BigInt(mulOracle(w, x));
        if (acc > BigInt(Q1516_MAX)) acc = BigInt(Q1516_MAX);
        if (acc < BigInt(Q1516_MIN)) acc = BigInt(Q1516_MIN);
      }
      acc += BigInt(bias);
      const want = acc > BigInt(Q1516_MAX) ? Q1516_MAX : acc < BigInt(Q1516_MIN) ? Q1516_MIN : Number(acc);
      expect(q1516Dot(pairs.map((p) => p[0]), pairs.map((p) => p[1]), bias)).toBe(want);
    }), { numRuns: 500 });
    // 100 x 100 (codes of 100.0) = 10000.0; four of them saturate at 32767.99998...
    const c100 = q1516Code(100);
    expect(q1516Value(q1516Mac(0, c100, c100))).toBe(10000);
    expect(q1516Dot([c100, c100, c100, c100], [c100, c100, c100, c100])).toBe(Q1516_MAX);
    // 0.5 x -0.5 = -0.25 exactly; 2^-16 x 2^-16 floors to 0, x -2^-16 floors to -2^-16
    expect(q1516Value(q1516Mul(q1516Code(0.5), q1516Code(-0.5)))).toBe(-0.25);
    expect(q1516Mul(1, 1)).toBe(0);
    expect(q1516Mul(1, -1)).toBe(-1);
  });
});
