import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeWord, eccOverhead, encodeWord, secDed } from '../../../models/protections/ecc';

describe('SEC-DED', () => {
  it('has the textbook sizes (39,32), (22,16), (13,8)', () => {
    expect([secDed(32).n, secDed(16).n, secDed(8).n]).toEqual([39, 22, 13]);
    expect(eccOverhead(32, 100)).toEqual({ checkBits: 700, bytes: 88, ratio: 7 / 32 });
  });
  for (const k of [8, 16, 32]) {
    const code = secDed(k);
    const word = fc.integer({ min: 0, max: 2 ** k - 1 });
    it(`k=${k}: clean words decode unchanged`, () => {
      fc.assert(fc.property(word, (w) => { expect(decodeWord(code, encodeWord(code, w))).toEqual({ word: w, outcome: 'clean' }); }));
    });
    it(`k=${k}: corrects any single flipped bit (data, check or parity)`, () => {
      fc.assert(fc.property(word, fc.integer({ min: 0, max: code.n - 1 }), (w, b) => {
        const c = encodeWord(code, w);
        c[b] ^= 1;
        expect(decodeWord(code, c)).toEqual({ word: w, outcome: 'corrected' });
      }));
    });
    it(`k=${k}: detects any two flipped bits`, () => {
      fc.assert(fc.property(word, fc.integer({ min: 0, max: code.n - 1 }), fc.integer({ min: 1, max: code.n - 1 }), (w, a, d) => {
        const b = (a + d) % code.n;
        const c = encodeWord(code, w);
        c[a] ^= 1; c[b] ^= 1;
        expect(decodeWord(code, c).outcome).toBe('detected');
      }));
    });
  }
});
