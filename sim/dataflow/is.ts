/**
 * Input stationary (SCALE-Sim `is`): PE(i, j) holds the ifmap element in[m0+j][k0+i] for the whole
 * fold; filter columns stream left to right along PE rows, partial sums move down PE columns.
 * It is weight stationary with the roles of ifmap and filter swapped.
 * Derived from scalesim/compute/systolic_compute_is.py (demand matrices), see README.md.
 */
import type { GemmShape } from '../types';
import type { DataflowStrategy, Fold, FoldGeometry, GemmIndex, OperandMapping, SramCounts } from './types';

/** Input-stationary strategy (stateless). */
export const inputStationary: DataflowStrategy = {
  name: 'is',
  stationary: 'ifmap',
  rowStream: 'filter',
  colStream: 'ofmap',
  mapping: (g: GemmShape): OperandMapping => ({ Sr: g.K, Sc: g.M, T: g.N }),
  foldCycles: ({ R, C, T }: FoldGeometry): number => 2 * R + C + T - 2,
  utilDenominatorCycles: ({ R, C, T }: FoldGeometry): number => 2 * R + C + T - 2 + C - 1,
  gemmIndex: (f: Fold, i: number, j: number, t: number): GemmIndex => ({
    m: f.colStart + j,
    k: f.rowStart + i,
    n: t,
  }),
  // filter element W[k0+i][t] enters PE(i,0) at R + t + i and moves right one PE per cycle.
  macCycle: ({ R }: FoldGeometry, i: number, j: number, t: number): number => R + t + i + j,
  stationaryReadyCycle: ({ R }: FoldGeometry): number => R,
  preloadReadCycle: ({ R }: FoldGeometry, i: number): number => R - 1 - i,
  ofmapWriteCycle: ({ R }: FoldGeometry, _i: number, j: number, t: number): number => 2 * R - 1 + t + j,
  sramCounts: (map: OperandMapping, _geo: FoldGeometry, rowFolds: number, colFolds: number): SramCounts => ({
    ifmapReads: map.Sr * map.Sc,
    filterReads: map.T * map.Sr * colFolds,
    ofmapWrites: map.T * map.Sc * rowFolds,
  }),
};
