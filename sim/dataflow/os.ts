/**
 * Output stationary (SCALE-Sim `os`): PE(i, j) accumulates out[m0+i][n0+j] in its partial-sum
 * register for the whole fold; ifmap rows stream left to right along PE rows and filter columns
 * stream top to bottom along PE columns, both skewed so that operand k meets in PE(i, j) at k+i+j.
 * Derived from scalesim/compute/systolic_compute_os.py (demand matrices), see README.md.
 */
import type { GemmShape } from '../types';
import type { DataflowStrategy, Fold, FoldGeometry, GemmIndex, OperandMapping, SramCounts } from './types';

/** Output-stationary strategy (stateless). */
export const outputStationary: DataflowStrategy = {
  name: 'os',
  stationary: 'ofmap',
  rowStream: 'ifmap',
  colStream: 'filter',
  mapping: (g: GemmShape): OperandMapping => ({ Sr: g.M, Sc: g.N, T: g.K }),
  // no preload: T operands skewed over R rows and C columns.
  foldCycles: ({ R, C, T }: FoldGeometry): number => R + C + T - 2,
  utilDenominatorCycles: ({ R, C, T }: FoldGeometry): number => R + C + T - 2,
  gemmIndex: (f: Fold, i: number, j: number, t: number): GemmIndex => ({
    m: f.rowStart + i,
    k: t,
    n: f.colStart + j,
  }),
  macCycle: (_geo: FoldGeometry, i: number, j: number, t: number): number => t + i + j,
  stationaryReadyCycle: (): number => 0,
  preloadReadCycle: (): null => null,
  // SCALE-Sim drains the R x C outputs after a T-1 cycle prefix, bottom row first, skewed by column.
  ofmapWriteCycle: ({ R, T }: FoldGeometry, i: number, j: number): number => T - 1 + (R - 1 - i) + j,
  // SCALE-Sim v2 adds R + C extra ofmap "writes" per fold (it counts the padded tile's shape).
  sramCounts: (map: OperandMapping, geo: FoldGeometry, rowFolds: number, colFolds: number): SramCounts => ({
    ifmapReads: map.T * map.Sr * colFolds,
    filterReads: map.T * map.Sc * rowFolds,
    ofmapWrites: map.Sr * map.Sc + rowFolds * colFolds * (geo.R + geo.C),
  }),
};
