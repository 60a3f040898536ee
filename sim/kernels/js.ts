/**
 * Plain JS reference kernel: i-k-j triple loop accumulating into an fp32 output row with the
 * hardware MAC of sim/format/accumulator.ts: acc = fround(acc + fround(a*b)), k ascending from +0.
 * tfjs-wasm (XNNPACK) and gpu.js sum in the same order with the same roundings, so every backend
 * gives the same bits (test/sim/kernels/bitIdentical.test.ts). A zero input is skipped only when
 * its weight row is finite (0 x Inf and 0 x NaN are NaN, as in the PE).
 * conv2d = im2col (row chunks) + the same matmul; its epilogue adds the bias after the sum.
 */
import type { ConvGeometry } from '../layers/lowering';
import { im2col } from '../layers/im2col';
import { pool } from '../layers/ops';
import type { ConvEpilogue, GemmKernel } from './types';

/** Per row k of b (K x N): 1 when every value of the row is finite (a zero input may be skipped). */
export function finiteRows(b: Float32Array, K: number, N: number): Uint8Array {
  const ok = new Uint8Array(K).fill(1);
  const bits = new Int32Array(b.buffer, b.byteOffset, b.length);
  for (let k = 0; k < K; k++) {
    for (let j = k * N, e = j + N; j < e; j++) {
      if ((bits[j] & 0x7f800000) === 0x7f800000) { ok[k] = 0; break; }
    }
  }
  return ok;
}

/** Row-major out[M][N] = a[M][K] x b[K][N], acc = fround(acc + fround(a*b)) in k order (the PE's MAC). */
export function jsMatmul(a: Float32Array, b: Float32Array, M: number, K: number, N: number): Float32Array {
  const out = new Float32Array(M * N);
  const fround = Math.fround;
  const skippable = finiteRows(b, K, N);
  for (let i = 0; i < M; i++) {
    const row = out.subarray(i * N, (i + 1) * N);
    const aBase = i * K;
    for (let k = 0; k < K; k++) {
      const av = a[aBase + k];
      // +-0 products leave an fp32 sum that started at +0 unchanged
      if (av === 0 && skippable[k] === 1) continue;
      const bBase = k * N;
      for (let j = 0; j < N; j++) row[j] += fround(av * b[bBase + j]);
    }
  }
  return out;
}

/** Largest im2col chunk materialised at once, in floats (16 Mi floats = 64 MiB). */
export const IM2COL_CHUNK_FLOATS = 16 * 1024 * 1024;

/** Convolution via im2col row chunks and a matmul function; out is n*Ho*Wo x outC. */
export function convViaIm2col(
  matmul: (a: Float32Array, b: Float32Array, M: number, K: number, N: number) => Float32Array,
  input: Float32Array, n: number, g: ConvGeometry, weights: Float32Array,
): Float32Array {
  const K = g.kh * g.kw * g.inC;
  const rows = n * g.outH * g.outW;
  const out = new Float32Array(rows * g.outC);
  const chunk = Math.max(1, Math.floor(IM2COL_CHUNK_FLOATS / K));
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const cnt = Math.min(chunk, rows - r0);
    out.set(matmul(im2col(input, n, g, r0, cnt), weights, cnt, K, g.outC), r0 * g.outC);
  }
  return out;
}

/** Applies a conv epilogue in place to n*Ho*Wo x outC data: fround(sum + bias), then relu as
 * `v > 0 ? v : 0` (NaN and -0 give +0, as the activation unit); returns `out`. */
export function applyEpilogue(out: Float32Array, outC: number, epilogue?: ConvEpilogue): Float32Array {
  if (!epilogue || (!epilogue.bias && !epilogue.relu)) return out;
  const b = epilogue.bias;
  for (let i = 0, j = 0; i < out.length; i++) {
    const v = b ? out[i] + b[j] : out[i];
    out[i] = epilogue.relu && !(v > 0) ? 0 : v;
    if (++j === outC) j = 0;
  }
  return out;
}

const NO_PADDING = { top: 0, bottom: 0, left: 0, right: 0 } as const;

/** The plain JS reference backend. */
export function createJsKernel(): GemmKernel {
  return {
    name: 'js',
    batchInvariant: true, // row i of jsMatmul reads only row i of a
    matmul: jsMatmul,
    conv2d: (input, n, g, weights, epilogue) => applyEpilogue(convViaIm2col(jsMatmul, input, n, g, weights), g.outC, epilogue),
    maxPool: (input, n, s, ph, pw, strideH, strideW, padding = NO_PADDING) => pool({ kind: 'maxpool', name: 'maxPool', ph, pw, strideH, strideW, padding }, input, n, s),
    dispose: () => undefined,
  };
}
