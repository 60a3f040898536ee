/**
 * Golden (fault-free) run: every layer of a network on a batch of n images, with the numeric
 * format applied as the hardware would (see golden-gemm.ts for array layers). Vector-unit layers
 * (pooling, batch norm, add, flatten, activation) compute in fp32 on the stored values and round
 * their result to their output format. A tensor read by a layer whose input format differs from
 * the producer's output format (per-layer int8 scales) is re-quantized on the way in.
 * All images of the batch go through one GEMM / conv call per layer (M = n*Ho*Wo).
 */
import type { ArraySpec, GemmShape, NumericFormat } from '../types';
import { fail, ok, type Result } from '../result';
import type { Layer, Network, PoolLayer, Shape3 } from '../layers/types';
import { inferShapes, shapeSize, type LayerShapes, type NetworkShapes } from '../layers/shapes';
import { gemmShape } from '../layers/lowering';
import { referenceLayer } from '../layers/reference';
import { reluInPlace } from '../layers/activations';
import { markNoNanNoNegZero } from '../kernels/immutable';
import type { GemmKernel } from '../kernels/types';
import { quantizeArray } from '../format/format';
import { uniformFormats, type OperandFormats } from '../format/accumulator';
import { arrayLayerForward } from './golden-gemm';
import { predictions } from './tensors';

/** Options of a golden run. */
export interface GoldenOptions {
  /** Per-layer operand formats (e.g. per-layer int8 Qm.n from models/ quantization); undefined = spec.format everywhere. */
  readonly layerFormats?: (layer: Layer, index: number) => OperandFormats | undefined;
  /** Use the kernel's conv2d fast path when it has one (default true); false = im2col + matmul. */
  readonly useConv2d?: boolean;
  /** Keep every array layer's pre-activation tensor (default false: only softmax layers keep it). */
  readonly keepPreActivation?: boolean;
  /** Clock for per-layer timings, ms (default performance.now / Date.now). */
  readonly now?: () => number;
  /** Added: take layers 0..upTo-1 from `run` instead of computing them: `run` must be a golden run
   * of a network whose first `upTo` layers are these (same objects), on the same batch, format and
   * options (e.g. a statically corrupted copy whose first changed layer is `upTo`). */
  readonly reuse?: { readonly run: GoldenRun; readonly upTo: number };
}

/** Golden tensors of one layer for the whole batch (batch-major NHWC). */
export interface GoldenLayer {
  readonly index: number;
  readonly name: string;
  readonly kind: Layer['kind'];
  /** 'array' for conv2d/dense (GEMM on the PEs), 'vector' otherwise. */
  readonly unit: 'array' | 'vector';
  /** Producer of each input: layer index, or -1 for the network input. */
  readonly inputIndices: readonly number[];
  readonly inShapes: readonly Shape3[];
  readonly outShape: Shape3;
  /** Operand formats of this layer. */
  readonly formats: OperandFormats;
  /** Inputs as this layer reads them (converted to its input format): what the ifmap SRAM holds.
   * Aliases the producer's output (or the batch) when no conversion was needed: never mutate. */
  readonly inputs: readonly Float32Array[];
  /** Stored outputs (in the output format): what the ofmap SRAM holds. */
  readonly output: Float32Array;
  /** Array layers with softmax (or keepPreActivation): outputs before the activation (bias added,
   * int8 requantized); null otherwise. */
  readonly preActivation: Float32Array | null;
  /** Array layers: GEMM shape per image. */
  readonly gemm: GemmShape | null;
  /** Array layers: weight SRAM contents as values (raw weights in the weight format), K x N. */
  readonly storedWeights: Float32Array | null;
  /** Array layers: weights the PEs multiply (transform applied, in the weight format), K x N. */
  readonly weights: Float32Array | null;
  /** int8 array layers: whether the kernel sum was provably exact (else exact JS GEMM); true otherwise. */
  readonly exactOnKernel: boolean;
  /** Wall time spent on this layer, ms. */
  readonly ms: number;
}

/** A complete golden run. */
export interface GoldenRun {
  readonly network: Network;
  /** Images in the batch. */
  readonly n: number;
  readonly shapes: NetworkShapes;
  readonly kernel: GemmKernel['name'];
  /** The batch as given (real values). */
  readonly input: Float32Array;
  readonly layers: readonly GoldenLayer[];
  /** Last layer's stored output, n x classes. */
  readonly output: Float32Array;
  /** Top-1 class per image. */
  readonly predictions: Int32Array;
  /** How array layers were called (arrayLayerForward's useConv2d / keepPreActivation): the faulty
   * engine repeats the call for a subset of images (absent: unknown, so never reused). */
  readonly layerPath?: { readonly useConv2d: boolean; readonly keepPreActivation: boolean };
}

const defaultNow = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function sameFormat(a: NumericFormat | null, b: NumericFormat): boolean {
  if (a === null || a.kind !== b.kind) return false;
  return a.kind !== 'int8' || (b.kind === 'int8' && a.fracBits === b.fracBits);
}

/** True when a pooling layer has no padding. */
function isUnpadded(layer: PoolLayer): boolean {
  const p = layer.padding;
  return p.top === 0 && p.bottom === 0 && p.left === 0 && p.right === 0;
}

/** fround(a[i] + b[i]), then relu when asked (branch-free on the bits: NaN and -0 give +0). */
function addRelu(a: Float32Array, b: Float32Array, relu: boolean): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  if (relu) reluInPlace(out);
  return relu ? markNoNanNoNegZero(out) : out;
}

/** True when a vector layer only selects or moves stored values (its output needs no rounding). */
function preservesValues(layer: Layer): boolean {
  return layer.kind === 'maxpool' || layer.kind === 'flatten' || (layer.kind === 'activation' && (layer.activation.kind === 'relu' || layer.activation.kind === 'linear'));
}

/** How one layer step computes (see goldenStep). */
export interface StepOptions {
  /** Use the kernel's conv2d fast path (default true). */
  readonly useConv2d?: boolean;
  /** Keep the pre-activation tensor of array layers (default false). */
  readonly keepPreActivation?: boolean;
  /** Clock for the layer's `ms` (default performance.now / Date.now). */
  readonly now?: () => number;
  /** Array layers: the weights are a scratch array that changes after the call (see
   * arrayLayerForward's `transient`): neither memoized nor kept resident; the returned layer's
   * storedWeights / weights are then null. */
  readonly transientWeights?: boolean;
}

/** fround(fround(x * scale[c]) + shift[c]) per channel c (as batchNormApply), then relu when
 * asked (as reluInPlace: NaN and -0 give +0), in one allocation. */
function batchNormRelu(x: Float32Array, C: number, scale: Float32Array, shift: Float32Array, relu: boolean): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += C) for (let c = 0; c < C; c++) out[i + c] = Math.fround(x[i + c] * scale[c]) + shift[c];
  if (relu) reluInPlace(out);
  return relu ? markNoNanNoNegZero(out) : out;
}

/**
 * Layer `index` of a golden run (`layer`, shapes `ls`) on `batch` (n images), its inputs read
 * from `done` (the run's layers 0..index-1, only those named by ls.inputIndices are read) in the
 * layer's `formats`. runGolden calls it for every layer; a faulty rerun of a corrupted copy
 * (pipeline/rerun.ts) calls it for the layers it recomputes: the same code, so the same bits.
 */
export function goldenStep(layer: Layer, index: number, ls: LayerShapes, done: readonly GoldenLayer[], batch: Float32Array, n: number,
  formats: OperandFormats, kernel: GemmKernel, opts: StepOptions = {}): GoldenLayer {
  const now = opts.now ?? defaultNow;
  const t0 = now();
  const inputs = ls.inputIndices.map((j) => {
    const src = j < 0 ? batch : done[j]!.output;
    if (formats.input.kind === 'fp32') return src; // every Float32Array value is an fp32 value
    return sameFormat(j < 0 ? null : done[j]!.formats.output, formats.input) ? src : quantizeArray(formats.input, src);
  });
  let output: Float32Array;
  let pre: Float32Array | null = null;
  let isArray = false;
  let stored: Float32Array | null = null;
  let eff: Float32Array | null = null;
  let exact = true;
  if (layer.kind === 'conv2d' || layer.kind === 'dense') {
    const transient = opts.transientWeights ?? false;
    const r = arrayLayerForward(layer, inputs[0]!, n, ls.inputs[0]!, formats, kernel, opts.useConv2d ?? true, opts.keepPreActivation ?? false, transient);
    ({ output, preActivation: pre, exactOnKernel: exact } = r);
    if (!transient) ({ stored, effective: eff } = r);
    isArray = true;
  } else if (layer.kind === 'maxpool' && kernel.maxPool) {
    output = isUnpadded(layer)
      ? kernel.maxPool(inputs[0]!, n, ls.inputs[0]!, layer.ph, layer.pw, layer.strideH, layer.strideW)
      : kernel.maxPool(inputs[0]!, n, ls.inputs[0]!, layer.ph, layer.pw, layer.strideH, layer.strideW, layer.padding);
    if (!sameFormat(formats.input, formats.output)) quantizeArray(formats.output, output, output);
  } else if (layer.kind === 'add' && inputs.length === 2 && (layer.activation.kind === 'relu' || layer.activation.kind === 'linear')) {
    // residual add + relu in one allocation (as referenceLayer: fround(a + b), then the activation)
    output = addRelu(inputs[0]!, inputs[1]!, layer.activation.kind === 'relu');
    if (formats.output.kind !== 'fp32') quantizeArray(formats.output, output, output);
  } else if (layer.kind === 'batchnorm' && (layer.activation.kind === 'relu' || layer.activation.kind === 'linear')) {
    // batch norm + relu in one allocation and pass (as referenceLayer: batchNormApply, then the activation)
    output = batchNormRelu(inputs[0]!, ls.inputs[0]!.c, layer.scale, layer.shift, layer.activation.kind === 'relu');
    quantizeArray(formats.output, output, output);
  } else {
    output = referenceLayer(layer, inputs, ls.inputs, ls.output, n);
    if (!preservesValues(layer) || !sameFormat(formats.input, formats.output)) quantizeArray(formats.output, output, output);
  }
  return {
    index, name: layer.name, kind: layer.kind, unit: isArray ? 'array' : 'vector',
    inputIndices: ls.inputIndices, inShapes: ls.inputs, outShape: ls.output, formats, inputs, output,
    preActivation: pre, gemm: gemmShape(layer, ls.inputs[0]!), storedWeights: stored, weights: eff, exactOnKernel: exact, ms: now() - t0,
  };
}

/**
 * Runs the golden model on `batch` (n images, NHWC, n = batch.length / input size) with the
 * numeric format of `spec` (or per-layer formats from options) on `kernel`.
 */
export function runGolden(
  network: Network, batch: Float32Array, spec: Pick<ArraySpec, 'format'>, kernel: GemmKernel, options: GoldenOptions = {},
): Result<GoldenRun> {
  const shapes = inferShapes(network);
  if (!shapes.ok) return shapes;
  const size = shapeSize(network.input);
  const n = batch.length / size;
  if (!Number.isInteger(n) || n < 1) return fail(`batch: expected a positive multiple of ${size} values (${network.input.h}x${network.input.w}x${network.input.c} per image), found ${batch.length}`, 'batch');
  const useConv2d = options.useConv2d ?? true;
  const step: StepOptions = { useConv2d, keepPreActivation: options.keepPreActivation ?? false, ...(options.now ? { now: options.now } : {}) };
  const layers: GoldenLayer[] = [];
  const reuse = options.reuse && options.reuse.run.n === n ? options.reuse : null;
  network.layers.forEach((layer, i) => {
    if (reuse && i < reuse.upTo && reuse.run.network.layers[i] === layer) {
      layers.push(reuse.run.layers[i]!);
      return;
    }
    const formats = options.layerFormats?.(layer, i) ?? uniformFormats(spec.format);
    layers.push(goldenStep(layer, i, shapes.value.layers[i]!, layers, batch, n, formats, kernel, step));
  });
  const last = layers[layers.length - 1];
  const output = last ? last.output : quantizeArray(spec.format, batch);
  const classes = last ? shapeSize(last.outShape) : size;
  return ok({ network, n, shapes: shapes.value, kernel: kernel.name, input: batch, layers, output, predictions: predictions(output, n, classes), layerPath: { useConv2d, keepPreActivation: options.keepPreActivation ?? false } });
}
