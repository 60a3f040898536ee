/**
 * One array layer (conv2d / dense) of the golden run, as the hardware computes it:
 * weights stored in the weight format, transformed on read (saturated weight transforms) and
 * rounded to the weight format again; inputs already in the input format; GEMM on the kernel;
 * bias added to the accumulator; int8 requantized to the output Qm.n; activation; the result
 * rounded to the output format (what the ofmap SRAM stores).
 * fp32/fp16: the GEMM sums in fp32 in the kernel's order (equal to array order up to fp32
 * rounding); conv layers with relu/linear activations get bias + relu fused into the kernel's
 * conv2d (the bias may then enter the sum first: again equal up to fp32 rounding). int8: the kernel multiplies integer codes; the sum is exact when
 * K * max|x code| * max|w code| <= 2^24 (fp32 integers), otherwise an exact fp64 JS GEMM runs;
 * the int32 saturation is applied to the final sum (identical to per-MAC saturation for
 * K < 131072, where no partial sum of int8 products can leave the int32 range).
 */
import type { Conv2dLayer, DenseLayer, Shape3 } from '../layers/types';
import { convGeometry, type ConvGeometry } from '../layers/lowering';
import { im2colRow } from '../layers/im2col';
import { applyActivation, reluInPlace } from '../layers/activations';
import { transformWeights } from '../layers/weights';
import { convViaIm2col } from '../kernels/js';
import type { GemmKernel } from '../kernels/types';
import { formatLabel, quantizeArray } from '../format/format';
import { markImmutable } from '../kernels/immutable';
import { makeAccumulator, type OperandFormats } from '../format/accumulator';
import { INT32_MAX, INT32_MIN } from '../format/fixed';
import { maxAbs, scaled } from './tensors';

/** Largest integer magnitude fp32 represents exactly with every smaller integer (2^24). */
export const FP32_EXACT_INT = 2 ** 24;

/** Weights of an array layer as stored and as multiplied. */
export interface LayerWeights {
  /** Weight SRAM contents as values: raw weights rounded to the weight format (K x N). */
  readonly stored: Float32Array;
  /** What the PEs multiply: quantize(weight format, transform(stored)) (K x N); `stored` when no transform. */
  readonly effective: Float32Array;
}

/** Weights of each layer object per weight format (layers and their weight arrays are never
 * mutated: a network change is a new layer object), so repeated runs neither requantize nor
 * re-upload them (kernels may keep immutable arrays resident: sim/kernels/immutable.ts). */
const weightMemo = new WeakMap<Conv2dLayer | DenseLayer, Map<string, LayerWeights & { readonly codes?: Float32Array }>>();

function memoFor(layer: Conv2dLayer | DenseLayer, formats: OperandFormats): LayerWeights & { codes?: Float32Array } {
  let byFormat = weightMemo.get(layer);
  if (!byFormat) weightMemo.set(layer, (byFormat = new Map()));
  const key = formatLabel(formats.weight);
  let lw = byFormat.get(key);
  if (!lw) {
    const { stored, effective } = freshWeights(layer, formats);
    lw = { stored: markImmutable(stored), effective: markImmutable(effective) };
    byFormat.set(key, lw);
  }
  return lw;
}

/** Stored and effective weights of a conv2d/dense layer under `formats` (shared between calls on
 * the same layer object: never mutate them). */
export function layerWeights(layer: Conv2dLayer | DenseLayer, formats: OperandFormats): LayerWeights {
  const lw = memoFor(layer, formats);
  return { stored: lw.stored, effective: lw.effective };
}

/** Stored and effective weights of `layer` computed afresh (not memoized, not marked immutable:
 * memoFor's computation, used alone for weights in a scratch array that changes after the call). */
function freshWeights(layer: Conv2dLayer | DenseLayer, formats: OperandFormats): LayerWeights {
  // fp32: the stored words are the weights themselves (every Float32Array value is an fp32 value)
  const stored = formats.weight.kind === 'fp32' ? layer.weights : quantizeArray(formats.weight, layer.weights);
  const t = layer.weightTransform ?? 'none';
  return { stored, effective: t === 'none' ? stored : quantizeArray(formats.weight, transformWeights(t, stored)) };
}

/** int8: the effective weights as integer codes (effective * 2^fracBits), memoized like layerWeights. */
function weightCodes(layer: Conv2dLayer | DenseLayer, formats: OperandFormats, fracBits: number): Float32Array {
  const lw = memoFor(layer, formats);
  return (lw.codes ??= markImmutable(scaled(lw.effective, 2 ** fracBits)));
}

/** Result of one array layer for the whole batch. */
export interface ArrayLayerResult extends LayerWeights {
  /** Pre-activation outputs (bias added, int8 requantized), n*M x N; kept only for softmax layers
   * or when asked (keepPreActivation), else null (the kernel's output buffer is reused in place). */
  readonly preActivation: Float32Array | null;
  /** Stored outputs (activation applied, rounded to the output format), n*M x N. */
  readonly output: Float32Array;
  /** int8 only: true when the kernel's fp32 sum was provably exact (else the exact JS GEMM ran). */
  readonly exactOnKernel: boolean;
}

/** Exact integer GEMM in fp64 (rows of im2col for conv, or the dense input rows). */
export function exactIntGemm(x: Float32Array, rows: number, K: number, N: number, w: Float32Array, g: ConvGeometry | null): Float64Array {
  const out = new Float64Array(rows * N);
  const row = new Float32Array(K);
  const M = g ? g.outH * g.outW : 1;
  for (let r = 0; r < rows; r++) {
    const a = g ? im2colRow(x, g, Math.floor(r / M), r % M, row) : x.subarray(r * K, (r + 1) * K);
    const base = r * N;
    for (let k = 0; k < K; k++) {
      const av = a[k];
      if (av === 0) continue;
      for (let j = 0; j < N; j++) out[base + j] += av * w[k * N + j];
    }
  }
  return out;
}

/**
 * pre[i] = requantized code(sums[i] + bias[i % N]) * 2^-nOut for integer sums with |sum + bias| < 2^30:
 * round half even of s / 2^shift by integer arithmetic (floor shift of s + 2^(shift-1) - 1 + lsb).
 * No int32 saturation is needed in this range.
 */
export function requantizeShift(sums: Float32Array, bias: Float64Array, N: number, shift: number, nOut: number, pre: Float32Array): void {
  const half = (1 << (shift - 1)) - 1;
  const sOut = 2 ** -nOut;
  for (let i = 0, j = 0; i < sums.length; i++) {
    const s = (sums[i] + bias[j]) | 0;
    const q = (s + half + ((s >> shift) & 1)) >> shift;
    pre[i] = (q > 127 ? 127 : q < -128 ? -128 : q) * sOut;
    if (++j === N) j = 0;
  }
}

/** Same as requantizeShift for any integer sums: int32 saturation, then requantizeInt32ToInt8 inlined. */
export function requantizeGeneric(sums: ArrayLike<number>, bias: Float64Array, N: number, shift: number, nOut: number, pre: Float32Array): void {
  const down = 2 ** -shift; // exact power-of-two rescale of the int32 sum
  const sOut = 2 ** -nOut;
  for (let i = 0, j = 0; i < sums.length; i++) {
    let s = sums[i] + bias[j]; // integers: exact in fp64
    s = s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : s;
    const v = s * down;
    let q = Math.round(v);
    if (q - v === 0.5 && (q & 1) !== 0) q -= 1; // ties to even
    pre[i] = ((q > 127 ? 127 : q < -128 ? -128 : q) | 0) * sOut; // | 0: no -0 codes
    if (++j === N) j = 0;
  }
}

/** pre[i] = fround(pre[i] + bias[i % N]) in place (one fp32 rounding on store). Only the loop: a
 * call after it would be reached without type feedback whenever the loop gets optimized on
 * stack, and deoptimize the function every time. */
function addBias(pre: Float32Array, bias: Float64Array, N: number): void {
  for (let i = 0, j = 0; i < pre.length; i++) {
    pre[i] += bias[j];
    if (++j === N) j = 0;
  }
}

function runGemm(kernel: GemmKernel, x: Float32Array, n: number, g: ConvGeometry | null, w: Float32Array, K: number, N: number, useConv2d: boolean): Float32Array {
  if (!g) return kernel.matmul(x, w, n, K, N);
  if (useConv2d && kernel.conv2d) return kernel.conv2d(x, n, g, w);
  return convViaIm2col((a, b, M, KK, NN) => kernel.matmul(a, b, M, KK, NN), x, n, g, w);
}

/**
 * Computes a conv2d/dense layer for `n` images whose input `x` (n x inShape) is already in the
 * input format. `useConv2d` selects the kernel's conv2d fast path over im2col + matmul.
 * The int8 epilogue inlines sat32(sum + bias) and requantizeInt32ToInt8 (same arithmetic).
 * `transient`: `layer.weights` is a scratch array the caller changes after the call (a BER trial's
 * corrupted weights, pipeline/rerun.ts): its weights are neither memoized nor marked immutable (so
 * no kernel keeps them resident), and the returned stored/effective arrays are only valid until then.
 */
export function arrayLayerForward(
  layer: Conv2dLayer | DenseLayer, x: Float32Array, n: number, inShape: Shape3,
  formats: OperandFormats, kernel: GemmKernel, useConv2d = true, keepPreActivation = false, transient = false,
): ArrayLayerResult {
  const g = layer.kind === 'conv2d' ? convGeometry(layer, inShape) : null;
  const K = layer.kind === 'conv2d' ? layer.kh * layer.kw * layer.inC : layer.inF;
  const N = layer.kind === 'conv2d' ? layer.outC : layer.outF;
  const rows = g ? n * g.outH * g.outW : n;
  const weights = transient ? freshWeights(layer, formats) : layerWeights(layer, formats);
  const acc = makeAccumulator(formats);
  const bias = new Float64Array(N);
  if (layer.bias) for (let j = 0; j < N; j++) bias[j] = acc.biasOperand(layer.bias[j]);
  let exactOnKernel = true;
  let pre: Float32Array;
  let fusedRelu = false;
  if (formats.weight.kind === 'int8' && formats.input.kind === 'int8' && formats.output.kind === 'int8') {
    const nW = formats.weight.fracBits;
    const nX = formats.input.fracBits;
    const nOut = formats.output.fracBits;
    const xc = scaled(x, 2 ** nX);
    const wc = transient ? scaled(weights.effective, 2 ** nW) : weightCodes(layer, formats, nW);
    const bound = K * maxAbs(xc) * maxAbs(wc);
    exactOnKernel = bound <= FP32_EXACT_INT;
    const act = layer.activation.kind;
    // Fused path: integer bias and relu inside the kernel's conv stay exact while every partial
    // sum is an integer below 2^24; relu commutes with requantization (monotone, 0 -> 0).
    const fuse = g !== null && useConv2d && !!kernel.conv2d && (act === 'relu' || act === 'linear') && !keepPreActivation && bound + maxAbs(bias) <= FP32_EXACT_INT;
    let sums: ArrayLike<number>;
    if (fuse) {
      sums = kernel.conv2d!(xc, n, g, wc, { bias: layer.bias ? Float32Array.from(bias) : null, relu: act === 'relu' });
      bias.fill(0);
      fusedRelu = true;
    } else sums = exactOnKernel ? runGemm(kernel, xc, n, g, wc, K, N, useConv2d) : exactIntGemm(xc, rows, K, N, wc, g);
    pre = sums instanceof Float32Array ? sums : new Float32Array(sums.length);
    const shift = nW + nX - nOut;
    if (sums instanceof Float32Array && shift >= 1 && bound + maxAbs(bias) < 2 ** 30) requantizeShift(sums, bias, N, shift, nOut, pre);
    else requantizeGeneric(sums, bias, N, shift, nOut, pre);
  } else {
    const act = layer.activation.kind;
    if (g && useConv2d && kernel.conv2d && (act === 'relu' || act === 'linear') && !keepPreActivation) {
      // bias + relu fused into the backend's convolution (tfjs: one wasm call, no JS pass)
      const b = layer.bias ? Float32Array.from(bias) : null;
      pre = kernel.conv2d(x, n, g, weights.effective, { bias: b, relu: act === 'relu' });
      fusedRelu = true;
    } else if (((pre = runGemm(kernel, x, n, g, weights.effective, K, N, useConv2d)), act === 'relu') && !keepPreActivation) {
      // relu after the bias (branch-free on the bits): fround(acc + bias) > 0 exactly when acc + bias > 0
      addBias(pre, bias, N);
      reluInPlace(pre);
      fusedRelu = true;
    } else addBias(pre, bias, N);
  }
  const keepPre = keepPreActivation || layer.activation.kind === 'softmax';
  const output = fusedRelu ? pre : applyActivation(layer.activation, pre, N, keepPre ? new Float32Array(pre.length) : pre);
  // relu/linear map stored int8 codes (after requantization) and fp32 sums to themselves; fp16 still needs rounding
  if (formats.output.kind === 'fp16' || (layer.activation.kind !== 'relu' && layer.activation.kind !== 'linear')) quantizeArray(formats.output, output, output);
  return { ...weights, preActivation: keepPre ? pre : null, output, exactOnKernel };
}
