/**
 * Dataflow strategies: how a GEMM is mapped onto an R x C systolic array and when each PE sees
 * each operand. The timing reproduces SCALE-Sim v2's compute model (demand matrices of
 * scalesim/compute/systolic_compute_{ws,os,is}.py) with ideal memory. See README.md next to this
 * file for the intra-fold timeline of each dataflow.
 *
 * Conventions: `i` is a PE row index (0..R-1), `j` a PE column index (0..C-1), `t` a temporal index
 * (0..T-1). All cycles returned by timeline functions are relative to the fold's first cycle
 * (cycle 0 of the fold); add `Fold.startCycle` for a layer-relative cycle.
 */
import type { Dataflow, GemmShape } from '../types';

/** SCALE-Sim operand mapping: Sr spatial rows, Sc spatial columns, T temporal steps (all counts). */
export interface OperandMapping {
  /** Spatial extent mapped onto array rows (elements). */
  readonly Sr: number;
  /** Spatial extent mapped onto array columns (elements). */
  readonly Sc: number;
  /** Temporal extent streamed through the array per fold (cycles of streaming). */
  readonly T: number;
}

/** GEMM operand names as SCALE-Sim calls the buffers: ifmap = A[M][K], filter = W[K][N], ofmap = O[M][N]. */
export type Operand = 'ifmap' | 'filter' | 'ofmap';

/** One element coordinate of the GEMM out[m][n] += in[m][k] * w[k][n] (indices, 0-based). */
export interface GemmIndex {
  /** Output pixel (row of the im2col matrix). */
  readonly m: number;
  /** Reduction index. */
  readonly k: number;
  /** Output channel / filter. */
  readonly n: number;
}

/** Geometry of one layer on one array: the numbers every timeline formula needs. */
export interface FoldGeometry {
  /** Array rows R (PEs). */
  readonly R: number;
  /** Array columns C (PEs). */
  readonly C: number;
  /** Temporal extent T of the mapping (elements streamed per fold). */
  readonly T: number;
}

/**
 * One fold: a tile of the Sr x Sc operand space placed on the array. Folds run back to back in
 * SCALE-Sim order: column-fold major (for each column fold, every row fold), so
 * `index = colFold * rowFolds + rowFold`.
 */
export interface Fold {
  /** Fold index in execution order, 0-based. */
  readonly index: number;
  /** Row fold number, 0..rowFolds-1. */
  readonly rowFold: number;
  /** Column fold number, 0..colFolds-1. */
  readonly colFold: number;
  /** First Sr index mapped on PE row 0 (= rowFold * R). */
  readonly rowStart: number;
  /** PE rows holding real data in this fold, 1..R (the rest idle). */
  readonly rowsUsed: number;
  /** First Sc index mapped on PE column 0 (= colFold * C). */
  readonly colStart: number;
  /** PE columns holding real data in this fold, 1..C. */
  readonly colsUsed: number;
  /** First cycle of the fold, relative to the layer start (cycles). */
  readonly startCycle: number;
}

/**
 * SRAM accesses of a whole layer as SCALE-Sim v2 counts them with ideal memory (element counts,
 * one word per element). Reads are demands of the array on the ifmap/filter buffers; writes are
 * ofmap demands (partial sums of every row fold included).
 */
export interface SramCounts {
  /** Ifmap buffer reads (words). */
  readonly ifmapReads: number;
  /** Filter (weight) buffer reads (words). */
  readonly filterReads: number;
  /** Ofmap buffer writes (words). */
  readonly ofmapWrites: number;
}

/**
 * A dataflow: operand mapping, per-fold cost and the intra-fold timeline. Implementations are pure
 * and stateless; get one with `getDataflow(name)` (sim/dataflow/index.ts).
 */
export interface DataflowStrategy {
  /** SCALE-Sim name of the dataflow. */
  readonly name: Dataflow;
  /** Operand held still in the PEs for a whole fold (ws: filter, os: ofmap partial sums, is: ifmap). */
  readonly stationary: Operand;
  /** Operand streamed left-to-right along PE rows (ws: ifmap, os: ifmap, is: filter). */
  readonly rowStream: Operand;
  /** Operand that moves down PE columns (ws: ofmap psums, os: filter, is: ofmap psums). */
  readonly colStream: Operand;
  /** SCALE-Sim operand mapping of a GEMM (ws Sr=K,Sc=N,T=M; os Sr=M,Sc=N,T=K; is Sr=K,Sc=M,T=N). */
  mapping(g: GemmShape): OperandMapping;
  /** Cycles one fold takes (ws/is: 2R + C + T - 2; os: R + C + T - 2). */
  foldCycles(geo: FoldGeometry): number;
  /**
   * Cycles SCALE-Sim divides by when it computes a fold's compute utilization
   * (ws/is: foldCycles + C - 1, os: foldCycles). Kept separate to reproduce its "Compute Util %".
   */
  utilDenominatorCycles(geo: FoldGeometry): number;
  /** GEMM element handled by PE (i, j) at temporal step t of `fold`. */
  gemmIndex(fold: Fold, i: number, j: number, t: number): GemmIndex;
  /** Cycle (fold-relative) at which PE (i, j) performs the MAC of temporal step t. */
  macCycle(geo: FoldGeometry, i: number, j: number, t: number): number;
  /**
   * Cycle (fold-relative) from which the stationary operand of PE row i is in place and used
   * (ws/is: R, after the R-cycle preload; os: 0, the psum register starts accumulating at its
   * first MAC).
   */
  stationaryReadyCycle(geo: FoldGeometry): number;
  /**
   * Cycle (fold-relative) at which the stationary value destined for PE row i is read from SRAM and
   * enters PE row 0 (ws/is: R - 1 - i; it then moves down one row per cycle and reaches row i at
   * cycle R - 1). Null for os, which preloads nothing.
   */
  preloadReadCycle(geo: FoldGeometry, i: number): number | null;
  /**
   * Cycle (fold-relative) at which SCALE-Sim writes the ofmap word of PE column j, temporal step t
   * (ws/is) or PE (i, j) (os) to the ofmap SRAM.
   */
  ofmapWriteCycle(geo: FoldGeometry, i: number, j: number, t: number): number;
  /** SRAM reads/writes of a whole layer with `rowFolds` x `colFolds` folds, as SCALE-Sim counts them. */
  sramCounts(map: OperandMapping, geo: FoldGeometry, rowFolds: number, colFolds: number): SramCounts;
}

/** Everything about one layer's placement on an array: mapping, fold counts and fold length. */
export interface LayerPlan {
  /** Dataflow the plan was made for. */
  readonly dataflow: Dataflow;
  /** The GEMM being mapped (M output pixels, K reduction, N filters). */
  readonly gemm: GemmShape;
  /** Sr, Sc, T of the GEMM under this dataflow. */
  readonly mapping: OperandMapping;
  /** R, C (PEs) and T (elements per fold) for the timeline formulas. */
  readonly geometry: FoldGeometry;
  /** ceil(Sr / R). */
  readonly rowFolds: number;
  /** ceil(Sc / C). */
  readonly colFolds: number;
  /** rowFolds * colFolds. */
  readonly folds: number;
  /** Cycles per fold (every fold of a layer has the same length). */
  readonly foldCycles: number;
  /** Cycles the layer occupies the array: folds * foldCycles (cycles 0..duration-1). */
  readonly durationCycles: number;
}
