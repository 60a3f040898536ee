import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { convGeometry, im2col, im2colRow, inputsRead, outputsReading, referenceLayer, inferShapes } from '../../../sim/layers';
import type { Network } from '../../../sim/layers/types';
import { conv, randArray, rng } from './fixtures';

const geom = fc.record({
  h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }), c: fc.integer({ min: 1, max: 4 }),
  kh: fc.integer({ min: 1, max: 4 }), kw: fc.integer({ min: 1, max: 4 }), oc: fc.integer({ min: 1, max: 5 }),
  stride: fc.integer({ min: 1, max: 3 }), pt: fc.integer({ min: 0, max: 2 }), pb: fc.integer({ min: 0, max: 2 }),
  pl: fc.integer({ min: 0, max: 2 }), pr: fc.integer({ min: 0, max: 2 }), n: fc.integer({ min: 1, max: 3 }), seed: fc.nat(),
}).filter((g) => g.h + g.pt + g.pb >= g.kh && g.w + g.pl + g.pr >= g.kw);

function setup(g: Record<string, number>) {
  const r = rng(g.seed);
  const layer = conv(r, 'c', g.kh, g.kw, g.c, g.oc, g.stride, { top: g.pt, bottom: g.pb, left: g.pl, right: g.pr }, { kind: 'linear' });
  const inShape = { h: g.h, w: g.w, c: g.c };
  const x = randArray(r, g.n * g.h * g.w * g.c);
  return { layer, inShape, x, geo: convGeometry(layer, inShape) };
}

describe('im2col lowering', () => {
  it('im2col x W + bias equals the direct convolution', () => {
    fc.assert(
      fc.property(geom, (g) => {
        const { layer, inShape, x, geo } = setup(g);
        const net: Network = { name: 'n', input: inShape, layers: [layer] };
        const s = inferShapes(net);
        if (!s.ok) throw new Error(s.reason);
        const ref = referenceLayer(layer, [x], [inShape], s.value.layers[0].output, g.n);
        const K = g.kh * g.kw * g.c;
        const rows = im2col(x, g.n, geo);
        expect(rows.length).toBe(g.n * geo.outH * geo.outW * K);
        for (let m = 0; m < g.n * geo.outH * geo.outW; m++) {
          for (let o = 0; o < g.oc; o++) {
            let sum = layer.bias![o];
            for (let k = 0; k < K; k++) sum += rows[m * K + k] * layer.weights[k * g.oc + o];
            expect(Math.abs(Math.fround(sum) - ref[m * g.oc + o])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(sum)));
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('rows on demand equal the materialised matrix', () => {
    fc.assert(
      fc.property(geom, (g) => {
        const { x, geo } = setup(g);
        const K = geo.kh * geo.kw * geo.inC;
        const all = im2col(x, g.n, geo);
        const M = geo.outH * geo.outW;
        const total = g.n * M;
        const start = Math.floor(total / 3);
        expect(im2col(x, g.n, geo, start, total - start)).toEqual(all.subarray(start * K));
        const img = g.n - 1;
        expect(im2colRow(x, geo, img, M - 1)).toEqual(all.subarray((img * M + M - 1) * K, (img * M + M) * K));
      }),
      { numRuns: 60 },
    );
  });

  it('receptive fields: outputsReading and inputsRead are inverse relations', () => {
    fc.assert(
      fc.property(geom, (g) => {
        const { geo } = setup(g);
        const M = geo.outH * geo.outW;
        const fromOutputs = new Set<string>();
        for (let m = 0; m < M; m++) {
          inputsRead(geo, m).forEach((e, k) => {
            if (e >= 0) fromOutputs.add(`${e}:${m}:${k}`);
          });
        }
        const fromInputs = new Set<string>();
        for (let y = 0; y < geo.inH; y++) {
          for (let x = 0; x < geo.inW; x++) {
            for (let c = 0; c < geo.inC; c++) {
              for (const u of outputsReading(geo, y, x, c)) fromInputs.add(`${(y * geo.inW + x) * geo.inC + c}:${u.m}:${u.k}`);
            }
          }
        }
        expect([...fromInputs].sort()).toEqual([...fromOutputs].sort());
      }),
      { numRuns: 60 },
    );
  });
});
