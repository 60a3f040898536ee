/**
 * The tfjs-wasm kernel's conv epilogue in WebAssembly SIMD (sim/wasm/convEpilogue.ts) gives the
 * bits of the JS epilogue (applyEpilogue: fround(sum + bias), then relu with NaN and -0 -> +0) for
 * every channel count (whole groups of four rows and the remaining rows), across chunk boundaries,
 * without bias, and with NaN (any payload, either sign), infinities, -0 and subnormals in the sums
 * and in the bias; and the kernel's conv2d with bias + relu equals the js kernel's.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyEpilogue } from '../../../sim/kernels/js';
import { createJsKernel } from '../../../sim/kernels';
import { convEpilogueWasm } from '../../../sim/wasm/convEpilogue';
import type { ConvGeometry } from '../../../sim/layers/lowering';
import { rng } from '../layers/fixtures';
import { useTfjsWasmKernel } from './tfjsKernel';

/** Bit patterns: NaNs with random payloads and signs, +-Inf, +-0, subnormals, ordinary values. */
function values(len: number, seed: number, specials = 1): Float32Array {
  const r = rng(seed);
  const bits = new Uint32Array(len);
  const f = new Float32Array(bits.buffer);
  for (let i = 0; i < len; i++) {
    const u = r() / specials;
    if (u < 0.03) bits[i] = (r() < 0.5 ? 0x7f800001 : 0xff800001) + Math.floor(r() * 0x7fffff); // NaN
    else if (u < 0.05) bits[i] = r() < 0.5 ? 0x7f800000 : 0xff800000;
    else if (u < 0.1) bits[i] = r() < 0.5 ? 0 : 0x80000000;
    else if (u < 0.13) bits[i] = Math.floor(r() * 0x7fffff) + (r() < 0.5 ? 0 : 0x80000000); // subnormal
    else f[i] = (r() * 4 - 2) * 2 ** Math.floor(r() * 20 - 10);
  }
  return f;
}

const bitsOf = (x: Float32Array): Uint32Array => new Uint32Array(x.buffer, x.byteOffset, x.length);
function countDiffs(got: Float32Array, want: Float32Array): number {
  const g = bitsOf(got), w = bitsOf(want);
  let diff = 0;
  for (let i = 0; i < g.length; i++) if (g[i] !== w[i]) diff++;
  return diff;
}

describe('convEpilogueWasm == applyEpilogue (bias + relu) bit for bit', () => {
  const unit = convEpilogueWasm();
  it('WebAssembly SIMD is available in Node', () => {
    expect(unit).not.toBeNull();
  });

  it('any channel count, row count, bias or none, special values in sums and bias', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 37 }), fc.boolean(), fc.integer({ min: 1, max: 2 ** 30 }),
      (C, rows, withBias, seed) => {
        const src = values(rows * C, seed);
        const bias = withBias ? values(C, seed + 1) : null;
        const want = applyEpilogue(src.slice(), C, { bias, relu: true });
        const got = unit!.biasRelu(src, bias, C);
        expect(got).not.toBe(src);
        expect(got.length).toBe(src.length);
        expect(countDiffs(got, want)).toBe(0);
        // the input is left as it was (read, not written)
        expect(countDiffs(src, values(rows * C, seed))).toBe(0);
      },
    ), { numRuns: 300 });
  });

  it('across chunk boundaries (more than 64 Ki values, channel counts with and without a tail)', () => {
    for (const [C, rows] of [[6, 28 * 28 * 20 + 3], [16, 5000], [7, 10000], [120, 700]] as const) {
      const src = values(C * rows, C);
      const bias = values(C, C + 50);
      const got = unit!.biasRelu(src, bias, C);
      expect(countDiffs(got, applyEpilogue(src.slice(), C, { bias, relu: true })), `C=${C}`).toBe(0);
      // both sides of relu occur
      expect(Array.from(got).some((v) => v > 0) && Array.from(got).some((v) => v === 0)).toBe(true);
    }
  });
});

describe('tfjs-wasm conv2d with bias + relu == js kernel (the SIMD epilogue path)', () => {
  const tfk = useTfjsWasmKernel();
  const js = createJsKernel();

  for (const outC of [6, 16, 3]) {
    it(`outC ${outC}, LeNet-like 5x5 same padding, NaN/Inf in the input`, () => {
      const g: ConvGeometry = { inH: 12, inW: 12, inC: 2, kh: 5, kw: 5, strideH: 1, strideW: 1, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2, outH: 12, outW: 12, outC };
      const x = values(3 * 12 * 12 * 2, outC, 0.05); // few specials: most sums stay finite
      const w = values(50 * outC, outC + 9, 0.05);
      const bias = values(outC, outC + 19);
      for (const ep of [{ bias, relu: true }, { bias: null, relu: true }]) {
        const want = js.conv2d!(x, 3, g, w, ep);
        const got = tfk().conv2d!(x, 3, g, w, ep);
        expect(countDiffs(got, want), `bias ${ep.bias ? 'yes' : 'no'}`).toBe(0);
        expect(Array.from(got).some((v) => v > 0) && Array.from(got).some((v) => v === 0)).toBe(true);
      }
      expect(Array.from(js.conv2d!(x, 3, g, w)).some(Number.isNaN)).toBe(true); // NaN sums are present
    });
  }
});
