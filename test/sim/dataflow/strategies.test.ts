import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Dataflow, GemmShape } from '../../../sim/types';
import { foldAt, foldAtCycle, foldIndex, folds, getDataflow, planLayer } from '../../../sim/dataflow';

const DATAFLOWS: Dataflow[] = ['ws', 'os', 'is'];

describe('operand mapping (SCALE-Sim)', () => {
  const g: GemmShape = { M: 36, K: 18, N: 5 };
  it('ws: Sr=K, Sc=N, T=M', () => {
    expect(getDataflow('ws').mapping(g)).toEqual({ Sr: 18, Sc: 5, T: 36 });
  });
  it('os: Sr=M, Sc=N, T=K', () => {
    expect(getDataflow('os').mapping(g)).toEqual({ Sr: 36, Sc: 5, T: 18 });
  });
  it('is: Sr=K, Sc=M, T=N', () => {
    expect(getDataflow('is').mapping(g)).toEqual({ Sr: 18, Sc: 36, T: 5 });
  });
});

describe('layer plans, hand-derived', () => {
  // GEMM M=36 (6x6 output pixels), K=18 (3x3x2), N=5 on a 4 x 8 array.
  const g: GemmShape = { M: 36, K: 18, N: 5 };
  it('ws: ceil(18/4)=5 row folds x ceil(5/8)=1 col fold, fold = 2*4+8+36-2 = 50 cycles', () => {
    const p = planLayer(g, 4, 8, 'ws');
    expect([p.rowFolds, p.colFolds, p.folds, p.foldCycles, p.durationCycles]).toEqual([5, 1, 5, 50, 250]);
  });
  it('os: ceil(36/4)=9 x ceil(5/8)=1, fold = 4+8+18-2 = 28 cycles', () => {
    const p = planLayer(g, 4, 8, 'os');
    expect([p.rowFolds, p.colFolds, p.folds, p.foldCycles, p.durationCycles]).toEqual([9, 1, 9, 28, 252]);
  });
  it('is: ceil(18/4)=5 x ceil(36/8)=5, fold = 2*4+8+5-2 = 19 cycles', () => {
    const p = planLayer(g, 4, 8, 'is');
    expect([p.rowFolds, p.colFolds, p.folds, p.foldCycles, p.durationCycles]).toEqual([5, 5, 25, 19, 475]);
  });
  it('fold order is column-fold major with partial last folds', () => {
    // is: Sr=18 on R=4 -> row folds of 4,4,4,4,2 rows; Sc=36 on C=8 -> col folds of 8,8,8,8,4.
    const p = planLayer(g, 4, 8, 'is');
    const f6 = foldAt(p, 6); // colFold 1, rowFold 1
    expect(f6).toMatchObject({ rowFold: 1, colFold: 1, rowStart: 4, colStart: 8, rowsUsed: 4, colsUsed: 8, startCycle: 6 * 19 });
    const last = foldAt(p, 24);
    expect(last).toMatchObject({ rowFold: 4, colFold: 4, rowsUsed: 2, colsUsed: 4, startCycle: 24 * 19 });
    expect(foldIndex(p, 1, 1)).toBe(6);
    expect([...folds(p)].map((f) => f.index)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });
  it('foldAtCycle maps layer cycles to (fold, local cycle)', () => {
    const p = planLayer(g, 4, 8, 'ws');
    expect(foldAtCycle(p, 0)).toMatchObject({ fold: { index: 0 }, localCycle: 0 });
    expect(foldAtCycle(p, 49)).toMatchObject({ fold: { index: 0 }, localCycle: 49 });
    expect(foldAtCycle(p, 50)).toMatchObject({ fold: { index: 1 }, localCycle: 0 });
    expect(foldAtCycle(p, 249)).toMatchObject({ fold: { index: 4 }, localCycle: 49 });
    expect(foldAtCycle(p, 250)).toBeNull();
    expect(foldAtCycle(p, -1)).toBeNull();
  });
  it('rejects bad dimensions', () => {
    expect(() => planLayer({ M: 0, K: 1, N: 1 }, 4, 4, 'ws')).toThrow(/M: expected a positive integer/);
    expect(() => planLayer(g, 4, 2.5, 'ws')).toThrow(/cols/);
    expect(() => foldAt(planLayer(g, 4, 8, 'ws'), 5)).toThrow(/0\.\.4/);
  });
});

describe('intra-fold timeline, hand-derived (R=4, C=8)', () => {
  it('ws: weight for row i read at R-1-i, input t at PE(i,j) at R+t+i+j, output written at 2R-1+t+j', () => {
    const ws = getDataflow('ws');
    const geo = { R: 4, C: 8, T: 36 };
    expect([0, 1, 2, 3].map((i) => ws.preloadReadCycle(geo, i))).toEqual([3, 2, 1, 0]);
    expect(ws.stationaryReadyCycle(geo)).toBe(4);
    expect(ws.macCycle(geo, 0, 0, 0)).toBe(4); // first MAC right after the 4-cycle preload
    expect(ws.macCycle(geo, 3, 7, 35)).toBe(4 + 35 + 3 + 7); // = 49 = fold length 50 - 1
    expect(ws.ofmapWriteCycle(geo, 3, 7, 35)).toBe(49);
    expect(ws.ofmapWriteCycle(geo, 0, 2, 0)).toBe(2 * 4 - 1 + 0 + 2);
  });
  it('os: operands meet at t+i+j; SCALE-Sim drains at T-1+(R-1-i)+j', () => {
    const os = getDataflow('os');
    const geo = { R: 4, C: 8, T: 18 };
    expect(os.preloadReadCycle(geo, 0)).toBeNull();
    expect(os.macCycle(geo, 3, 7, 17)).toBe(27); // fold length 28 - 1
    expect(os.ofmapWriteCycle(geo, 0, 7, 0)).toBe(17 + 3 + 7);
  });
  it('gemmIndex: which GEMM element a PE handles', () => {
    const g: GemmShape = { M: 36, K: 18, N: 5 };
    const f = (df: Dataflow) => foldAt(planLayer(g, 4, 8, df), 1);
    expect(getDataflow('ws').gemmIndex(f('ws'), 2, 3, 7)).toEqual({ m: 7, k: 4 + 2, n: 3 });
    expect(getDataflow('os').gemmIndex(f('os'), 2, 3, 7)).toEqual({ m: 4 + 2, k: 7, n: 3 });
    expect(getDataflow('is').gemmIndex(f('is'), 2, 3, 7)).toEqual({ m: 3, k: 4 + 2, n: 7 });
  });
});

// Walks every MAC of every fold through gemmIndex/macCycle: each GEMM MAC happens exactly once,
// inside its fold, a PE does at most one MAC per cycle, and the reduction of an output runs in
// ascending k order over time (array accumulation order).
function walk(g: GemmShape, R: number, C: number, df: Dataflow) {
  const p = planLayer(g, R, C, df);
  const s = getDataflow(df);
  const seen = new Uint8Array(g.M * g.K * g.N);
  const lastK = new Map<number, { k: number; cycle: number }>();
  const busy = new Set<string>();
  let ok = true;
  for (const f of folds(p)) {
    for (let i = 0; i < f.rowsUsed; i++) {
      for (let j = 0; j < f.colsUsed; j++) {
        for (let t = 0; t < p.mapping.T; t++) {
          const { m, k, n } = s.gemmIndex(f, i, j, t);
          const local = s.macCycle(p.geometry, i, j, t);
          if (local < s.stationaryReadyCycle(p.geometry) || local >= p.foldCycles) ok = false;
          const cyc = f.startCycle + local;
          const key = `${i},${j},${cyc}`;
          if (busy.has(key)) ok = false;
          busy.add(key);
          seen[(m * g.K + k) * g.N + n]++;
          const out = m * g.N + n;
          const prev = lastK.get(out);
          if (prev !== undefined && (k <= prev.k || cyc <= prev.cycle)) ok = false;
          lastK.set(out, { k, cycle: cyc });
        }
      }
    }
  }
  return { ok, allOnce: seen.every((v) => v === 1) };
}

describe('timeline properties (fast-check)', () => {
  it('every MAC exactly once, in its fold, one per PE per cycle, k ascending per output', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom<Dataflow>(...DATAFLOWS),
        (M, K, N, R, C, df) => {
          const r = walk({ M, K, N }, R, C, df);
          return r.ok && r.allOnce;
        },
      ),
      { numRuns: 150 },
    );
  });
  it('fold cycles are strictly increasing in T, and the last MAC is the fold\'s last cycle', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 256 }),
        fc.integer({ min: 1, max: 256 }),
        fc.integer({ min: 1, max: 10000 }),
        fc.constantFrom<Dataflow>(...DATAFLOWS),
        (R, C, T, df) => {
          const s = getDataflow(df);
          const geo = { R, C, T };
          return (
            s.foldCycles({ R, C, T: T + 1 }) === s.foldCycles(geo) + 1 &&
            s.macCycle(geo, R - 1, C - 1, T - 1) === s.foldCycles(geo) - 1
          );
        },
      ),
    );
  });
});
