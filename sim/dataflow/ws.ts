/**
 * Weight stationary (SCALE-Sim `ws`): PE(i, j) holds W[k0+i][n0+j] for the whole fold; ifmap rows
 * stream left to right along PE rows, partial sums move down PE columns.
 * Derived from scalesim/compute/systolic_compute_ws.py (demand matrices), see README.md.
 */
import type { GemmShape } from '../types';
import type { DataflowStrategy, Fold, FoldGeometry, GemmIndex, OperandMapping, SramCounts } from './types';

/** Weight-stationary strategy (stateless). */
export const weightStationary: DataflowStrategy = {
  name: 'ws',
  stationary: 'filter',
  rowStream: 'ifmap',
  colStream: 'ofmap',
  mapping: (g: GemmShape): OperandMapping => ({ Sr: g.K, Sc: g.N, T: g.M }),
  // R cycles of weight preload, then T inputs skewed over R rows and C columns.
  foldCycles: ({ R, C, T }: FoldGeometry): number => 2 * R + C + T - 2,
  utilDenominatorCycles: ({ R, C, T }: FoldGeometry): number => 2 * R + C + T - 2 + C - 1,
  gemmIndex: (f: Fold, i: number, j: number, t: number): GemmIndex => ({
    m: t,
    k: f.rowStart + i,
    n: f.colStart + j,
  }),
  // input element (t, k0+i) enters PE(i,0) at R + t + i and moves right one PE per cycle.
  macCycle: ({ R }: FoldGeometry, i: number, j: number, t: number): number => R + t + i + j,
  stationaryReadyCycle: ({ R }: FoldGeometry): number => R,
  preloadReadCycle: ({ R }: FoldGeometry, i: number): number => R - 1 - i,
  // output (t, n0+j) leaves the bottom PE row: 2R - 1 + t + j (independent of i).
  ofmapWriteCycle: ({ R }: FoldGeometry, _i: number, j: number, t: number): number => 2 * R - 1 + t + j,
  sramCounts: (map: OperandMapping, _geo: FoldGeometry, rowFolds: number, colFolds: number): SramCounts => ({
    ifmapReads: map.T * map.Sr * colFolds,
    filterReads: map.Sr * map.Sc,
    ofmapWrites: map.T * map.Sc * rowFolds,
  }),
};
