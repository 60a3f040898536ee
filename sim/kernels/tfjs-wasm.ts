/**
 * tfjs wasm backend: tf.matMul and tf.conv2d (explicit padding) on @tensorflow/tfjs-backend-wasm.
 * sim/ stays free of Node: the caller passes the directory (or URL) holding the .wasm files
 * (Node: sim-node/wasm-path.ts `tfjsWasmDir()`). Creating the kernel sets tfjs's global backend
 * to 'wasm' for this process (tfjs has one active backend).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fail, ok, type Result } from '../result';
import type { GemmKernel } from './types';
import { applyEpilogue, convViaIm2col } from './js';
import { pool } from '../layers/ops';

/** True when `x` holds a NaN or a -0 (XNNPACK's max-pooling may order those unlike the activation
 * unit's `v > max` comparator, so such inputs are pooled in JS). */
function hasNanOrNegZero(x: Float32Array): boolean {
  const bits = new Int32Array(x.buffer, x.byteOffset, x.length);
  for (let i = 0; i < bits.length; i++) {
    const w = bits[i];
    if ((w & 0x7fffffff) > 0x7f800000 || w === -0x80000000) return true;
  }
  return false;
}

/** Options of the tfjs-wasm backend. */
export interface TfjsWasmOptions {
  /** Directory or URL prefix (ending in '/') holding tfjs-backend-wasm*.wasm. */
  readonly wasmDir: string;
}

let wasmReady: Promise<boolean> | null = null;

/** Reads a tensor's values and disposes it. (Never return a big typed array from tf.tidy: tidy
 * walks its result looking for tensors, element by element, which costs seconds.) */
function readAndDispose(t: tf.Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

/** Initialises the tfjs wasm backend once per process; resolves to whether it is active. */
export function initTfjsWasm(opts: TfjsWasmOptions): Promise<boolean> {
  if (wasmReady === null) {
    setWasmPaths(opts.wasmDir.endsWith('/') ? opts.wasmDir : `${opts.wasmDir}/`);
    wasmReady = tf.setBackend('wasm').then(async (okay) => {
      await tf.ready();
      return okay && tf.getBackend() === 'wasm';
    }, () => false);
  }
  return wasmReady;
}

/** Creates the tfjs-wasm kernel, or a failure naming why the backend is unavailable. */
export async function createTfjsWasmKernel(opts: TfjsWasmOptions): Promise<Result<GemmKernel>> {
  const active = await initTfjsWasm(opts);
  if (!active) return fail(`tfjs-wasm: backend 'wasm' could not be initialised from wasmDir ${opts.wasmDir}`, 'wasmDir');
  const kernel: GemmKernel = {
    name: 'tfjs-wasm',
    // XNNPACK's GEMM and convolution tile over output rows, each row with the same K order
    // (measured for LeNet's and VGG-MNIST's shapes: test/sim/kernels/batchInvariance.test.ts);
    // that order, k ascending with fp32 mul then fp32 add from +0, is the PE's MAC, so results equal
    // the js kernel's bit for bit (test/sim/kernels/bitIdentical.test.ts)
    batchInvariant: true,
    matmul(a, b, M, K, N) {
      return readAndDispose(tf.tidy(() => tf.matMul(tf.tensor2d(a, [M, K]), tf.tensor2d(b, [K, N]))));
    },
    conv2d(input, n, g, weights, epilogue) {
      // one output channel (depthwise groups of imported convs): XNNPACK's convolution sums in
      // another order there (test/models/onnx/kernels.test.ts); im2col + its GEMM keeps the PE's
      if (g.outC === 1) return applyEpilogue(convViaIm2col((a, b, M, K, N) => kernel.matmul(a, b, M, K, N), input, n, g, weights), 1, epilogue);
      const out = readAndDispose(tf.tidy(() => {
        const x = tf.tensor4d(input, [n, g.inH, g.inW, g.inC]);
        const w = tf.tensor4d(weights, [g.kh, g.kw, g.inC, g.outC]);
        const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [g.padTop, g.padBottom], [g.padLeft, g.padRight], [0, 0]];
        return tf.conv2d(x, w, [g.strideH, g.strideW], pad);
      }));
      // Not fused: XNNPACK starts the sum at the bias (the PE adds it after the last MAC) and its
      // relu passes NaN on (the activation unit gives 0); the JS epilogue is one cheap pass.
      return applyEpilogue(out, g.outC, epilogue);
    },
    maxPool(input, n, s, ph, pw, strideH, strideW) {
      if (hasNanOrNegZero(input)) return pool({ kind: 'maxpool', name: 'maxPool', ph, pw, strideH, strideW, padding: { top: 0, bottom: 0, left: 0, right: 0 } }, input, n, s);
      return readAndDispose(tf.tidy(() => tf.maxPool(tf.tensor4d(input, [n, s.h, s.w, s.c]), [ph, pw], [strideH, strideW], 'valid')));
    },
    dispose: () => undefined,
  };
  return ok(kernel);
}
