/**
 * gpu.js backend: a matmul kernel and a direct-convolution kernel, compiled once per shape and
 * cached. Mode 'gpu' where a GL/WebGPU context exists, else 'webasm' (WebAssembly + SIMD) or 'cpu'
 * (generated JS). Rows are processed in chunks of at most `maxRows` so outputs stay within GL
 * texture limits; the chunk offset is a kernel argument, so a shape compiles at most twice.
 * Each output sums its own row with the PE's MAC, fround(s + fround(a*b)), k ascending (padding taps
 * included), so webasm and cpu modes give the js kernel's bits; gpu mode is unverified (no GL here).
 */
import { GPU, type IKernelRunShortcut } from 'gpu.js';
import type { ConvGeometry } from '../layers/lowering';
import type { ConvEpilogue, GemmKernel } from './types';
import { applyEpilogue } from './js';

/** Execution mode of gpu.js. */
export type GpujsMode = 'gpu' | 'webasm' | 'cpu';

/** Options of the gpu.js backend. */
export interface GpujsOptions {
  /** Default 'webasm' (no GL context in Node). */
  readonly mode?: GpujsMode;
  /** Output rows per kernel call (default 8192 in gpu mode, unlimited in webasm/cpu where arguments are copied per call). */
  readonly maxRows?: number;
}

function matmulBody(this: any, a: number[], b: number[], row0: number): number {
  let s = 0;
  const r = this.thread.y + row0;
  for (let k = 0; k < this.constants.K; k++) {
    s = Math.fround(s + Math.fround(a[r * this.constants.K + k] * b[k * this.constants.N + this.thread.x]));
  }
  return s;
}

function convBody(this: any, x: number[], w: number[], row0: number): number {
  const m = this.thread.y + row0;
  const oc = this.thread.x;
  const P = this.constants.outH * this.constants.outW;
  const img = Math.floor(m / P);
  const p = m - img * P;
  const oy = Math.floor(p / this.constants.outW);
  const ox = p - oy * this.constants.outW;
  let s = 0;
  // every tap is a MAC, padding included (0 x w: NaN for a non-finite weight, as in the PE)
  for (let ky = 0; ky < this.constants.kh; ky++) {
    const y = oy * this.constants.strideH - this.constants.padTop + ky;
    for (let kx = 0; kx < this.constants.kw; kx++) {
      const xx = ox * this.constants.strideW - this.constants.padLeft + kx;
      const wb = (ky * this.constants.kw + kx) * this.constants.inC;
      if (y >= 0 && y < this.constants.inH && xx >= 0 && xx < this.constants.inW) {
        const xb = ((img * this.constants.inH + y) * this.constants.inW + xx) * this.constants.inC;
        for (let c = 0; c < this.constants.inC; c++) {
          s = Math.fround(s + Math.fround(x[xb + c] * w[(wb + c) * this.constants.outC + oc]));
        }
      } else {
        for (let c = 0; c < this.constants.inC; c++) {
          s = Math.fround(s + Math.fround(0 * w[(wb + c) * this.constants.outC + oc]));
        }
      }
    }
  }
  return s;
}

function copyRows(rows: ArrayLike<number>[] | Float32Array, out: Float32Array, offset: number, N: number): void {
  if (rows instanceof Float32Array) {
    out.set(rows, offset);
    return;
  }
  for (let i = 0; i < rows.length; i++) out.set(rows[i] as Float32Array, offset + i * N);
}

/** Creates the gpu.js backend (throws only if gpu.js itself cannot be constructed). */
export function createGpujsKernel(opts: GpujsOptions = {}): GemmKernel & { readonly mode: GpujsMode } {
  const mode = opts.mode ?? 'webasm';
  const maxRows = opts.maxRows ?? (mode === 'gpu' ? 8192 : Number.MAX_SAFE_INTEGER);
  const gpu = new GPU({ mode });
  const cache = new Map<string, IKernelRunShortcut>();
  function kernelFor(key: string, body: typeof matmulBody, rows: number, cols: number, constants: Record<string, number>): IKernelRunShortcut {
    const full = `${key}|${rows}`;
    let k = cache.get(full);
    if (!k) {
      k = gpu.createKernel(body).setOutput([cols, rows]).setConstants(constants).setPrecision('single').setTactic('precision');
      cache.set(full, k);
    }
    return k;
  }
  function run(key: string, body: typeof matmulBody, total: number, cols: number, constants: Record<string, number>, a: Float32Array, b: Float32Array): Float32Array {
    const out = new Float32Array(total * cols);
    for (let r0 = 0; r0 < total; r0 += maxRows) {
      const rows = Math.min(maxRows, total - r0);
      const k = kernelFor(key, body, rows, cols, constants);
      copyRows(k(a, b, r0) as unknown as Float32Array[], out, r0 * cols, cols);
    }
    return out;
  }
  return {
    name: 'gpujs',
    mode,
    // one thread per output, summing its own row (webasm/cpu); unverified on a GL context
    batchInvariant: mode !== 'gpu',
    matmul(a, b, M, K, N) {
      return run(`mm|${M}|${K}|${N}`, matmulBody, M, N, { K, N }, a, b);
    },
    conv2d(input: Float32Array, n: number, g: ConvGeometry, weights: Float32Array, epilogue?: ConvEpilogue) {
      const c = { inH: g.inH, inW: g.inW, inC: g.inC, kh: g.kh, kw: g.kw, strideH: g.strideH, strideW: g.strideW, padTop: g.padTop, padLeft: g.padLeft, outH: g.outH, outW: g.outW, outC: g.outC };
      const key = `conv|${n}|${Object.values(c).join(',')}`;
      return applyEpilogue(run(key, convBody, n * g.outH * g.outW, g.outC, c, input, weights), g.outC, epilogue);
    },
    dispose() {
      cache.clear();
      gpu.destroy();
    },
  };
}
