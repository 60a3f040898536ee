/**
 * Run plan used by the timeline and the faulty engine: per layer its GEMM shape, its folds (in the
 * dataflow's order, with layer-local start cycles) and its cycle count.
 *
 * PROVISIONAL PARTS (to be replaced by the shared modules when they land): shape inference and
 * GEMM lowering (sim/layers) and fold order / fold cycles (sim/dataflow) are re-derived here with
 * the formulas of DESIGN.md section 2: Sr/Sc/T per dataflow, folds = ceil(Sr/R) * ceil(Sc/C),
 * each fold costs 2R + C + T - 2 cycles, folds run row-fold-major (for each row fold, every
 * column fold). Vector-unit layers cost 0 array cycles.
 */
import type { ArraySpec, GemmShape } from '../types';
import type { Layer, Network, Shape3 } from '../layers/types';

/** One fold of an array layer: a block of the Sr x Sc operand mapping on the R x C array. */
export interface FoldInfo {
  /** Fold index in execution order, 0-based. */
  readonly index: number;
  /** Row-fold index (block of Sr). */
  readonly rowFold: number;
  /** Column-fold index (block of Sc). */
  readonly colFold: number;
  /** First Sr index mapped on PE row 0. */
  readonly r0: number;
  /** First Sc index mapped on PE column 0. */
  readonly c0: number;
  /** Rows of the array used by this fold (<= R). */
  readonly rowsUsed: number;
  /** Columns of the array used by this fold (<= C). */
  readonly colsUsed: number;
  /** Start cycle relative to the layer start, cycles. */
  readonly start: number;
  /** Length of the fold, cycles. */
  readonly cycles: number;
}

/** Plan of one layer inside one inference. */
export interface LayerPlan {
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
  /** Sr, Sc, T of the dataflow mapping (array layers). */
  readonly sr: number;
  readonly sc: number;
  readonly t: number;
  /** Folds in execution order (empty for vector layers). */
  readonly folds: readonly FoldInfo[];
  /** Start cycle relative to the inference start, cycles. */
  readonly start: number;
  /** Length of the layer, cycles (0 for vector layers). */
  readonly cycles: number;
}

/** Plan of one inference; inference i of a run starts at cycle i * inferenceCycles. */
export interface RunPlan {
  readonly spec: ArraySpec;
  readonly layers: readonly LayerPlan[];
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

/** Sr, Sc, T of a GEMM under a dataflow (SCALE-Sim operand mapping). */
export function mapping(spec: ArraySpec, g: GemmShape): { sr: number; sc: number; t: number } {
  if (spec.dataflow === 'ws') return { sr: g.K, sc: g.N, t: g.M };
  if (spec.dataflow === 'os') return { sr: g.M, sc: g.N, t: g.K };
  return { sr: g.K, sc: g.M, t: g.N };
}

/** Folds of one array layer in execution order with layer-local start cycles. */
export function planFolds(spec: ArraySpec, sr: number, sc: number, t: number): FoldInfo[] {
  const R = spec.rows;
  const C = spec.cols;
  const rf = Math.ceil(sr / R);
  const cf = Math.ceil(sc / C);
  const cycles = 2 * R + C + t - 2;
  const folds: FoldInfo[] = [];
  for (let a = 0; a < rf; a++) {
    for (let b = 0; b < cf; b++) {
      folds.push({
        index: folds.length,
        rowFold: a,
        colFold: b,
        r0: a * R,
        c0: b * C,
        rowsUsed: Math.min(R, sr - a * R),
        colsUsed: Math.min(C, sc - b * C),
        start: folds.length * cycles,
        cycles,
      });
    }
  }
  return folds;
}

/** Builds the per-inference plan of a network on an array. */
export function planRun(network: Network, spec: ArraySpec): RunPlan {
  const inputs = layerInputs(network);
  const shapes: Shape3[] = [];
  const layers: LayerPlan[] = [];
  let cycle = 0;
  network.layers.forEach((layer, i) => {
    const ins = inputs[i].map((j) => (j < 0 ? network.input : shapes[j]));
    const o = layerOutShape(layer, ins);
    shapes.push(o);
    const isArray = layer.kind === 'conv2d' || layer.kind === 'dense';
    if (!isArray) {
      layers.push({ index: i, name: layer.name, unit: 'vector', inShape: ins[0], outShape: o, sr: 0, sc: 0, t: 0, folds: [], start: cycle, cycles: 0 });
      return;
    }
    const gemm: GemmShape =
      layer.kind === 'conv2d'
        ? { M: o.h * o.w, K: layer.kh * layer.kw * layer.inC, N: layer.outC }
        : { M: 1, K: layer.inF, N: layer.outF };
    const { sr, sc, t } = mapping(spec, gemm);
    const folds = planFolds(spec, sr, sc, t);
    const cycles = folds.reduce((s, f) => s + f.cycles, 0);
    layers.push({ index: i, name: layer.name, unit: 'array', inShape: ins[0], outShape: o, gemm, sr, sc, t, folds, start: cycle, cycles });
    cycle += cycles;
  });
  return { spec, layers, inferenceCycles: cycle };
}
