/**
 * Layer plans: fold counts, fold order and fold start cycles of one GEMM on one array, for any
 * dataflow strategy. Folds run back to back, column-fold major (SCALE-Sim order).
 */
import type { Dataflow, GemmShape } from '../types';
import type { DataflowStrategy, Fold, LayerPlan } from './types';
import { inputStationary } from './is';
import { outputStationary } from './os';
import { weightStationary } from './ws';

const STRATEGIES: Readonly<Record<Dataflow, DataflowStrategy>> = {
  ws: weightStationary,
  os: outputStationary,
  is: inputStationary,
};

/** The strategy object of a dataflow. */
export function getDataflow(name: Dataflow): DataflowStrategy {
  return STRATEGIES[name];
}

function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${what}: expected a positive integer, found ${value}`);
  }
}

/**
 * Plans a GEMM on an R x C array (rows, cols in PEs). Throws RangeError on non-positive or
 * non-integer dimensions (validate user input with the parsers first).
 */
export function planLayer(gemm: GemmShape, rows: number, cols: number, dataflow: Dataflow): LayerPlan {
  assertCount(gemm.M, 'M');
  assertCount(gemm.K, 'K');
  assertCount(gemm.N, 'N');
  assertCount(rows, 'rows');
  assertCount(cols, 'cols');
  const strategy = STRATEGIES[dataflow];
  const mapping = strategy.mapping(gemm);
  const geometry = { R: rows, C: cols, T: mapping.T };
  const rowFolds = Math.ceil(mapping.Sr / rows);
  const colFolds = Math.ceil(mapping.Sc / cols);
  const folds = rowFolds * colFolds;
  const foldCycles = strategy.foldCycles(geometry);
  return {
    dataflow,
    gemm,
    mapping,
    geometry,
    rowFolds,
    colFolds,
    folds,
    foldCycles,
    durationCycles: folds * foldCycles,
  };
}

/** The fold with execution index `index` (0..folds-1); throws RangeError outside. */
export function foldAt(plan: LayerPlan, index: number): Fold {
  if (!Number.isInteger(index) || index < 0 || index >= plan.folds) {
    throw new RangeError(`fold index: expected an integer in 0..${plan.folds - 1}, found ${index}`);
  }
  const { R, C } = plan.geometry;
  const colFold = Math.floor(index / plan.rowFolds);
  const rowFold = index - colFold * plan.rowFolds;
  const rowStart = rowFold * R;
  const colStart = colFold * C;
  return {
    index,
    rowFold,
    colFold,
    rowStart,
    rowsUsed: Math.min(R, plan.mapping.Sr - rowStart),
    colStart,
    colsUsed: Math.min(C, plan.mapping.Sc - colStart),
    startCycle: index * plan.foldCycles,
  };
}

/** Index of the fold with row fold `rowFold` and column fold `colFold` (column-fold major). */
export function foldIndex(plan: LayerPlan, rowFold: number, colFold: number): number {
  return colFold * plan.rowFolds + rowFold;
}

/** Every fold of the plan in execution order (allocates `plan.folds` objects). */
export function* folds(plan: LayerPlan): Generator<Fold> {
  for (let f = 0; f < plan.folds; f++) yield foldAt(plan, f);
}

/**
 * The fold running at layer-relative `cycle` (0..durationCycles-1) and the fold-relative cycle,
 * or null when the cycle is outside the layer.
 */
export function foldAtCycle(plan: LayerPlan, cycle: number): { fold: Fold; localCycle: number } | null {
  if (!Number.isInteger(cycle) || cycle < 0 || cycle >= plan.durationCycles) return null;
  const index = Math.floor(cycle / plan.foldCycles);
  return { fold: foldAt(plan, index), localCycle: cycle - index * plan.foldCycles };
}
