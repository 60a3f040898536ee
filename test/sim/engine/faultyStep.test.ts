/**
 * markRowsByWindow (the planRows path for many changed inputs) marks exactly the output rows that
 * usesOf lists for the changed inputs, on random conv geometries (strides, asymmetric padding,
 * windows larger than the stride) and random changed sets.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { convGeom, usesOf } from '../../../sim/dataflow/scheduleGeom';
import { markRowsByWindow, stepScratch } from '../../../sim/engine/faultyStep';
import type { Conv2dLayer } from '../../../sim/layers/types';

describe('markRowsByWindow', () => {
  it('marks the rows usesOf gives for every changed input', () => {
    fc.assert(fc.property(
      fc.record({
        h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }), c: fc.integer({ min: 1, max: 3 }),
        k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }),
        pt: fc.integer({ min: 0, max: 2 }), pb: fc.integer({ min: 0, max: 2 }), pl: fc.integer({ min: 0, max: 2 }), pr: fc.integer({ min: 0, max: 2 }),
        seed: fc.integer({ min: 0, max: 1000 }), share: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      ({ h, w, c, k, s, pt, pb, pl, pr, seed, share }) => {
        const outH = Math.floor((h + pt + pb - k) / s) + 1;
        const outW = Math.floor((w + pl + pr - k) / s) + 1;
        if (outH < 1 || outW < 1) return;
        const layer: Conv2dLayer = {
          kind: 'conv2d', name: 'c', kh: k, kw: k, inC: c, outC: 2, strideH: s, strideW: s, padding: { top: pt, bottom: pb, left: pl, right: pr },
          weights: new Float32Array(k * k * c * 2), bias: null, activation: { kind: 'linear' },
        };
        const g = convGeom(layer, { h, w, c }, { h: outH, w: outW, c: 2 });
        let r = seed;
        const changed: number[] = [];
        for (let e = 0; e < h * w * c; e++) {
          r = (r * 1103515245 + 12345) % 2147483648;
          if (r / 2147483648 < share) changed.push(e);
        }
        const want = new Set<number>();
        for (const e of changed) {
          const u = usesOf(g, e);
          for (let i = 0; i < u.length; i += 2) want.add(u[i]);
        }
        const sc = stepScratch(g);
        markRowsByWindow(g, Int32Array.from(changed), sc, ++sc.epoch);
        const got = new Set<number>();
        for (let m = 0; m < g.M; m++) if (sc.rowMark[m] === sc.epoch) got.add(m);
        expect([...got].sort((a, b) => a - b)).toEqual([...want].sort((a, b) => a - b));
      },
    ), { numRuns: 300 });
  });
});
