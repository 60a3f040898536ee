/** The word-level SEC-DED codec of the cycle model agrees with the bit-array codeword reference
 * (encodeWord / decodeWord) on every error pattern of up to three bits, and the storage overhead. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeWord, encodeWord, sramEccOverhead, secDed, wordCodec } from '../../../sim/memory/ecc';
import { targetBits } from '../../../sim/faults/resolve';
import type { ArraySpec } from '../../../sim/types';

/** Codeword bits of a (data, check) pair: check bit j < r at position 2^j, bit r at position 0. */
function toCodeword(k: number, data: number, check: number): Uint8Array {
  const code = secDed(k);
  const c = new Uint8Array(code.n);
  code.dataPos.forEach((p, i) => (c[p] = (data >>> i) & 1));
  for (let j = 0; j < code.r; j++) c[2 ** j] = (check >>> j) & 1;
  c[0] = (check >>> code.r) & 1;
  return c;
}

describe('wordCodec (SEC-DED per word)', () => {
  for (const k of [8, 16, 32]) {
    it(`k = ${k}: check bits equal the codeword's; decode equals the reference on 0-3 bit errors`, () => {
      const codec = wordCodec(k);
      const n = codec.code.n;
      const mask = k === 32 ? 0xffffffff : (1 << k) - 1;
      fc.assert(
        fc.property(fc.nat({ max: mask }), fc.uniqueArray(fc.nat({ max: n - 1 }), { maxLength: 3 }), (word, flips) => {
          const data = word >>> 0;
          const check = codec.check(data);
          expect(Array.from(toCodeword(k, data, check))).toEqual(Array.from(encodeWord(codec.code, data)));
          // flip bits in the (data, check) view: 0..k-1 data, k..n-1 check
          let d = data;
          let c = check;
          for (const b of flips) {
            if (b < k) d = (d ^ (1 << b)) >>> 0;
            else c ^= 1 << (b - k);
          }
          const ref = decodeWord(codec.code, toCodeword(k, d, c));
          const got = codec.decode(d, c);
          expect(got.data).toBe(ref.word >>> 0);
          expect(got.outcome).toBe(ref.outcome === 'clean' ? 0 : ref.outcome === 'corrected' ? 1 : 2);
          if (flips.length === 1) expect([got.outcome, got.data]).toEqual([1, data]);
          if (flips.length === 2) expect(got.outcome).toBe(2);
        }),
        { numRuns: 400, seed: 3 },
      );
    });
  }
});

describe('ECC in the array spec', () => {
  const spec: ArraySpec = { rows: 16, cols: 16, dataflow: 'ws', format: { kind: 'fp32' }, sram: { weightKiB: 64, ifmapKiB: 32, ofmapKiB: 64, banks: 1 }, ecc: { weightSram: true, ifmapSram: true } };
  it('storage overhead per SRAM (7 check bits per 32-bit word), none where off', () => {
    const o = sramEccOverhead(spec);
    expect(o.weightSram).toEqual({ perWord: 7, checkBits: 7 * 16384, bytes: (7 * 16384) / 8, ratio: 7 / 32 });
    expect(o.ifmapSram.checkBits).toBe(7 * 8192);
    expect(o.ofmapSram).toEqual({ perWord: 0, checkBits: 0, bytes: 0, ratio: 0 });
  });
  it('check bits are stored bits of the protected SRAMs only', () => {
    expect(targetBits(spec, 'weightSram')).toBe(39);
    expect(targetBits(spec, 'ofmapSram')).toBe(32);
    expect(targetBits({ ...spec, format: { kind: 'int8', intBits: 3, fracBits: 4 } }, 'ifmapSram')).toBe(13);
    expect(targetBits(spec, 'pe.weight')).toBe(32);
  });
});
