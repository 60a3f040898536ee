/**
 * The speed paths of the tfjs-wasm kernel keep the PE's bits: weights marked immutable stay
 * resident in the wasm heap between calls (sim/kernels/immutable.ts), the conv epilogue (bias after
 * the sum, relu with NaN and -0 to +0) runs while reading out of the heap, and padded max pooling
 * runs in XNNPACK (a padded position never wins). Each result equals the js kernel's bit for bit,
 * on the first call and on later calls that hit the resident weights.
 */
import { describe, expect, it } from 'vitest';
import { createJsKernel } from '../../../sim/kernels';
import { isImmutable, markImmutable } from '../../../sim/kernels/immutable';
import type { ConvGeometry } from '../../../sim/layers/lowering';
import { rng } from '../layers/fixtures';
import { useTfjsWasmKernel } from './tfjsKernel';

/** Values with zeros, signed zeros, subnormals and, when asked, Inf/NaN. */
function operand(len: number, seed: number, specials: boolean): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) {
    const u = r();
    a[i] = u < 0.3 ? 0 : u < 0.33 ? -0 : u < 0.35 ? 1e-40 : r() * 4 - 2;
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

const wasm = useTfjsWasmKernel();
const js = createJsKernel();

describe('tfjs-wasm resident weights and read-out epilogue', () => {
  const g: ConvGeometry = { inH: 9, inW: 8, inC: 3, kh: 3, kw: 3, strideH: 2, strideW: 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, outH: 5, outW: 8, outC: 6 };

  it('markImmutable marks only the array given', () => {
    const a = new Float32Array(4);
    expect(isImmutable(a)).toBe(false);
    expect(markImmutable(a)).toBe(a);
    expect(isImmutable(a)).toBe(true);
    expect(isImmutable(new Float32Array(4))).toBe(false);
  });

  for (const specials of [false, true]) {
    it(`conv2d with resident weights equals js on every call (${specials ? 'Inf/NaN' : 'finite'} operands)`, () => {
      const w = markImmutable(operand(27 * 6, 21, specials));
      const bias = Float32Array.from([0.5, -1, 0, 3e38, -0, 2]);
      for (const seed of [1, 2, 3]) {
        const x = operand(3 * 9 * 8 * 3, seed, specials);
        for (const epilogue of [undefined, { bias, relu: true }, { bias, relu: false }, { bias: null, relu: true }]) {
          const want = js.conv2d!(x, 3, g, w, epilogue);
          const what = `seed ${seed} bias ${!!epilogue?.bias} relu ${!!epilogue?.relu}`;
          if (specials && epilogue?.relu) expect(Array.from(js.conv2d!(x, 3, g, w)).some(Number.isNaN), what).toBe(true);
          expectSameBits(wasm().conv2d!(x, 3, g, w, epilogue), want, what);
        }
      }
    });
  }

  it('one immutable array used as a matmul operand and as a filter gives both results', () => {
    const w = markImmutable(operand(27 * 6, 22, false));
    const a = operand(10 * 27, 23, false);
    const x = operand(2 * 9 * 8 * 3, 24, false);
    for (let r = 0; r < 2; r++) {
      expectSameBits(wasm().matmul(a, w, 10, 27, 6), js.matmul(a, w, 10, 27, 6), `matmul round ${r}`);
      expectSameBits(wasm().conv2d!(x, 2, g, w), js.conv2d!(x, 2, g, w), `conv2d round ${r}`);
    }
  });

  it('an array not marked immutable is uploaded afresh: changing it changes the result', () => {
    const w = operand(27 * 6, 25, false);
    const x = operand(9 * 8 * 3, 26, false);
    const before = wasm().conv2d!(x, 1, g, w);
    w.fill(0.25);
    expectSameBits(wasm().conv2d!(x, 1, g, w), js.conv2d!(x, 1, g, w), 'after the change');
    expect(Array.from(before)).not.toEqual(Array.from(wasm().conv2d!(x, 1, g, w)));
  });
});

describe('padded max pooling', () => {
  const s = { h: 7, w: 6, c: 3 };
  for (const padding of [{ top: 1, bottom: 1, left: 1, right: 1 }, { top: 0, bottom: 1, left: 1, right: 0 }]) {
    it(`equals the vector unit with negative values (padding ${JSON.stringify(padding)})`, () => {
      const x = operand(2 * 7 * 6 * 3, 31, false).map((v) => -Math.abs(v) - 1); // every value negative: a padded 0 would win
      const want = js.maxPool!(x, 2, s, 3, 3, 2, 2, padding);
      expect(want.every((v) => v < 0)).toBe(true);
      expectSameBits(wasm().maxPool!(x, 2, s, 3, 3, 2, 2, padding), want, 'padded');
    });
  }

  it('with NaN and -0 in the input (pooled like the vector unit)', () => {
    const x = operand(2 * 7 * 6 * 3, 32, true);
    const padding = { top: 1, bottom: 1, left: 1, right: 1 };
    expectSameBits(wasm().maxPool!(x, 2, s, 3, 3, 2, 2, padding), js.maxPool!(x, 2, s, 3, 3, 2, 2, padding), 'specials');
  });
});
