// Reference: rebuilds, per fold, the three SRAM demand matrices the way SCALE-Sim v2 describes a
// fold (one matrix row = one cycle, one column = one array port; -1 / null = no request): a
// stationary tile is pushed in flipped (bottom row first), streamed operands get prefix/suffix idle
// rows and a skew of one cycle per port. From those matrices it derives when each element is
// requested and checks the strategies' closed-form timeline, fold length and SRAM counts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Dataflow } from '../../../sim/types';
import { foldAt, getDataflow, planLayer } from '../../../sim/dataflow';

type Cell = string | null;
type Mat = Cell[][];

const idle = (rows: number, ports: number): Mat => Array.from({ length: rows }, () => Array<Cell>(ports).fill(null));
/** Port p delayed by p cycles (SCALE-Sim skew): rows + ports - 1 rows. */
function skew(m: Mat): Mat {
  const ports = m[0]?.length ?? 0;
  const out = idle(m.length + ports - 1, ports);
  m.forEach((row, r) => row.forEach((v, p) => { out[r + p][p] = v; }));
  return out;
}
/** `rows` rows, row q filled by cell(q, port) for ports < used. */
function tile(rows: number, ports: number, used: number, cell: (q: number, p: number) => Cell): Mat {
  return Array.from({ length: rows }, (_, q) => Array.from({ length: ports }, (_, p) => (p < used ? cell(q, p) : null)));
}
/** Cycle of every requested element. */
function cycles(m: Mat): Map<string, number> {
  const out = new Map<string, number>();
  m.forEach((row, c) => row.forEach((v) => { if (v !== null) out.set(v, c); }));
  return out;
}

function demand(df: Dataflow, R: number, C: number, T: number, r: number, c: number): { ifmap: Mat; filter: Mat; ofmap: Mat } {
  const stationaryLoad = (cell: (i: number, j: number) => Cell) =>
    [...tile(R, C, c, (q, j) => (R - 1 - q < r ? cell(R - 1 - q, j) : null)), ...idle(R + C + T - 2, C)];
  const streamRows = (cell: (t: number, i: number) => Cell, pre: number) =>
    skew([...idle(pre, R), ...tile(T, R, r, cell), ...idle(C - 1, R)]);
  const drain = (cell: (t: number, j: number) => Cell) => skew([...idle(2 * R - 1, C), ...tile(T, C, c, cell)]);
  if (df === 'ws') {
    return {
      filter: stationaryLoad((i, j) => `w${i},${j}`),
      ifmap: streamRows((t, i) => `x${t},${i}`, R),
      ofmap: drain((t, j) => `o${t},${j}`),
    };
  }
  if (df === 'is') {
    return {
      ifmap: stationaryLoad((i, j) => `x${j},${i}`),
      filter: streamRows((t, i) => `w${i},${t}`, R),
      ofmap: drain((t, j) => `o${j},${t}`),
    };
  }
  return {
    ifmap: streamRows((t, i) => `x${i},${t}`, 0),
    filter: skew([...tile(T, C, c, (t, j) => `w${t},${j}`), ...idle(R - 1, C)]),
    ofmap: skew([...idle(T - 1, C), ...tile(R, C, c, (q, j) => (R - 1 - q < r ? `o${R - 1 - q},${j}` : null))]),
  };
}

function check(df: Dataflow, M: number, K: number, N: number, R: number, C: number): void {
  const plan = planLayer({ M, K, N }, R, C, df);
  const s = getDataflow(df);
  const geo = plan.geometry;
  const { T } = geo;
  const f = foldAt(plan, plan.folds - 1); // the last fold is the most partial one
  const d = demand(df, R, C, T, f.rowsUsed, f.colsUsed);
  // all three matrices span the whole fold (SCALE-Sim asserts they are in sync)
  expect([d.ifmap.length, d.filter.length, d.ofmap.length]).toEqual([plan.foldCycles, plan.foldCycles, plan.foldCycles]);
  const ci = cycles(d.ifmap);
  const cw = cycles(d.filter);
  const co = cycles(d.ofmap);
  for (let i = 0; i < f.rowsUsed; i++) {
    for (let j = 0; j < f.colsUsed; j++) {
      if (df === 'ws') {
        expect(cw.get(`w${i},${j}`)).toBe(s.preloadReadCycle(geo, i));
        for (let t = 0; t < T; t++) expect(ci.get(`x${t},${i}`)).toBe(s.macCycle(geo, i, 0, t));
      } else if (df === 'is') {
        expect(ci.get(`x${j},${i}`)).toBe(s.preloadReadCycle(geo, i));
        for (let t = 0; t < T; t++) expect(cw.get(`w${i},${t}`)).toBe(s.macCycle(geo, i, 0, t));
      } else {
        for (let t = 0; t < T; t++) {
          expect(ci.get(`x${i},${t}`)).toBe(s.macCycle(geo, i, 0, t));
          expect(cw.get(`w${t},${j}`)).toBe(s.macCycle(geo, 0, j, t));
        }
        expect(co.get(`o${i},${j}`)).toBe(s.ofmapWriteCycle(geo, i, j, 0));
      }
    }
  }
  if (df !== 'os') {
    for (let j = 0; j < f.colsUsed; j++) {
      for (let t = 0; t < T; t++) expect(co.get(df === 'ws' ? `o${t},${j}` : `o${j},${t}`)).toBe(s.ofmapWriteCycle(geo, 0, j, t));
    }
  }
}

describe('closed-form timeline equals the demand-matrix model', () => {
  it.each([
    ['ws', 36, 18, 5, 4, 8],
    ['os', 36, 18, 5, 4, 8],
    ['is', 36, 18, 5, 4, 8],
    ['ws', 7, 3, 2, 5, 3],
    ['os', 1, 1, 1, 1, 1],
    ['is', 9, 10, 3, 3, 2],
  ] as const)('%s M=%i K=%i N=%i on %ix%i', (df, M, K, N, R, C) => check(df, M, K, N, R, C));
  it('for random shapes and arrays (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Dataflow>('ws', 'os', 'is'),
        fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }),
        (df, M, K, N, R, C) => { check(df, M, K, N, R, C); },
      ),
      { numRuns: 60 },
    );
  });
});
