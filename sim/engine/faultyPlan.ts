/**
 * Run plan used by the timeline and the faulty engine: per layer its GEMM shape, its folds (in the
 * dataflow's order, with layer-local start cycles) and its cycle count.
 *
 * Folds, fold order and fold cycles come from sim/dataflow (SCALE-Sim v2 timing, column-fold
 * major). PROVISIONAL: shape inference and GEMM lowering are re-derived here (conv: M = Ho*Wo,
 * K = kh*kw*inC, N = outC; dense: M = 1, K = inF, N = outF) until sim/layers lands.
 * Vector-unit layers cost 0 array cycles.
 */
import type { ArraySpec, GemmShape } from '../types';
import type { Layer, Network, Shape3 } from '../layers/types';
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

const out = (n: number, k: number, s: number, p0: number, p1: number): number =>
  Math.floor((n + p0 + p1 - k) / s) + 1;

/** Output shape of a layer given its input shapes (provisional copy of sim/layers shape inference). */
export function layerOutShape(layer: Layer, ins: readonly Shape3[]): Shape3 {
  const a = ins[0];
  switch (layer.kind) {
    case 'conv2d':
      return {
        h: out(a.h, layer.kh, layer.strideH, layer.padding.top, layer.padding.bottom),
        w: out(a.w, layer.kw, layer.strideW, layer.padding.left, layer.padding.right),
        c: layer.outC,
      };
    case 'dense':
      return { h: 1, w: 1, c: layer.outF };
    case 'maxpool':
    case 'avgpool':
      return {
        h: out(a.h, layer.ph, layer.strideH, layer.padding.top, layer.padding.bottom),
        w: out(a.w, layer.pw, layer.strideW, layer.padding.left, layer.padding.right),
        c: a.c,
      };
    case 'globalavgpool':
      return { h: 1, w: 1, c: a.c };
    case 'flatten':
      return { h: 1, w: 1, c: a.h * a.w * a.c };
    default:
      return a;
  }
}

/** Resolves each layer's input layer indices (-1 = network input). */
export function layerInputs(network: Network): number[][] {
  const byName = new Map<string, number>();
  return network.layers.map((l, i) => {
    const ins = l.inputs === undefined ? [i - 1] : l.inputs.map((n) => byName.get(n) ?? -2);
    byName.set(l.name, i);
    return ins;
  });
}

/** Builds the per-inference plan of a network on an array. */
export function planRun(network: Network, spec: ArraySpec): RunPlan {
  const inputs = layerInputs(network);
  const shapes: Shape3[] = [];
  const layers: LayerRun[] = [];
  let cycle = 0;
  network.layers.forEach((layer, i) => {
    const ins = inputs[i].map((j) => (j < 0 ? network.input : shapes[j]));
    const o = layerOutShape(layer, ins);
    shapes.push(o);
    const isArray = layer.kind === 'conv2d' || layer.kind === 'dense';
    if (!isArray) {
      layers.push({ index: i, name: layer.name, unit: 'vector', inShape: ins[0], outShape: o, folds: [], start: cycle, cycles: 0 });
      return;
    }
    const gemm: GemmShape =
      layer.kind === 'conv2d'
        ? { M: o.h * o.w, K: layer.kh * layer.kw * layer.inC, N: layer.outC }
        : { M: 1, K: layer.inF, N: layer.outF };
    const df = planLayer(gemm, spec.rows, spec.cols, spec.dataflow);
    const folds = Array.from({ length: df.folds }, (_, f) => foldAt(df, f));
    const cycles = df.durationCycles;
    layers.push({ index: i, name: layer.name, unit: 'array', inShape: ins[0], outShape: o, gemm, df, folds, start: cycle, cycles });
    cycle += cycles;
  });
  return { spec, strategy: getDataflow(spec.dataflow), layers, inferenceCycles: cycle };
}
