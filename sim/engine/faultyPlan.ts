/**
 * Run plan used by the timeline and the faulty engine: per layer its GEMM shape, its folds (in the
 * dataflow's order, with layer-local start cycles) and its cycle count.
 *
 * Folds, fold order and fold cycles come from sim/dataflow (SCALE-Sim v2 timing, column-fold
 * major); shapes and GEMM lowering from sim/layers. Vector-unit layers cost 0 array cycles.
 */
import type { ArraySpec, GemmShape } from '../types';
import type { Network, Shape3 } from '../layers/types';
import { inferShapes } from '../layers/shapes';
import { gemmShape } from '../layers/lowering';
import { foldAt, getDataflow, planLayer } from '../dataflow/plan';
import type { DataflowStrategy, Fold, LayerPlan as DfPlan } from '../dataflow/types';

/** Plan of one layer inside one inference. */
export interface LayerRun {
  /** Index in `network.layers`. */
  readonly index: number;
  readonly name: string;
  /** 'array' = conv/dense lowered to GEMM on the array; 'vector' = activation/vector unit. */
  readonly unit: 'array' | 'vector';
  /** Input shape (first input for multi-input layers). */
  readonly inShape: Shape3;
  /** Producer of each input: layer index, or -1 for the network input. */
  readonly inputIndices: readonly number[];
  /** Output shape. */
  readonly outShape: Shape3;
  /** GEMM shape for array layers. */
  readonly gemm?: GemmShape;
  /** The dataflow's plan of the GEMM (array layers). */
  readonly df?: DfPlan;
  /** Folds in execution order (empty for vector layers); `startCycle` is layer-relative. */
  readonly folds: readonly Fold[];
  /** Start cycle relative to the inference start, cycles. */
  readonly start: number;
  /** Length of the layer, cycles (0 for vector layers). */
  readonly cycles: number;
}

/** Plan of one inference; inference i of a run starts at cycle i * inferenceCycles. */
export interface RunPlan {
  readonly spec: ArraySpec;
  /** The dataflow strategy (intra-fold timeline). */
  readonly strategy: DataflowStrategy;
  readonly layers: readonly LayerRun[];
  /** Length of one inference, cycles. */
  readonly inferenceCycles: number;
}

/** Builds the per-inference plan of a network on an array. Throws RangeError with the shape
 * inference reason for an invalid network (validate with inferShapes first to get a Result). */
export function planRun(network: Network, spec: ArraySpec): RunPlan {
  const shapes = inferShapes(network);
  if (!shapes.ok) throw new RangeError(shapes.reason);
  const layers: LayerRun[] = [];
  let cycle = 0;
  network.layers.forEach((layer, i) => {
    const ls = shapes.value.layers[i];
    const gemm = gemmShape(layer, ls.inputs[0]);
    const base = { index: i, name: layer.name, inShape: ls.inputs[0], inputIndices: ls.inputIndices, outShape: ls.output, start: cycle };
    if (!gemm) {
      layers.push({ ...base, unit: 'vector', folds: [], cycles: 0 });
      return;
    }
    const df = planLayer(gemm, spec.rows, spec.cols, spec.dataflow);
    const folds = Array.from({ length: df.folds }, (_, f) => foldAt(df, f));
    layers.push({ ...base, unit: 'array', gemm, df, folds, cycles: df.durationCycles });
    cycle += df.durationCycles;
  });
  return { spec, strategy: getDataflow(spec.dataflow), layers, inferenceCycles: cycle };
}
