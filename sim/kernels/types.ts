/** GEMM / convolution kernels behind one interface (plain JS reference, tfjs-wasm, gpu.js). */
import type { ConvGeometry } from '../layers/lowering';

/** Name of a kernel backend. */
export type KernelBackendName = 'js' | 'tfjs-wasm' | 'gpujs';

/** A fast kernel used for golden runs. All backends must agree with the `js` reference to fp32
 * rounding tolerance (the faulty engine re-computes touched outputs bit-exactly in array order). */
export interface GemmKernel {
  readonly name: KernelBackendName;
  /** out[M][N] = sum_k a[M][K] * b[K][N]; row-major Float32Arrays. */
  matmul(a: Float32Array, b: Float32Array, M: number, K: number, N: number): Float32Array;
  /**
   * Optional convolution fast path (added; every shipped backend implements it):
   * out[n][Ho][Wo][outC] = sum over (ky,kx,c) of zero-padded input[n][y][x][c] * w[ky][kw][c][outC],
   * no bias. `input` is n x inH x inW x inC NHWC, `weights` is the K x N GEMM matrix.
   */
  conv2d?(input: Float32Array, n: number, g: ConvGeometry, weights: Float32Array): Float32Array;
  /** Release resources held by the backend. */
  dispose(): void;
}
