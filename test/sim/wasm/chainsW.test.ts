/** chainsW (sim/wasm/macPairs.wat: chainsV with one input-offset row shared by every job) gives
 * chainsV's output words bit for bit, NaN payloads included, for random words, ops and prefixes. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { macPairs } from '../../../sim/wasm/macPairs';

describe('chainsW == chainsV with every job on one row', () => {
  const wp = macPairs()!;
  it('same output words for random inputs, weights, psum ops, job counts and shared prefixes', () => {
    const word = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0x7fc00001, 0xffe02323, 0x7f800000, 0x80000000, 0x3f800000));
    let nonTrivial = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 19 }), fc.boolean(), fc.integer({ min: 0, max: 40 }),
        fc.array(fc.record({ k: fc.integer({ min: -1, max: 39 }), and: word, or: word, xor: word }), { maxLength: 4 }),
        fc.integer({ min: 1, max: 1 << 30 }),
        (K, count, same, first0, opsRaw, seed) => {
          let s = seed;
          const next = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
          const inLen = 64;
          wp.reset();
          const inAt = wp.alloc(2 * count * inLen);
          for (let i = 0; i < 2 * count * inLen; i++) wp.i32[(inAt >> 2) + i] = next();
          const rowAt = wp.alloc(K);
          for (let k = 0; k < K; k++) wp.i32[(rowAt >> 2) + k] = 4 * (next() % (inLen - 8));
          const wAt = wp.alloc(K);
          const wfAt = wp.alloc(K);
          for (let k = 0; k < K; k++) {
            wp.i32[(wAt >> 2) + k] = next() & 0xbfffffff; // mostly finite weights
            wp.i32[(wfAt >> 2) + k] = next() & 0xbfffffff;
          }
          const ops = opsRaw.map((o) => ({ ...o, k: Math.min(o.k, K - 1) })).sort((a, b) => a.k - b.k);
          const opsAt = wp.alloc(4 * ops.length + 4);
          ops.forEach((o, i) => wp.i32.set([o.k, o.and | 0, o.or | 0, o.xor | 0], (opsAt >> 2) + 4 * i));
          const jobsAt = wp.alloc(4 * count);
          for (let j = 0; j < count; j++) {
            const g = inAt + 4 * (next() % (count * inLen));
            wp.i32.set([rowAt, g, same ? g : inAt + 4 * (count * inLen + (next() % (count * inLen - 8))), 0], (jobsAt >> 2) + 4 * j);
          }
          const first = same ? Math.min(first0, K, ops.length > 0 ? Math.max(0, ops[0].k) : K) : 0;
          const outV = wp.alloc(2 * ((count + 7) & ~7));
          const outW = wp.alloc(2 * ((count + 7) & ~7));
          wp.chainsV(K, wAt, wfAt, first, 0, jobsAt, count, outV, same, opsAt, ops.length);
          wp.chainsW(K, wAt, wfAt, first, 0, jobsAt, count, outW, same, opsAt, ops.length, rowAt);
          const n = 2 * ((count + 7) & ~7);
          const v = Array.from(wp.i32.subarray(outV >> 2, (outV >> 2) + n));
          const w = Array.from(wp.i32.subarray(outW >> 2, (outW >> 2) + n));
          expect(w).toEqual(v);
          if (ops.length > 0 && v.some((x) => x !== 0)) nonTrivial++;
        },
      ),
      { numRuns: 300, seed: 17 },
    );
    expect(nonTrivial).toBeGreaterThan(100);
  });
});
