/** GEMM / convolution kernels behind one interface (plain JS reference, tfjs-wasm, gpu.js). */
import type { ConvGeometry } from '../layers/lowering';
import type { Padding, Shape3 } from '../layers/types';

/** Name of a kernel backend. */
export type KernelBackendName = 'js' | 'tfjs-wasm' | 'gpujs';

/** Optional fused bias + relu after a convolution (fp32). */
export interface ConvEpilogue {
  /** [outC] bias, or null. */
  readonly bias: Float32Array | null;
  /** Apply max(x, 0) after the bias. */
  readonly relu: boolean;
}

/** Words of a K x N weight matrix read as other values: word `words[i]` (row-major index) is `values[i]`. */
export interface WeightWordPatch {
  readonly words: Int32Array;
  readonly values: Float32Array;
}

/** A fast kernel used for golden runs. All backends must give the `js` reference's bits: the PE's
 * MAC, acc = fround(acc + fround(a*b)) with k ascending from +0, non-finite values included, so
 * the backend is a speed choice only (test/sim/kernels/bitIdentical.test.ts). */
export interface GemmKernel {
  readonly name: KernelBackendName;
  /** out[M][N] = sum_k a[M][K] * b[K][N]; row-major Float32Arrays. */
  matmul(a: Float32Array, b: Float32Array, M: number, K: number, N: number): Float32Array;
  /**
   * Optional convolution fast path (added; every shipped backend implements it):
   * out[n][Ho][Wo][outC] = sum over (ky,kx,c) of zero-padded input[n][y][x][c] * w[ky][kw][c][outC],
   * `input` is n x inH x inW x inC NHWC, `weights` is the K x N GEMM matrix. Without `epilogue`
   * no bias and no activation; with it, fround(sum + bias[outC]) after the last MAC, then relu
   * when asked (`v > 0 ? v : 0`: NaN and -0 give +0).
   */
  conv2d?(input: Float32Array, n: number, g: ConvGeometry, weights: Float32Array, epilogue?: ConvEpilogue): Float32Array;
  /**
   * Optional (added by HB, issue 15): conv2d of `weights` (an immutable array the kernel may keep
   * resident) with word `patch.words[i]` of the K x N matrix read as `patch.values[i]`, without
   * uploading or re-packing the whole corrupted matrix (a BER trial's one-off weights). Same bits
   * as `conv2d` of the patched copy; null when the kernel cannot do it this way (the caller then
   * runs `conv2d` on the patched copy).
   */
  conv2dPatched?(input: Float32Array, n: number, g: ConvGeometry, weights: Float32Array, patch: WeightWordPatch, epilogue?: ConvEpilogue): Float32Array | null;
  /**
   * Optional max-pooling fast path (added): n images of `inShape` NHWC, window ph x pw, strides,
   * `padding` (added; absent = none; padded positions never win, as in the vector unit); returns n x Ho x Wo x C. Max is exact, so every backend returns identical values.
   * Backends without it (gpujs) leave pooling to the JS vector unit.
   */
  maxPool?(input: Float32Array, n: number, inShape: Shape3, ph: number, pw: number, strideH: number, strideW: number, padding?: Padding): Float32Array;
  /**
   * Added: true when every output row (matmul) or image (conv2d, maxPool) depends only on its own
   * input row or image: the same bits whatever the batch it is computed in (no batch-dependent
   * blocking or reduction order). Lets the faulty engine take golden outputs as the kernel's clean
   * results instead of recomputing them (test/sim/kernels/batchInvariance.test.ts checks it).
   */
  readonly batchInvariant?: boolean;
  /** Release resources held by the backend. */
  dispose(): void;
}
