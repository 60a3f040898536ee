/** Dataflow strategies (ws / os / is), layer plans and fold timing. See README.md for the timeline. */
export type {
  DataflowStrategy,
  Fold,
  FoldGeometry,
  GemmIndex,
  LayerPlan,
  Operand,
  OperandMapping,
  SramCounts,
} from './types';
export { weightStationary } from './ws';
export { outputStationary } from './os';
export { inputStationary } from './is';
export { getDataflow, planLayer, foldAt, foldIndex, folds, foldAtCycle } from './plan';
