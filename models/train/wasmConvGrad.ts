/**
 * Conv2DBackpropFilter for the tfjs wasm backend, which ships without it (so conv nets cannot
 * train on wasm out of the box). The kernel builds transposed im2col columns in JS and lets the wasm BatchMatMul
 * kernel form im2col^T . dy; `conv2dFilterGrad` is the direct JS reference (channels-last, dilation 1): dW[ky][kx][ci][co] = sum_{n,oy,ox} x[n, oy*sh+ky-pt, ox*sw+kx-pl, ci] * dy[n,oy,ox,co].
 * Registered only when `registerWasmConvGrad` is called.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmLike {
  readSync(dataId: unknown): Float32Array;
  makeOutput(shape: number[], dtype: 'float32', memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
  disposeData(dataId: unknown, force?: boolean): boolean;
}

/** Transposed im2col of NHWC x: [kh*kw*ci][n*oh*ow] (column m = output pixel), zero where the window hits padding. */
export function im2colT(
  x: Float32Array, xs: readonly number[], oh: number, ow: number,
  kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number,
): Float32Array {
  const [n, h, w, ci] = xs as [number, number, number, number];
  const M = n * oh * ow;
  const cols = new Float32Array(kh * kw * ci * M);
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      for (let c = 0; c < ci; c++) {
        let m = ((ky * kw + kx) * ci + c) * M;
        for (let b = 0; b < n; b++) {
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * sh + ky - padTop;
            if (iy < 0 || iy >= h) {
              m += ow;
              continue;
            }
            const rowBase = (b * h + iy) * w;
            for (let ox = 0; ox < ow; ox++, m++) {
              const ix = ox * sw + kx - padLeft;
              if (ix >= 0 && ix < w) cols[m] = x[(rowBase + ix) * ci + c]!;
            }
          }
        }
      }
    }
  }
  return cols;
}

/** Pure JS filter gradient for NHWC x [n,h,w,ci], dy [n,oh,ow,co]; returns [kh*kw*ci*co]. */
export function conv2dFilterGrad(
  x: Float32Array, xs: readonly number[], dy: Float32Array, dys: readonly number[],
  kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number,
): Float32Array {
  const [n, h, w, ci] = xs as [number, number, number, number];
  const [, oh, ow, co] = dys as [number, number, number, number];
  const dW = new Float32Array(kh * kw * ci * co);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const dyOff = ((b * oh + oy) * ow + ox) * co;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh + ky - padTop;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw + kx - padLeft;
            if (ix < 0 || ix >= w) continue;
            const xOff = ((b * h + iy) * w + ix) * ci;
            const wBase = (ky * kw + kx) * ci;
            for (let c = 0; c < ci; c++) {
              const xv = x[xOff + c]!;
              if (xv === 0) continue;
              const row = (wBase + c) * co;
              for (let o = 0; o < co; o++) dW[row + o] += xv * dy[dyOff + o]!;
            }
          }
        }
      }
    }
  }
  return dW;
}

/** Scatter-adds G [n*oh*ow][kh*kw*ci] (dy . W^T) back onto NHWC dx [n,h,w,ci] (col2im). */
export function col2im(
  g: Float32Array, xs: readonly number[], oh: number, ow: number,
  kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number,
): Float32Array {
  const [n, h, w, ci] = xs as [number, number, number, number];
  const K = kh * kw * ci;
  const dx = new Float32Array(n * h * w * ci);
  let row = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, row += K) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh + ky - padTop;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw + kx - padLeft;
            if (ix < 0 || ix >= w) continue;
            const dst = ((b * h + iy) * w + ix) * ci;
            const src = row + (ky * kw + kx) * ci;
            for (let c = 0; c < ci; c++) dx[dst + c] += g[src + c]!;
          }
        }
      }
    }
  }
  return dx;
}

type ConvAttrs = { strides: number | [number, number]; pad: 'same' | 'valid' | number; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil' };

function matMul(backend: unknown, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  return tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc({ inputs: { a, b }, backend: backend as never, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo;
}

let registered = false;

/** Registers our Conv2DBackpropFilter (missing in wasm) and a faster Conv2DBackpropInput for the 'wasm' backend (idempotent). */
export function registerWasmConvGrad(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const be = backend as unknown as WasmLike;
      const { x, dy } = inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as { strides: number | [number, number]; pad: 'same' | 'valid' | number; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number] };
      if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm, JS): only NHWC is supported');
      const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
      // dW = im2colT(x) [K x M] . dy [M x co], the product computed by the wasm BatchMatMul kernel
      // (built already transposed: wasm's transposeA path is ~10x slower).
      const M = info.batchSize * info.outHeight * info.outWidth;
      const K = info.filterHeight * info.filterWidth * info.inChannels;
      const cols = im2colT(be.readSync(x.dataId), x.shape, info.outHeight, info.outWidth, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left);
      const colsT = be.makeOutput([1, K, M], 'float32', undefined, cols);
      const dyT = { dataId: dy.dataId, shape: [1, M, info.outChannels], dtype: 'float32' as const };
      const mm = matMul(backend, colsT, dyT);
      const dW = be.readSync(mm.dataId).slice();
      be.disposeData(colsT.dataId);
      be.disposeData(mm.dataId);
      return be.makeOutput(a.filterShape, 'float32', undefined, dW);
    },
  });
  // The wasm backend's own Conv2DBackpropInput is a direct loop; replace it by dy . W^T (wasm matmul) + col2im.
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const be = backend as unknown as WasmLike;
      const { dy, filter } = inputs as unknown as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const a = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
      if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropInput (wasm, JS): only NHWC is supported');
      const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
      const K = info.filterHeight * info.filterWidth * info.inChannels;
      const co = info.outChannels;
      const M = info.batchSize * info.outHeight * info.outWidth;
      const wv = be.readSync(filter.dataId);
      const wt = new Float32Array(co * K);
      for (let k = 0; k < K; k++) for (let o = 0; o < co; o++) wt[o * K + k] = wv[k * co + o]!;
      const wtT = be.makeOutput([1, co, K], 'float32', undefined, wt);
      const g = matMul(backend, { dataId: dy.dataId, shape: [1, M, co], dtype: 'float32' }, wtT);
      const dx = col2im(be.readSync(g.dataId), a.inputShape, info.outHeight, info.outWidth, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left);
      be.disposeData(wtT.dataId);
      be.disposeData(g.dataId);
      return be.makeOutput(a.inputShape, 'float32', undefined, dx);
    },
  });
}
