/**
 * Backend selection: build every available backend, check it against the js reference on a small
 * problem, time each on a representative GEMM shape plus a batched convolution (SELECT_CONV), and
 * pick the fastest (smallest sum); `prefer`
 * overrides the measurement. Timings are wall-clock milliseconds from `now()` (injectable).
 */
import { fail, ok, type Result } from '../result';
import type { ConvGeometry } from '../layers/lowering';
import type { GemmKernel, KernelBackendName } from './types';
import { createJsKernel, jsMatmul } from './js';
import { createTfjsWasmKernel } from './tfjs-wasm';
import { createGpujsKernel, type GpujsMode } from './gpujs';

/** Options for creating / selecting kernels. */
export interface KernelOptions {
  /** Directory of the tfjs wasm binaries; without it tfjs-wasm is unavailable. */
  readonly wasmDir?: string;
  /** gpu.js mode (default 'webasm'; pass 'gpu' where a GL context exists). */
  readonly gpuMode?: GpujsMode;
  /** Backend to use instead of measuring (still falls back to measuring if it cannot be created). */
  readonly prefer?: KernelBackendName;
  /** Backends to consider (default all three). */
  readonly candidates?: readonly KernelBackendName[];
  /** Representative GEMM shape timed at start-up (default 256 x 256 x 256). */
  readonly shape?: { readonly M: number; readonly K: number; readonly N: number };
  /** Timed repetitions after one warm-up call (default 2; the minimum is kept). */
  readonly repeats?: number;
  /** Clock in milliseconds (default performance.now / Date.now). */
  readonly now?: () => number;
}

/** Outcome of selection: the chosen kernel plus what was measured for every candidate. */
export interface KernelSelection {
  readonly kernel: GemmKernel;
  /** Per backend: best GEMM time + best conv time in ms, or the reason it was skipped. */
  readonly measured: Readonly<Partial<Record<KernelBackendName, { readonly ms: number } | { readonly skipped: string }>>>;
  /** 'measured' or 'preferred'. */
  readonly how: 'measured' | 'preferred';
}

const defaultNow = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Creates one backend by name. */
export async function createKernel(name: KernelBackendName, opts: KernelOptions = {}): Promise<Result<GemmKernel>> {
  switch (name) {
    case 'js':
      return ok(createJsKernel());
    case 'tfjs-wasm':
      if (opts.wasmDir === undefined) return fail('tfjs-wasm: no wasmDir given (Node: cli/wasm-path.ts tfjsWasmDir())', 'wasmDir');
      return createTfjsWasmKernel({ wasmDir: opts.wasmDir });
    case 'gpujs':
      try {
        return ok(createGpujsKernel({ mode: opts.gpuMode ?? 'webasm' }));
      } catch (e) {
        return fail(`gpujs: ${(e as Error).message}`, 'gpuMode');
      }
  }
}

/** Deterministic operand of `len` values in [-0.5, 0.5) from a 32-bit LCG (kernel checks and benchmarks). */
export function seeded(len: number, seed: number): Float32Array {
  const a = new Float32Array(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 4294967296 - 0.5;
  }
  return a;
}

const sameBits = (x: number, y: number): boolean => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));

/** Checks a kernel against the js reference on a small odd-sized GEMM and conv (same bits required:
 * every backend computes the PE's MAC in array order); returns a reason on mismatch. */
export function sanityCheck(kernel: GemmKernel): string | null {
  const [M, K, N] = [7, 13, 5];
  const a = seeded(M * K, 1);
  const b = seeded(K * N, 2);
  const want = jsMatmul(a, b, M, K, N);
  const got = kernel.matmul(a, b, M, K, N);
  for (let i = 0; i < want.length; i++) if (!sameBits(got[i], want[i])) return `matmul mismatch at ${i}: ${got[i]} vs ${want[i]}`;
  if (kernel.conv2d) {
    const g: ConvGeometry = { inH: 5, inW: 4, inC: 2, kh: 3, kw: 2, strideH: 2, strideW: 1, padTop: 1, padLeft: 0, padBottom: 1, padRight: 1, outH: 3, outW: 4, outC: 3 };
    const x = seeded(2 * 5 * 4 * 2, 3);
    const w = seeded(3 * 2 * 2 * 3, 4);
    const ref = createJsKernel().conv2d!(x, 2, g, w);
    const res = kernel.conv2d(x, 2, g, w);
    for (let i = 0; i < ref.length; i++) if (!sameBits(res[i], ref[i])) return `conv2d mismatch at ${i}: ${res[i]} vs ${ref[i]}`;
  }
  return null;
}

/** Best-of-`repeats` time (ms) of one matmul of the given shape after a warm-up call. */
export function timeMatmul(kernel: GemmKernel, M: number, K: number, N: number, repeats = 2, now: () => number = defaultNow): number {
  const a = seeded(M * K, 5);
  const b = seeded(K * N, 6);
  kernel.matmul(a, b, M, K, N);
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = now();
    kernel.matmul(a, b, M, K, N);
    best = Math.min(best, now() - t0);
  }
  return best;
}

/** Representative convolution timed at start-up: 16 images 28x28x8, 3x3 kernel, 16 filters, pad 1. */
export const SELECT_CONV: ConvGeometry = { inH: 28, inW: 28, inC: 8, kh: 3, kw: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, outH: 28, outW: 28, outC: 16 };

/** Best-of-`repeats` time (ms) of conv2d on `g` for `n` images after a warm-up call (0 without conv2d). */
export function timeConv(kernel: GemmKernel, n: number, g: ConvGeometry, repeats = 2, now: () => number = defaultNow): number {
  if (!kernel.conv2d) return 0;
  const x = seeded(n * g.inH * g.inW * g.inC, 7);
  const w = seeded(g.kh * g.kw * g.inC * g.outC, 8);
  kernel.conv2d(x, n, g, w);
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = now();
    kernel.conv2d(x, n, g, w);
    best = Math.min(best, now() - t0);
  }
  return best;
}

/** Creates the candidates, sanity-checks and times them, and returns the fastest (or the preferred one). */
export async function selectKernel(opts: KernelOptions = {}): Promise<KernelSelection> {
  const measured: Partial<Record<KernelBackendName, { ms: number } | { skipped: string }>> = {};
  if (opts.prefer) {
    const k = await createKernel(opts.prefer, opts);
    if (k.ok) return { kernel: k.value, measured: {}, how: 'preferred' };
    measured[opts.prefer] = { skipped: k.reason };
  }
  const shape = opts.shape ?? { M: 256, K: 256, N: 256 };
  let best: { kernel: GemmKernel; ms: number } | null = null;
  for (const name of opts.candidates ?? (['js', 'tfjs-wasm', 'gpujs'] as const)) {
    if (measured[name]) continue;
    const k = await createKernel(name, opts);
    if (!k.ok) {
      measured[name] = { skipped: k.reason };
      continue;
    }
    const bad = sanityCheck(k.value);
    if (bad) {
      measured[name] = { skipped: bad };
      k.value.dispose();
      continue;
    }
    // the golden run issues both: one GEMM shape plus one batched convolution
    const ms = timeMatmul(k.value, shape.M, shape.K, shape.N, opts.repeats ?? 2, opts.now ?? defaultNow) + timeConv(k.value, 16, SELECT_CONV, opts.repeats ?? 2, opts.now ?? defaultNow);
    measured[name] = { ms };
    if (!best || ms < best.ms) {
      best?.kernel.dispose();
      best = { kernel: k.value, ms };
    } else k.value.dispose();
  }
  return { kernel: best ? best.kernel : createJsKernel(), measured, how: 'measured' };
}
