/**
 * The faulty engine's alternative paths give the same run: direct outputs' array-order chains in
 * WebAssembly or in JavaScript (FaultyOptions.useWasm), and, on a batch-invariant kernel that
 * computed the golden run, golden rows taken as the kernel path's clean results or recomputed
 * (FaultyOptions.reuseGolden). Same touched images, statistics, diffs (indices, golden and faulty
 * bits) and outputs, on a dense-only and a conv network, the js and tfjs-wasm kernels, fixed and
 * random faults (resident weight SRAM words that many images share, PE registers, early layers
 * whose changes reach later layers' inputs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ArraySpec, NumericFormat } from '../../../sim/types';
import { formatLabel, wordBits } from '../../../sim/format/format';
import type { FaultRecord, FaultTarget } from '../../../sim/faults/types';
import type { Network, Padding } from '../../../sim/layers/types';
import { createKernel, type GemmKernel, type KernelBackendName } from '../../../sim/kernels';
import { runGolden, type GoldenRun } from '../../../sim/engine/golden';
import { runFaulty, type FaultyOptions, type FaultyRun } from '../../../sim/engine/faulty';
import { planRun } from '../../../sim/engine/faultyPlan';
import { memoryLayout } from '../../../sim/memory/layout';
import { resolveFaults } from '../../../sim/faults/resolve';
import { MacPairs } from '../../../sim/wasm/macPairs';
import { tfjsWasmDir } from '../../../cli/wasm-path';
import { bitsOf, seeded, spec } from './faultyHelpers';

const P1: Padding = { top: 1, bottom: 1, left: 1, right: 1 };
const P0: Padding = { top: 0, bottom: 0, left: 0, right: 0 };

/** Dense only: 24 -> 16 (relu) -> 12 (relu) -> 6. */
const denseOnly: Network = {
  name: 'dense3', input: { h: 1, w: 1, c: 24 },
  layers: [
    { kind: 'dense', name: 'fc1', inF: 24, outF: 16, weights: seeded(24 * 16, 31), bias: seeded(16, 32, 0.1), activation: { kind: 'relu' } },
    { kind: 'dense', name: 'fc2', inF: 16, outF: 12, weights: seeded(16 * 12, 33), bias: seeded(12, 34, 0.1), activation: { kind: 'relu' } },
    { kind: 'dense', name: 'fc3', inF: 12, outF: 6, weights: seeded(12 * 6, 35), bias: null, activation: { kind: 'linear' } },
  ],
};

/** Conv: 6x6x2, conv 3x3 pad 1 -> 4 (relu), conv 3x3 pad 1 -> 4 (relu), maxpool 2, flatten, dense 36 -> 5. */
const convPool: Network = {
  name: 'conv2', input: { h: 6, w: 6, c: 2 },
  layers: [
    { kind: 'conv2d', name: 'c1', kh: 3, kw: 3, inC: 2, outC: 4, strideH: 1, strideW: 1, padding: P1, weights: seeded(72, 41), bias: seeded(4, 42, 0.1), activation: { kind: 'relu' } },
    { kind: 'conv2d', name: 'c2', kh: 3, kw: 3, inC: 4, outC: 4, strideH: 1, strideW: 1, padding: P1, weights: seeded(144, 43), bias: seeded(4, 44, 0.1), activation: { kind: 'relu' } },
    { kind: 'maxpool', name: 'pool', ph: 2, pw: 2, strideH: 2, strideW: 2, padding: P0 },
    { kind: 'flatten', name: 'flat' },
    { kind: 'dense', name: 'fc', inF: 36, outF: 5, weights: seeded(180, 45), bias: null, activation: { kind: 'linear' } },
  ],
};

const NETS: { net: Network; inSize: number }[] = [
  { net: denseOnly, inSize: 24 },
  { net: convPool, inSize: 72 },
];
/** 11 images: groups of up to 11 images sharing mods (blocks of 4, 4 and 3). */
const N_IMAGES = 11;
/** 4x3 weight-stationary array, 8 KiB SRAMs: every network's weights resident (written once).
 * fp32 unless a describe block below switches the format for its tests. */
const specOf = (format: NumericFormat): ArraySpec => spec(4, 3, 'ws', format, 8);
let S: ArraySpec = specOf({ kind: 'fp32' });

// --- instrumentation -----------------------------------------------------------------------

/** Rows (matmul) and images (conv2d) a kernel received. */
interface Counter {
  rows: number;
}

/** `k` with its calls counted (same name and batch invariance: the golden run it computes is
 * reusable by the faulty engine). */
function counting(k: GemmKernel, c: Counter): GemmKernel {
  return {
    name: k.name,
    batchInvariant: k.batchInvariant,
    matmul(a, b, M, K, N) {
      c.rows += M;
      return k.matmul(a, b, M, K, N);
    },
    conv2d(input, n, g, w, epilogue) {
      c.rows += n;
      return k.conv2d!(input, n, g, w, epilogue);
    },
    maxPool: k.maxPool ? (input, n, s, ph, pw, sh, sw, pad) => k.maxPool!(input, n, s, ph, pw, sh, sw, pad) : undefined,
    dispose: () => undefined,
  };
}

/** Calls of the WebAssembly chains (scalar `pairs` and 4-lane `pairsV`): how many, the most jobs
 * in one, how many read differing faulty inputs (golden and faulty addresses of a job apart), and
 * how many were vector calls. */
const wasmCalls = { calls: 0, maxJobs: 0, differing: 0, vector: 0 };
const original = MacPairs.prototype.pairs;
const originalV = MacPairs.prototype.pairsV;
beforeAll(() => {
  MacPairs.prototype.pairs = function (this: MacPairs, row, K, w, wf, first, zero, jobs, count, out) {
    wasmCalls.calls++;
    wasmCalls.maxJobs = Math.max(wasmCalls.maxJobs, count);
    if (count > 0 && this.i32[jobs >> 2] !== this.i32[(jobs >> 2) + 1]) wasmCalls.differing++;
    original.call(this, row, K, w, wf, first, zero, jobs, count, out);
  };
  MacPairs.prototype.pairsV = function (this: MacPairs, row, K, w, wf, first, zero, jobs, count, out, same) {
    wasmCalls.calls++;
    wasmCalls.vector++;
    wasmCalls.maxJobs = Math.max(wasmCalls.maxJobs, count);
    if (count > 0 && this.i32[jobs >> 2] !== this.i32[(jobs >> 2) + 1]) wasmCalls.differing++;
    originalV.call(this, row, K, w, wf, first, zero, jobs, count, out, same);
  };
});

const kernels = new Map<KernelBackendName, GemmKernel>();
beforeAll(async () => {
  for (const name of ['js', 'tfjs-wasm'] as const) {
    const k = await createKernel(name, { wasmDir: tfjsWasmDir() });
    if (!k.ok) throw new Error(k.reason);
    kernels.set(name, k.value);
  }
});
afterAll(() => {
  MacPairs.prototype.pairs = original;
  MacPairs.prototype.pairsV = originalV;
  kernels.forEach((k) => k.dispose());
});

// --- comparison ----------------------------------------------------------------------------

/** Two runs are the same run: touched images, touches, every layer's statistics, every diff's
 * image, indices and golden / faulty bits, and every output of every layer and image. */
function expectSameRun(a: FaultyRun, b: FaultyRun, what: string): void {
  expect(b.touchedImages, what).toEqual(a.touchedImages);
  expect(Array.from(b.due), `${what}: DUE flags`).toEqual(Array.from(a.due));
  expect(b.faultTouches, what).toEqual(a.faultTouches);
  expect(b.layers, what).toEqual(a.layers);
  expect(b.diffs.length).toBe(a.diffs.length);
  a.diffs.forEach((list, L) => {
    expect(b.diffs[L].map((d) => d.image), `${what}: layer ${L} diff images`).toEqual(list.map((d) => d.image));
    list.forEach((d, i) => {
      const e = b.diffs[L][i];
      expect(Array.from(e.indices), `${what}: layer ${L} image ${d.image} indices`).toEqual(Array.from(d.indices));
      expect(bitsOf(e.golden), `${what}: layer ${L} image ${d.image} golden`).toEqual(bitsOf(d.golden));
      expect(bitsOf(e.faulty), `${what}: layer ${L} image ${d.image} faulty`).toEqual(bitsOf(d.faulty));
    });
  });
  for (let L = 0; L < a.layers.length; L++) {
    for (let img = 0; img < a.nImages; img++) expect(bitsOf(b.output(L, img)), `${what}: output of layer ${L}, image ${img}`).toEqual(bitsOf(a.output(L, img)));
  }
}

/** What one scenario produced (for the non-vacuity checks). */
interface Outcome {
  readonly corrupted: number;
  readonly masked: number;
  /** Kernel rows of the faulty runs with / without golden reuse. */
  readonly rowsReuse: number;
  readonly rowsFresh: number;
  /** Images with a DUE (ECC). */
  readonly dues: number;
}

/** One fault scenario on one network and kernel: golden run on the (counted) kernel, then the
 * engine with WebAssembly or JavaScript chains, with and without golden reuse, and without a
 * kernel (downstream outputs in array order): all the same run pairwise. */
function scenario(net: Network, inSize: number, kernel: GemmKernel, records: readonly FaultRecord[], golden?: GoldenRun): Outcome {
  const count: Counter = { rows: 0 };
  const k = counting(kernel, count);
  const images = seeded(N_IMAGES * inSize, 51);
  const g = golden ?? goldenOf(net, images, k);
  const r = resolveFaults(S, records, 1);
  if (!r.ok) throw new Error(r.reason);
  const run = (o: FaultyOptions): { run: FaultyRun; rows: number } => {
    count.rows = 0;
    return { run: runFaulty(g, S, r.value, o), rows: count.rows };
  };
  const viaKernel = { kernel: k, kernelShare: 0, kernelMinMacs: 0 };
  const wasmReuse = run({ ...viaKernel, useWasm: true, reuseGolden: true });
  const afterWasm = wasmCalls.calls;
  const jsReuse = run({ ...viaKernel, useWasm: false, reuseGolden: true });
  expect(wasmCalls.calls, 'useWasm: false never calls the WebAssembly chains').toBe(afterWasm);
  const wasmFresh = run({ ...viaKernel, useWasm: true, reuseGolden: false });
  const jsFresh = run({ ...viaKernel, useWasm: false, reuseGolden: false });
  const wasmArray = run({ useWasm: true });
  const jsArray = run({ useWasm: false });
  const name = `${net.name} on ${kernel.name}, ${JSON.stringify(records)}`;
  expectSameRun(wasmReuse.run, jsReuse.run, `${name}: wasm vs js (reuse)`);
  expectSameRun(wasmReuse.run, wasmFresh.run, `${name}: reuse vs fresh (wasm)`);
  expectSameRun(jsReuse.run, jsFresh.run, `${name}: reuse vs fresh (js)`);
  expectSameRun(wasmArray.run, jsArray.run, `${name}: wasm vs js (no kernel)`);
  // the clean half of every kernel call is skipped with reuse: half the rows
  expect(wasmFresh.rows).toBe(2 * wasmReuse.rows);
  expect(jsFresh.rows).toBe(2 * jsReuse.rows);
  expect(wasmArray.rows).toBe(0);
  const st = wasmReuse.run.layers;
  return {
    corrupted: st.reduce((a, l) => a + l.corrupted, 0),
    masked: st.reduce((a, l) => a + l.maskedInArray + l.maskedByActivation + l.maskedDownstream, 0),
    rowsReuse: wasmReuse.rows,
    rowsFresh: wasmFresh.rows,
    dues: wasmReuse.run.dueImages.length,
  };
}

function goldenOf(net: Network, images: Float32Array, k: GemmKernel): GoldenRun {
  const g = runGolden(net, images, S, k);
  if (!g.ok) throw new Error(g.reason);
  return g.value;
}

// --- faults --------------------------------------------------------------------------------

/** First weight SRAM address of array layer `layer` and its word count (resident layout). */
function weightWords(net: Network, layer: number): { base: number; words: number } {
  const lay = memoryLayout(S, net, planRun(net, S));
  expect(lay.weightsResident).toBe(true);
  const lm = lay.layers[layer]!;
  return { base: lm.weightBase, words: lm.weightWords };
}

const KINDS: FaultRecord['kind'][] = ['seu', 'stuckAt0', 'stuckAt1', 'mbu'];
const PE_TARGETS: FaultTarget[] = ['pe.weight', 'pe.input', 'pe.psum'];

/** Random faults: resident weight words of any array layer from the first inference on (every
 * later image shares them), PE register faults with short or open windows, activation SRAM words. */
function faultsArb(net: Network): fc.Arbitrary<FaultRecord[]> {
  const P = planRun(net, S).inferenceCycles;
  const arrayLayers = net.layers.map((l, i) => (l.kind === 'dense' || l.kind === 'conv2d' ? i : -1)).filter((i) => i >= 0);
  const bit = fc.oneof(fc.integer({ min: 23, max: 30 }), fc.integer({ min: 0, max: 30 }));
  const kind = fc.constantFrom(...KINDS);
  const bitsOfKind = (k: FaultRecord['kind'], b: number): number[] => (k === 'mbu' ? [b, b + 1] : [b]);
  const weight = fc.record({ layer: fc.constantFrom(...arrayLayers), e: fc.nat(), kind, bit, start: fc.integer({ min: 0, max: P - 1 }) }).map(({ layer, e, kind: k, bit: b, start }): FaultRecord => {
    const { base, words } = weightWords(net, layer);
    return { target: 'weightSram', kind: k, bits: bitsOfKind(k, b), location: { kind: 'address', address: base + (e % words) }, window: { start } };
  });
  const pe = fc.record({ target: fc.constantFrom(...PE_TARGETS), kind, bit, row: fc.integer({ min: 0, max: S.rows - 1 }), col: fc.integer({ min: 0, max: S.cols - 1 }), start: fc.integer({ min: 0, max: N_IMAGES * P - 1 }), len: fc.option(fc.integer({ min: 1, max: 3 * P })) })
    .map(({ target, kind: k, bit: b, row, col, start, len }): FaultRecord => ({ target, kind: k, bits: bitsOfKind(k, b), location: { kind: 'pe', row, col }, window: { start, end: len === null ? undefined : start + len } }));
  const act = fc.record({ target: fc.constantFrom<FaultTarget>('ifmapSram', 'ofmapSram'), kind, bit, addr: fc.integer({ min: 0, max: 95 }), start: fc.integer({ min: 0, max: N_IMAGES * P - 1 }) })
    .map(({ target, kind: k, bit: b, addr, start }): FaultRecord => ({ target, kind: k, bits: bitsOfKind(k, b), location: { kind: 'address', address: addr }, window: { start } }));
  return fc.array(fc.oneof({ arbitrary: weight, weight: 3 }, { arbitrary: pe, weight: 2 }, { arbitrary: act, weight: 1 }), { minLength: 1, maxLength: 4 });
}

/** Fixed scenarios: a flipped exponent bit in a resident weight of the first array layer (every
 * image shares it; later layers see changed inputs), plus one in the second layer (images with
 * direct faults and changed inputs), plus PE weight / psum register faults over two inferences. */
function fixedFaults(net: Network): FaultRecord[] {
  const P = planRun(net, S).inferenceCycles;
  const arrayLayers = net.layers.map((l, i) => (l.kind === 'dense' || l.kind === 'conv2d' ? i : -1)).filter((i) => i >= 0);
  const l0 = weightWords(net, arrayLayers[0]);
  const l1 = weightWords(net, arrayLayers[1]);
  // the same high bits of narrower words (fp16: exponent bits 13..11; int8: value bits 5..3)
  const hi = (b: number): number => b - (32 - wordBits(S.format));
  return [
    { target: 'weightSram', kind: 'seu', bits: [hi(29)], location: { kind: 'address', address: l0.base + 5 }, window: { start: 0 } },
    { target: 'weightSram', kind: 'stuckAt1', bits: [hi(28)], location: { kind: 'address', address: l1.base + 7 }, window: { start: 0 } },
    { target: 'pe.weight', kind: 'stuckAt1', bits: [hi(27)], location: { kind: 'pe', row: 1, col: 2 }, window: { start: 3 * P, end: 5 * P } },
    { target: 'pe.psum', kind: 'seu', bits: [30], location: { kind: 'pe', row: 0, col: 1 }, window: { start: 7 * P + 10 } },
  ];
}

// --- tests ---------------------------------------------------------------------------------

describe('faulty engine paths: WebAssembly == JavaScript chains, golden reuse == recomputed clean rows', () => {
  for (const kname of ['js', 'tfjs-wasm'] as const) {
    for (const { net, inSize } of NETS) {
      it(`${net.name} on ${kname}: fixed faults (shared resident weight faults, PE registers)`, () => {
        const kernel = kernels.get(kname)!;
        expect(kernel.batchInvariant).toBe(true);
        const before = { ...wasmCalls };
        const o = scenario(net, inSize, kernel, fixedFaults(net));
        expect(o.corrupted).toBeGreaterThan(0);
        expect(o.masked).toBeGreaterThan(0);
        expect(o.rowsReuse).toBeGreaterThan(0);
        expect(o.rowsFresh).toBe(2 * o.rowsReuse);
        // the WebAssembly chains ran, on groups of more than four images, and on images whose
        // faulty inputs differ from their golden ones
        expect(wasmCalls.calls).toBeGreaterThan(before.calls);
        expect(wasmCalls.differing).toBeGreaterThan(before.differing);
        expect(wasmCalls.maxJobs).toBeGreaterThan(4);
        expect(wasmCalls.vector).toBeGreaterThan(before.vector);
      });

      it(`${net.name} on ${kname}: random faults`, () => {
        const kernel = kernels.get(kname)!;
        const images = seeded(N_IMAGES * inSize, 51);
        const golden = goldenOf(net, images, counting(kernel, { rows: 0 }));
        const runs = 30;
        let corrupting = 0;
        let masking = 0;
        let onKernel = 0;
        fc.assert(
          fc.property(faultsArb(net), (records) => {
            const o = scenario(net, inSize, kernel, records, golden);
            if (o.corrupted > 0) corrupting++;
            if (o.masked > 0) masking++;
            if (o.rowsReuse > 0) onKernel++;
          }),
          { numRuns: runs, seed: kname === 'js' ? 61 : 62 },
        );
        expect(corrupting).toBeGreaterThan(runs / 3);
        expect(masking).toBeGreaterThan(runs / 3);
        expect(onKernel).toBeGreaterThan(runs / 4);
      });
    }
  }

  it('the comparison notices a kernel whose rows change with the batch (it only claims invariance)', () => {
    // golden on the honest js kernel; the faulty engine on one of the same name that flips the
    // last bit of every result: with reuse its faulty rows meet the honest golden rows
    const honest = kernels.get('js')!;
    const flip = (o: Float32Array): Float32Array => {
      const u = new Uint32Array(o.buffer, o.byteOffset, o.length);
      for (let i = 0; i < u.length; i++) u[i] ^= 1;
      return o;
    };
    const liar: GemmKernel = { ...honest, matmul: (a, b, M, K, N) => flip(honest.matmul(a, b, M, K, N)), conv2d: (x, n, g, w, e) => flip(honest.conv2d!(x, n, g, w, e)) };
    expect(liar.batchInvariant).toBe(true);
    const { net, inSize } = NETS[1];
    const golden = goldenOf(net, seeded(N_IMAGES * inSize, 51), honest);
    const r = resolveFaults(S, fixedFaults(net), 1);
    if (!r.ok) throw new Error(r.reason);
    const opts = { kernel: liar, kernelShare: 0, kernelMinMacs: 0 };
    const reuse = runFaulty(golden, S, r.value, { ...opts, reuseGolden: true });
    const fresh = runFaulty(golden, S, r.value, { ...opts, reuseGolden: false });
    expect(() => expectSameRun(reuse, fresh, 'lying kernel')).toThrow();
    expect(reuse.layers.reduce((a, l) => a + l.corrupted, 0)).toBeGreaterThan(fresh.layers.reduce((a, l) => a + l.corrupted, 0));
  });
});

describe('the same paths agree in fp16 and int8 (output rounding and requantization on the kernel rows)', () => {
  const formats: NumericFormat[] = [{ kind: 'fp16' }, { kind: 'int8', intBits: 3, fracBits: 4 }];
  for (const format of formats) {
    for (const kname of ['js', 'tfjs-wasm'] as const) {
      for (const { net, inSize } of NETS) {
        it(`${net.name} on ${kname}, ${formatLabel(format)}: fixed faults`, () => {
          S = specOf(format);
          try {
            const o = scenario(net, inSize, kernels.get(kname)!, fixedFaults(net));
            expect(o.corrupted).toBeGreaterThan(0);
            expect(o.masked).toBeGreaterThan(0);
            expect(o.rowsReuse).toBeGreaterThan(0);
            expect(o.rowsFresh).toBe(2 * o.rowsReuse);
          } finally {
            S = specOf({ kind: 'fp32' });
          }
        });
      }
    }
  }
});

describe('the same paths agree with ECC on every SRAM and tanh-saturated weights (transform unit before the PE register)', () => {
  const safConv: Network = { ...convPool, name: 'conv2-saf', layers: convPool.layers.map((l) => (l.kind === 'conv2d' || l.kind === 'dense' ? { ...l, weightTransform: 'tanh' as const } : l)) };
  const eccSpec: ArraySpec = { ...specOf({ kind: 'fp32' }), ecc: { weightSram: true, ifmapSram: true, ofmapSram: true } };
  for (const kname of ['js', 'tfjs-wasm'] as const) {
    it(`${safConv.name} on ${kname}, ECC: fixed faults with a double error (DUE) and random faults`, () => {
      S = eccSpec;
      try {
        const l0 = weightWords(safConv, 0);
        const P = planRun(safConv, S).inferenceCycles;
        const fixed: FaultRecord[] = [
          ...fixedFaults(safConv),
          { target: 'weightSram', kind: 'mbu', bits: [28, 29], location: { kind: 'address', address: l0.base + 9 }, window: { start: 2 * P } },
        ];
        const o = scenario(safConv, 72, kernels.get(kname)!, fixed);
        expect(o.corrupted).toBeGreaterThan(0);
        expect(o.dues).toBe(N_IMAGES - 2); // resident word read by inferences 2..10
        const images = seeded(N_IMAGES * 72, 51);
        const golden = goldenOf(safConv, images, counting(kernels.get(kname)!, { rows: 0 }));
        let corrupting = 0;
        fc.assert(
          fc.property(faultsArb(safConv), (records) => {
            if (scenario(safConv, 72, kernels.get(kname)!, records, golden).corrupted > 0) corrupting++;
          }),
          { numRuns: 12, seed: 63 },
        );
        expect(corrupting).toBeGreaterThan(2);
      } finally {
        S = specOf({ kind: 'fp32' });
      }
    });
  }
});
