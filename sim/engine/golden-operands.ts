/**
 * GEMM operands of one array layer of a golden run, for the faulty engine: input rows on demand
 * (never the whole im2col matrix), effective weights, the layer's accumulator, and the epilogue
 * that turns an accumulated sum into the stored output exactly as the golden run does.
 */
import { fail, ok, type Result } from '../result';
import type { GemmShape } from '../types';
import { convGeometry, type ConvGeometry } from '../layers/lowering';
import { im2colRow } from '../layers/im2col';
import { inputsRead } from '../layers/receptive';
import { activateValue } from '../layers/activations';
import { quantize } from '../format/format';
import { makeAccumulator, type Accumulator } from '../format/accumulator';
import type { GoldenLayer, GoldenRun } from './golden';

/** Operands of an array layer (per image: M output rows, K reduction, N output channels). */
export interface LayerOperands {
  readonly golden: GoldenLayer;
  readonly gemm: GemmShape;
  /** Images in the batch. */
  readonly n: number;
  /** Conv geometry, or null for dense layers. */
  readonly geometry: ConvGeometry | null;
  /** MAC semantics of this layer's formats. */
  readonly accumulator: Accumulator;
  /** Input values read by output row `m` (0..M-1) of image `img`, length K, padding = 0. */
  inputRow(img: number, m: number, out?: Float32Array): Float32Array;
  /** Index into one image's input tensor read at each k by output row `m` (-1 = padding); dense: k. */
  inputIndex(m: number): Int32Array;
  /** Bias + accumulator-to-output conversion of channel `j`: the pre-activation value. */
  finishPre(acc: number, j: number): number;
  /** finishPre, then the activation and rounding to the output format: the stored value of
   * channel `j` of output row `m` (default 0; needed for per-element bounds). Throws for softmax. */
  finish(acc: number, j: number, m?: number): number;
}

/** Operands of array layer `index` of a golden run (failure for vector-unit layers). */
export function layerOperands(run: GoldenRun, index: number): Result<LayerOperands> {
  const golden = run.layers[index];
  if (!golden) return fail(`layer: expected an index in 0..${run.layers.length - 1}, found ${index}`, 'layer');
  const layer = run.network.layers[index];
  if ((layer.kind !== 'conv2d' && layer.kind !== 'dense') || !golden.gemm) return fail(`layer: "${golden.name}" (${golden.kind}) does not run on the array`, 'layer');
  const gemm = golden.gemm;
  const geometry = layer.kind === 'conv2d' ? convGeometry(layer, golden.inShapes[0]) : null;
  const accumulator = makeAccumulator(golden.formats);
  const x = golden.inputs[0];
  const biasOps = new Float64Array(gemm.N);
  if (layer.bias) for (let j = 0; j < gemm.N; j++) biasOps[j] = accumulator.biasOperand(layer.bias[j]);
  const finishPre = (acc: number, j: number): number => accumulator.toOutput(accumulator.add(acc, biasOps[j]));
  return ok({
    golden, gemm, n: run.n, geometry, accumulator,
    inputRow(img, m, out = new Float32Array(gemm.K)) {
      if (geometry) return im2colRow(x, geometry, img, m, out);
      out.set(x.subarray(img * gemm.K, (img + 1) * gemm.K));
      return out;
    },
    inputIndex(m) {
      if (geometry) return inputsRead(geometry, m);
      return Int32Array.from({ length: gemm.K }, (_, k) => k);
    },
    finishPre,
    finish(acc, j, m = 0) {
      return quantize(golden.formats.output, activateValue(layer.activation, finishPre(acc, j), m * gemm.N + j));
    },
  });
}

/**
 * Recomputes output channel `j` of row `m` of image `img` in array order (k = 0..K-1, one
 * accumulator, MAC semantics of the layer's format) and returns the stored value.
 */
export function recomputeOutput(ops: LayerOperands, img: number, m: number, j: number, row?: Float32Array): number {
  const a = ops.accumulator;
  const xs = ops.inputRow(img, m, row);
  const w = ops.golden.weights!;
  const N = ops.gemm.N;
  let acc = a.zero;
  for (let k = 0; k < ops.gemm.K; k++) acc = a.mac(acc, a.weightOperand(w[k * N + j]), a.inputOperand(xs[k]));
  return ops.finish(acc, j, m);
}
