/**
 * Conv2DBackpropFilter for the tfjs wasm backend, which ships without it (so conv nets cannot
 * train on wasm out of the box). Computed in plain JS from the input and output gradient
 * (channels-last only, dilation 1): dW[ky][kx][ci][co] = sum_{n,oy,ox} x[n, oy*sh+ky-pt, ox*sw+kx-pl, ci] * dy[n,oy,ox,co].
 * Registered only when `registerWasmConvGrad` is called.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmLike {
  readSync(dataId: unknown): Float32Array;
  makeOutput(shape: number[], dtype: 'float32', memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
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

let registered = false;

/** Registers the JS Conv2DBackpropFilter kernel for the 'wasm' backend (idempotent). */
export function registerWasmConvGrad(): void {
  if (registered || tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
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
      const dW = conv2dFilterGrad(be.readSync(x.dataId), x.shape, be.readSync(dy.dataId), dy.shape, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left);
      return be.makeOutput(a.filterShape, 'float32', undefined, dW);
    },
  });
}
