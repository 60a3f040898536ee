/**
 * Every GEMM backend computes the PE's MAC (fround(acc + fround(w*x)), k ascending, from +0; bias
 * after the sum; relu maps NaN and -0 to +0) and so returns the same bits, non-finite values
 * included: the kernel is a speed choice, never a result choice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpujsKernel } from '../../../sim/kernels/gpujs';
import { createJsKernel, type GemmKernel } from '../../../sim/kernels';
import { createKernel } from '../../../sim/kernels/select';
import { convViaIm2col } from '../../../sim/kernels/js';
import type { ConvGeometry } from '../../../sim/layers/lowering';
import { tfjsWasmDir } from '../../../pipeline/kernels';
import { rng } from '../layers/fixtures';

const fround = Math.fround;
/** The PE's MAC in array order, written out independently of sim/kernels. */
function peMatmul(a: Float32Array, b: Float32Array, M: number, K: number, N: number): Float32Array {
  const o = new Float32Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let acc = 0;
    for (let k = 0; k < K; k++) acc = fround(acc + fround(a[i * K + k] * b[k * N + j]));
    o[i * N + j] = acc;
  }
  return o;
}

/** Values with zeros (as after relu), signed zeros, subnormals, huge values and, when asked, Inf/NaN. */
function operand(len: number, seed: number, specials: boolean): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) {
    const u = r();
    a[i] = u < 0.3 ? 0 : u < 0.33 ? -0 : u < 0.35 ? 1e-40 : u < 0.37 ? (r() < 0.5 ? 3e38 : -3e38) : r() * 4 - 2;
    if (specials && u > 0.995) a[i] = [NaN, Infinity, -Infinity][Math.floor(r() * 3)]!;
  }
  return a;
}

const bitsOf = (x: Float32Array): Uint32Array => new Uint32Array(x.buffer, x.byteOffset, x.length);
function expectSameBits(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  const g = bitsOf(got), w = bitsOf(want);
  let diff = 0;
  for (let i = 0; i < g.length; i++) if (g[i] !== w[i] && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) diff++;
  expect(diff, what).toBe(0);
}

const backends: GemmKernel[] = [];
beforeAll(async () => {
  const t = await createKernel('tfjs-wasm', { wasmDir: tfjsWasmDir() });
  if (!t.ok) throw new Error(t.reason);
  backends.push(createJsKernel(), t.value, createGpujsKernel({ mode: 'webasm' }), createGpujsKernel({ mode: 'cpu' }));
});
afterAll(() => backends.forEach((k) => k.dispose()));

const label = (k: GemmKernel): string => (k.name === 'gpujs' ? `gpujs/${(k as unknown as { mode: string }).mode}` : k.name);

describe('every backend gives the bits of the PE MAC', () => {
  for (const specials of [false, true]) {
    it(`matmul (${specials ? 'with Inf/NaN' : 'finite'} operands)`, () => {
      for (const [M, K, N, seed] of [[7, 13, 5, 1], [40, 150, 16, 2], [33, 400, 120, 3]] as const) {
        const a = operand(M * K, seed, specials), b = operand(K * N, seed + 100, specials);
        const want = peMatmul(a, b, M, K, N);
        for (const k of backends) expectSameBits(k.matmul(a, b, M, K, N), want, `${label(k)} ${M}x${K}x${N}`);
      }
    });
  }

  it('conv2d, plain and with bias + relu (NaN and -0 become +0)', () => {
    const g: ConvGeometry = { inH: 9, inW: 8, inC: 3, kh: 3, kw: 3, strideH: 1, strideW: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 0, outH: 9, outW: 4, outC: 5 };
    const x = operand(4 * 9 * 8 * 3, 7, true), w = operand(27 * 5, 8, true);
    const plain = convViaIm2col(peMatmul, x, 4, g, w);
    const bias = Float32Array.from([0.5, -1, 0, 3e38, -0]);
    const fused = plain.map((v, i) => { const s = fround(v + bias[i % 5]!); return s > 0 ? s : 0; });
    expect(Array.from(plain).some(Number.isNaN)).toBe(true); // the case under test is present
    for (const k of backends) {
      expectSameBits(k.conv2d!(x, 4, g, w), plain, `${label(k)} conv2d`);
      expectSameBits(k.conv2d!(x, 4, g, w, { bias, relu: true }), fused, `${label(k)} conv2d+bias+relu`);
    }
  });

  it('maxPool, NaN and -0 in the window included', () => {
    const x = operand(3 * 6 * 6 * 4, 11, true);
    const want = createJsKernel().maxPool!(x, 3, { h: 6, w: 6, c: 4 }, 2, 2, 2, 2);
    for (const k of backends) if (k.maxPool) expectSameBits(k.maxPool(x, 3, { h: 6, w: 6, c: 4 }, 2, 2, 2, 2), want, `${label(k)} maxPool`);
  });
});
