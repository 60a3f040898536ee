/**
 * GemmKernel.batchInvariant: every backend that declares it gives, for a subset of a batch (rows
 * of a matmul, images of a conv2d or maxPool, at several sizes and offsets), the same bits as the
 * same rows computed inside the full batch. The faulty engine relies on it to take golden rows as
 * the kernel's clean results (sim/engine/faulty.ts reuseGolden). Shapes: small odd ones, and
 * LeNet-5's and VGG-MNIST's layers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createKernel, type GemmKernel, type KernelBackendName } from '../../../sim/kernels';
import { convGeometry, type ConvGeometry } from '../../../sim/layers/lowering';
import type { Conv2dLayer, Padding } from '../../../sim/layers/types';
import { tfjsWasmDir } from '../../../cli/wasm-path';
import { randArray, rng } from '../layers/fixtures';

const NAMES: KernelBackendName[] = ['js', 'tfjs-wasm', 'gpujs'];
const kernels: GemmKernel[] = [];
for (const name of NAMES) {
  const k = await createKernel(name, { wasmDir: tfjsWasmDir(), gpuMode: 'webasm' });
  if (!k.ok) throw new Error(k.reason);
  kernels.push(k.value);
}
afterAll(() => kernels.forEach((k) => k.dispose()));
const invariant = kernels.filter((k) => k.batchInvariant === true);

/** Subset sizes and where they start inside a batch of `full`. */
const SIZES = [1, 2, 3, 5, 8, 17];
const offsets = (size: number, full: number): number[] => [...new Set([0, Math.min(7, full - size), full - size])];

/** Values in [-1, 1) with about a quarter exact zeros (post-relu activations, padding-like). */
function operand(seed: number, len: number): Float32Array {
  const r = rng(seed);
  const a = randArray(r, len);
  for (let i = 0; i < len; i++) if (r() < 0.25) a[i] = 0;
  return a;
}

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.slice().buffer);

/** Index of the first differing word of two bit views (-1: identical, -2: lengths differ). */
function firstDiff(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Runs `part(off, size)` for every subset and compares it with the rows off..off+size-1 of `whole`
 * (`per` values per row / image); returns the subsets checked. */
function checkSubsets(whole: Float32Array, full: number, per: number, part: (off: number, size: number) => Float32Array, what: string): number {
  const w = bits(whole);
  let checked = 0;
  for (const size of SIZES) {
    for (const off of offsets(size, full)) {
      const got = bits(part(off, size));
      const d = firstDiff(got, w.subarray(off * per, (off + size) * per));
      expect(d, `${what}: ${size} rows at ${off} differ from the full batch of ${full} (first at ${d})`).toBe(-1);
      checked++;
    }
  }
  return checked;
}

const pad = (p: number): Padding => ({ top: p, bottom: p, left: p, right: p });
const convLayer = (kh: number, inC: number, outC: number, p: number): Conv2dLayer =>
  ({ kind: 'conv2d', name: 'c', kh, kw: kh, inC, outC, strideH: 1, strideW: 1, padding: pad(p), weights: operand(kh * inC * outC, kh * kh * inC * outC), bias: operand(outC + 1, outC), activation: { kind: 'relu' } });

const MATMULS: { name: string; K: number; N: number; full: number }[] = [
  { name: 'odd 37 x 11', K: 37, N: 11, full: 64 },
  { name: 'LeNet fc 400 x 120', K: 400, N: 120, full: 100 },
  { name: 'LeNet fc 120 x 84', K: 120, N: 84, full: 100 },
  { name: 'LeNet fc 84 x 10', K: 84, N: 10, full: 100 },
];

const CONVS: { name: string; layer: Conv2dLayer; h: number; full: number }[] = [
  { name: 'odd 3x3x3 -> 5 on 7x7, pad 1', layer: convLayer(3, 3, 5, 1), h: 7, full: 64 },
  { name: 'LeNet conv1 5x5x1 -> 6 on 28x28, pad 2', layer: convLayer(5, 1, 6, 2), h: 28, full: 64 },
  { name: 'LeNet conv2 5x5x6 -> 16 on 14x14', layer: convLayer(5, 6, 16, 0), h: 14, full: 64 },
  { name: 'VGG-MNIST conv 3x3x32 -> 32 on 14x14, pad 1', layer: convLayer(3, 32, 32, 1), h: 14, full: 32 },
];

describe('batch-invariant kernels', () => {
  it('the js reference (one row at a time) and the WebAssembly-mode backends declare batchInvariant', () => {
    expect(invariant.map((k) => k.name)).toContain('js');
    expect(invariant.length).toBeGreaterThan(0);
  });

  it('the comparison notices a batch-dependent kernel (remainder rows of a 4-row blocking summed in another order)', () => {
    const blocked = (a: Float32Array, b: Float32Array, M: number, K: number, N: number): Float32Array => {
      const out = new Float32Array(M * N);
      const full = M - (M % 4);
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
        let s = 0;
        if (i < full) for (let kk = 0; kk < K; kk++) s = Math.fround(s + a[i * K + kk] * b[kk * N + j]);
        else for (let kk = K - 1; kk >= 0; kk--) s = Math.fround(s + a[i * K + kk] * b[kk * N + j]);
        out[i * N + j] = s;
      }
      return out;
    };
    const K = 120;
    const N = 84;
    const a = operand(5, 64 * K);
    const b = operand(6, K * N);
    expect(() => checkSubsets(blocked(a, b, 64, K, N), 64, N, (off, size) => blocked(a.slice(off * K, (off + size) * K), b, size, K, N), 'blocked')).toThrow(/differ from the full batch/);
  });

  for (const k of invariant) {
    describe(k.name, () => {
      it('matmul: subset rows == the same rows of the full batch', () => {
        let n = 0;
        for (const { name, K, N, full } of MATMULS) {
          const a = operand(K * 7 + N, full * K);
          const b = operand(K + N * 13, K * N);
          const whole = k.matmul(a, b, full, K, N);
          n += checkSubsets(whole, full, N, (off, size) => k.matmul(a.slice(off * K, (off + size) * K), b, size, K, N), `${k.name} matmul ${name}`);
        }
        expect(n).toBeGreaterThan(50);
      });

      it('conv2d without epilogue and with bias + relu: subset images == the same images of the full batch', () => {
        expect(k.conv2d).toBeDefined();
        let n = 0;
        for (const { name, layer, h, full } of CONVS) {
          const g: ConvGeometry = convGeometry(layer, { h, w: h, c: layer.inC });
          const inLen = h * h * layer.inC;
          const per = g.outH * g.outW * g.outC;
          const x = operand(inLen + layer.outC, full * inLen);
          const sub = (off: number, size: number): Float32Array => x.slice(off * inLen, (off + size) * inLen);
          for (const epilogue of [undefined, { bias: layer.bias, relu: true }]) {
            const whole = k.conv2d!(x, full, g, layer.weights, epilogue);
            if (epilogue) expect(whole.some((v) => v === 0) && whole.some((v) => v > 0)).toBe(true);
            n += checkSubsets(whole, full, per, (off, size) => k.conv2d!(sub(off, size), size, g, layer.weights, epilogue), `${k.name} conv2d ${name}${epilogue ? ' + bias + relu' : ''}`);
          }
        }
        expect(n).toBeGreaterThan(50);
      });

      if (k.maxPool) it('maxPool: subset images == the same images of the full batch', () => {
        const s = { h: 28, w: 28, c: 6 };
        const full = 64;
        const inLen = s.h * s.w * s.c;
        const x = operand(99, full * inLen);
        const whole = k.maxPool!(x, full, s, 2, 2, 2, 2);
        const n = checkSubsets(whole, full, 14 * 14 * 6, (off, size) => k.maxPool!(x.slice(off * inLen, (off + size) * inLen), size, s, 2, 2, 2, 2), `${k.name} maxPool`);
        expect(n).toBeGreaterThan(10);
      });
    });
  }
});
