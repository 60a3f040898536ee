import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createJsKernel, createKernel, jsMatmul, selectKernel, type GemmKernel } from '../../../sim/kernels';
import { convGeometry, referenceLayer, inferShapes, pool } from '../../../sim/layers';
import { tfjsWasmDir } from '../../../cli/wasm-path';
import { conv, randArray, rng } from '../layers/fixtures';

/** Naive fp64 matmul: an independent reference for the js backend. */
function naive(a: Float32Array, b: Float32Array, M: number, K: number, N: number): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += a[i * K + k] * b[k * N + j];
    out[i * N + j] = s;
  }
  return out;
}

function expectClose(got: Float32Array, want: ArrayLike<number>, absScale: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (absScale + Math.abs(want[i])));
  expect(worst).toBeLessThan(1e-5);
}

const jsConv = createJsKernel().conv2d!;
const kernels: GemmKernel[] = [];
beforeAll(async () => {
  for (const name of ['tfjs-wasm', 'gpujs'] as const) {
    const k = await createKernel(name, { wasmDir: tfjsWasmDir(), gpuMode: 'webasm' });
    if (!k.ok) throw new Error(k.reason);
    kernels.push(k.value);
  }
});
afterAll(() => kernels.forEach((k) => k.dispose()));

describe('kernel backends', () => {
  it('js matmul matches an fp64 triple loop', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 40 }), fc.nat(), (M, K, N, seed) => {
        const r = rng(seed);
        const a = randArray(r, M * K);
        const b = randArray(r, K * N);
        expectClose(jsMatmul(a, b, M, K, N), naive(a, b, M, K, N), Math.sqrt(K) * 0.1);
      }),
      { numRuns: 40 },
    );
  });

  it('tfjs-wasm and gpujs matmul agree with js on random odd shapes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 67 }), fc.integer({ min: 1, max: 131 }), fc.integer({ min: 1, max: 33 }), fc.nat(), (M, K, N, seed) => {
        const r = rng(seed);
        const a = randArray(r, M * K);
        const b = randArray(r, K * N);
        const want = jsMatmul(a, b, M, K, N);
        for (const k of kernels) expectClose(k.matmul(a, b, M, K, N), want, Math.sqrt(K) * 0.1);
      }),
      { numRuns: 12 },
    );
  });

  it('all backends agree on 256x256x256', () => {
    const r = rng(256);
    const a = randArray(r, 256 * 256);
    const b = randArray(r, 256 * 256);
    const want = jsMatmul(a, b, 256, 256, 256);
    for (const k of kernels) expectClose(k.matmul(a, b, 256, 256, 256), want, 1.6);
  });

  it('conv2d of every backend matches the direct reference convolution', () => {
    fc.assert(
      fc.property(
        fc.record({ h: fc.integer({ min: 1, max: 10 }), w: fc.integer({ min: 1, max: 10 }), c: fc.integer({ min: 1, max: 4 }), kh: fc.integer({ min: 1, max: 4 }), kw: fc.integer({ min: 1, max: 4 }),
          oc: fc.integer({ min: 1, max: 6 }), s: fc.integer({ min: 1, max: 3 }), pt: fc.integer({ min: 0, max: 2 }), pb: fc.integer({ min: 0, max: 2 }), pl: fc.integer({ min: 0, max: 2 }), pr: fc.integer({ min: 0, max: 2 }), n: fc.integer({ min: 1, max: 3 }), seed: fc.nat() })
          .filter((g) => g.h + g.pt + g.pb >= g.kh && g.w + g.pl + g.pr >= g.kw),
        (g) => {
          const r = rng(g.seed);
          const layer = { ...conv(r, 'c', g.kh, g.kw, g.c, g.oc, g.s, { top: g.pt, bottom: g.pb, left: g.pl, right: g.pr }, { kind: 'linear' }), bias: null };
          const inShape = { h: g.h, w: g.w, c: g.c };
          const x = randArray(r, g.n * g.h * g.w * g.c);
          const shapes = inferShapes({ name: 'n', input: inShape, layers: [layer] });
          if (!shapes.ok) throw new Error(shapes.reason);
          const want = referenceLayer(layer, [x], [inShape], shapes.value.layers[0].output, g.n);
          const geo = convGeometry(layer, inShape);
          expectClose(jsConv(x, g.n, geo, layer.weights), want, 1);
          for (const k of kernels) expectClose(k.conv2d!(x, g.n, geo, layer.weights), want, 1);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('conv2d epilogue (bias + relu) matches relu(conv + bias) on every backend', () => {
    const r = rng(77);
    const layer = conv(r, 'c', 3, 3, 2, 5, 1, { top: 1, bottom: 1, left: 1, right: 1 }, { kind: 'relu' });
    const inShape = { h: 6, w: 5, c: 2 };
    const x = randArray(r, 2 * 6 * 5 * 2);
    const geo = convGeometry(layer, inShape);
    const plain = jsConv(x, 2, geo, layer.weights);
    const want = plain.map((v, i) => Math.max(0, Math.fround(v + layer.bias![i % 5])));
    expect(want.some((v) => v === 0) && want.some((v) => v > 0)).toBe(true);
    for (const k of [createJsKernel(), ...kernels]) expectClose(k.conv2d!(x, 2, geo, layer.weights, { bias: layer.bias, relu: true }), want, 1);
  });

  it('maxPool fast path equals the vector-unit pooling', () => {
    const x = randArray(rng(78), 3 * 8 * 6 * 4);
    const s = { h: 8, w: 6, c: 4 };
    const want = pool({ kind: 'maxpool', name: 'p', ph: 2, pw: 3, strideH: 2, strideW: 3, padding: { top: 0, bottom: 0, left: 0, right: 0 } }, x, 3, s);
    for (const k of [createJsKernel(), ...kernels]) if (k.maxPool) expect([...k.maxPool(x, 3, s, 2, 3, 2, 3)]).toEqual([...want]);
  });

  it('selectKernel measures every backend and returns the fastest; prefer overrides', async () => {
    let clock = 0;
    const sel = await selectKernel({ wasmDir: tfjsWasmDir(), shape: { M: 32, K: 32, N: 32 }, repeats: 1, now: () => (clock += 1) });
    const names = Object.keys(sel.measured).sort();
    expect(names).toEqual(['gpujs', 'js', 'tfjs-wasm']);
    const times = Object.entries(sel.measured).map(([n, m]) => [n, 'ms' in m ? m.ms : Infinity] as const);
    const fastest = times.reduce((a, b) => (b[1] < a[1] ? b : a));
    expect(sel.kernel.name).toBe(fastest[0]);
    const pref = await selectKernel({ prefer: 'js' });
    expect(pref.how).toBe('preferred');
    expect(pref.kernel.name).toBe('js');
    const noWasm = await selectKernel({ candidates: ['tfjs-wasm'] });
    expect(noWasm.measured['tfjs-wasm']).toEqual({ skipped: expect.stringMatching(/wasmDir/) });
    expect(noWasm.kernel.name).toBe('js');
  });
});
