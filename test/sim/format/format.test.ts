import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { NumericFormat } from '../../../sim/types';
import {
  checkFormat, decode, encode, FP16, FP32, int8Format, quantize, quantizeArray, wordBits, makeAccumulator, flipBits,
} from '../../../sim/format';

const formats: NumericFormat[] = [FP32, FP16, int8Format(3, 4), int8Format(0, 7), int8Format(7, 0)];

describe('generic format API', () => {
  it('word widths', () => {
    expect(formats.map(wordBits)).toEqual([32, 16, 8, 8, 8]);
  });

  it('quantize is idempotent and encode yields a word of wordBits bits', () => {
    fc.assert(
      fc.property(fc.constantFrom(...formats), fc.float({ noNaN: true, noDefaultInfinity: true }), (f, v) => {
        const w = encode(f, v);
        expect(w).toBeGreaterThanOrEqual(0);
        expect(w).toBeLessThan(2 ** wordBits(f));
        const q = quantize(f, v);
        expect(quantize(f, q)).toBe(q);
        expect(encode(f, decode(f, w))).toBe(w);
      }),
    );
  });

  it('decode(encode) round-trips every int8 word', () => {
    for (const f of formats.filter((x) => x.kind === 'int8')) {
      for (let w = 0; w < 256; w++) expect(encode(f, decode(f, w))).toBe(w);
    }
  });

  it('flipping the sign bit negates the value', () => {
    fc.assert(
      fc.property(fc.constantFrom(FP32, FP16), fc.float({ noNaN: true, min: -1000, max: 1000 }), (f, v) => {
        const w = encode(f, v);
        expect(decode(f, flipBits(w, [wordBits(f) - 1], wordBits(f)))).toBe(-decode(f, w));
      }),
    );
  });

  it('quantizeArray matches element-wise quantize', () => {
    fc.assert(
      fc.property(fc.constantFrom(...formats), fc.float32Array({ maxLength: 32, noNaN: true }), (f, arr) => {
        const out = quantizeArray(f, arr);
        arr.forEach((v, i) => expect(out[i]).toBe(quantize(f, v)));
      }),
    );
  });

  it('checkFormat names the field at fault', () => {
    expect(checkFormat({ kind: 'int8', intBits: 3, fracBits: 4 }).ok).toBe(true);
    const bad = checkFormat({ kind: 'int8', intBits: 3, fracBits: 5 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/intBits \+ fracBits = 7/);
    const kind = checkFormat({ kind: 'bf16' });
    expect(!kind.ok && kind.path).toBe('format.kind');
  });
});

describe('accumulator', () => {
  it('fp32 accumulation rounds after every MAC', () => {
    const acc = makeAccumulator(FP32);
    const w = [0.1, 0.2, 0.3].map(Math.fround);
    const x = [1e-8, 3, 7].map(Math.fround);
    let a = acc.zero;
    let ref = 0;
    for (let i = 0; i < 3; i++) {
      a = acc.mac(a, w[i], x[i]);
      ref = Math.fround(ref + Math.fround(w[i] * x[i]));
    }
    expect(a).toBe(ref);
    expect(acc.decodeAcc(acc.encodeAcc(a))).toBe(a);
  });

  it('int8 accumulates integer codes with 2n fraction bits and requantizes', () => {
    const f = int8Format(3, 4);
    const acc = makeAccumulator(f);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -128, max: 127 }), fc.integer({ min: -128, max: 127 })), { maxLength: 40 }), (pairs) => {
        let a = acc.zero;
        let exact = 0;
        for (const [cw, cx] of pairs) {
          a = acc.mac(a, acc.weightOperand(cw / 16), acc.inputOperand(cx / 16));
          exact += cw * cx;
        }
        expect(a).toBe(exact); // far from int32 saturation here
        expect(acc.accToReal(a)).toBe(exact / 256);
        const out = acc.toOutput(a);
        expect(out).toBe(quantize(f, exact / 256));
        expect(acc.decodeAcc(acc.encodeAcc(a))).toBe(a);
      }),
    );
  });

  it('int8 psum bit 31 flip turns a positive sum negative', () => {
    const acc = makeAccumulator(int8Format(3, 4));
    const a = 1000;
    expect(acc.decodeAcc(flipBits(acc.encodeAcc(a), [31], 32))).toBe(1000 - 2 ** 31);
  });
});

describe('fp16 accumulator', () => {
  it('products of fp16 operands are exact in fp32 and sums round to fp32', () => {
    const acc = makeAccumulator(FP16);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (hw, hx) => {
        const w = decode(FP16, hw);
        const x = decode(FP16, hx);
        if (!Number.isFinite(w) || !Number.isFinite(x)) return;
        expect(acc.mul(w, x)).toBe(w * x); // exact: no rounding happened
        expect(acc.add(1, acc.mul(w, x))).toBe(Math.fround(1 + w * x));
      }),
      { numRuns: 5000 },
    );
  });
});
