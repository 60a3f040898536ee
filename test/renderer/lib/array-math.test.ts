/** Renderer array helpers agree with the simulator's own fold plan and cycle location. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldUse, layerActivity, placeOf, type CycleLayerT } from '../../../renderer/src/lib/array-math';
import { wavefront } from '../../../renderer/src/lib/wave';
import { foldAt, planLayer } from '../../../sim/dataflow/plan';

function layerOf(M: number, K: number, N: number, R: number, C: number): CycleLayerT {
  const p = planLayer({ M, K, N }, R, C, 'ws');
  return { index: 0, name: 'l', unit: 'array', outShape: [1, 1, N], gemm: [M, K, N], mapping: [p.mapping.Sr, p.mapping.Sc, p.mapping.T], rowFolds: p.rowFolds, colFolds: p.colFolds, foldCycles: p.foldCycles, start: 0, cycles: p.durationCycles, macs: M * K * N, mappingEfficiency: 0, computeUtilization: 0 };
}

describe('array-math', () => {
  it('foldUse matches sim/dataflow foldAt; mean activity equals mean used PEs', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 16 }), (M, K, N, R, C) => {
      const p = planLayer({ M, K, N }, R, C, 'ws');
      const l = layerOf(M, K, N, R, C);
      let used = 0;
      for (let f = 0; f < p.folds; f++) {
        const a = foldAt(p, f);
        const b = foldUse(l, f, R, C);
        expect([b.rows, b.cols, b.rowStart, b.colStart]).toEqual([a.rowsUsed, a.colsUsed, a.rowStart, a.colStart]);
        used += a.rowsUsed * a.colsUsed;
      }
      const act = layerActivity(l, R, C);
      expect(act.reduce((s, x) => s + x, 0)).toBeCloseTo(used / p.folds, 4);
    }), { numRuns: 60 });
  });

  it('placeOf finds the layer and fold of a cycle', () => {
    const l = layerOf(10, 40, 20, 8, 8);
    const p = placeOf([l], l.cycles, l.foldCycles * 2 + 3);
    expect(p).toEqual({ inference: 0, local: l.foldCycles * 2 + 3, layer: 0, fold: 2 });
    expect(placeOf([l], l.cycles, l.cycles + 1).inference).toBe(1);
  });

  it('wavefront: PE (i,j) is busy exactly while local - i - j is in 0..T-1', () => {
    const w = wavefront(4, 4, 3, 2, 5, 4);
    expect(w[0 * 4 + 0]).toBe(0.25); // element 5 >= T
    expect(w[2 * 4 + 1]).toBe(1); // element 2
    expect(w[3 * 4 + 0]).toBe(0); // unmapped row
  });
});
