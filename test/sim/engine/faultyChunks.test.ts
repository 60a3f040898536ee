/** Chunked, layer-major processing and batched kernel calls give the same result as image by image. */
import { describe, expect, it } from 'vitest';
import type { FaultRecord } from '../../../sim/faults/types';
import { planRun } from '../../../sim/engine/faultyPlan';
import { arrayOrderKernel, bitsOf, runBoth, seeded, spec, tinyNet } from './faultyHelpers';
import { runGolden } from '../../../sim/engine/golden';
import { runFaulty } from '../../../sim/engine/faulty';
import { resolveFaults } from '../../../sim/faults/resolve';

describe('faulty engine chunking', () => {
  for (const df of ['ws', 'is'] as const) {
    it(`chunk sizes 1, 2, 64 and the batched kernel path agree with the reference (${df})`, () => {
      const net = tinyNet(9);
      const s = spec(4, 3, df, { kind: 'fp32' }, 4); // resident weights: a flip persists into later inferences
      const P = planRun(net, s).inferenceCycles;
      const recs: FaultRecord[] = [
        { target: 'weightSram', kind: 'seu', location: { kind: 'address', address: 20 }, bits: [29], window: { start: P + 3 } },
        { target: 'pe.psum', kind: 'stuckAt1', location: { kind: 'pe', row: 2, col: 1 }, bits: [27], window: { start: 3 * P, end: 4 * P } },
      ];
      const images = seeded(5 * 72, 31);
      const runs = [
        runBoth(net, s, images, recs, 1, { chunk: 1 }),
        runBoth(net, s, images, recs, 1, { chunk: 2, kernel: arrayOrderKernel, kernelShare: 0, kernelMinMacs: 0 }),
        runBoth(net, s, images, recs, 1, { kernel: arrayOrderKernel, kernelShare: 0, kernelMinMacs: 0 }),
      ];
      expect(runs[0].engine.touchedImages).toEqual([1, 2, 3, 4]);
      for (const c of runs) {
        for (let L = 0; L < net.layers.length; L++) {
          for (let img = 0; img < 5; img++) {
            const size = c.reference[L].length / 5;
            expect(bitsOf(c.engine.output(L, img))).toEqual(bitsOf(c.reference[L].subarray(img * size, (img + 1) * size)));
          }
          expect(c.engine.layers[L].corrupted).toBe(runs[0].engine.layers[L].corrupted);
        }
      }
      expect(runs[0].engine.layers[3].corrupted).toBeGreaterThan(0);
    });
  }
});

describe('softmax output layer', () => {
  it('kernel path and array-order path agree (whole pixels), faults in and before the softmax layer', () => {
    const base = tinyNet(10);
    const net = { ...base, layers: base.layers.map((l) => (l.name === 'fc' ? { ...l, activation: { kind: 'softmax' as const } } : l)) };
    const s = spec(4, 3, 'ws', { kind: 'fp32' }, 4);
    const P = planRun(net, s).inferenceCycles;
    const recs: FaultRecord[] = [
      { target: 'weightSram', kind: 'seu', location: { kind: 'address', address: 7 }, bits: [28], window: { start: 0 } }, // conv weight
      { target: 'pe.psum', kind: 'seu', location: { kind: 'pe', row: 0, col: 1 }, bits: [26], window: { start: 2 * P - 20 } }, // fc, image 1
    ];
    const images = seeded(3 * 72, 41);
    // (the cycle reference has no softmax: compare the engine's two paths)
    const g = runGolden(net, images, s, arrayOrderKernel, { useConv2d: false });
    const r = resolveFaults(s, recs, 1);
    if (!g.ok || !r.ok) throw new Error('setup');
    const js = runFaulty(g.value, s, r.value);
    const kr = runFaulty(g.value, s, r.value, { kernel: arrayOrderKernel, kernelShare: 0, kernelMinMacs: 0 });
    expect(js.layers[3].corrupted).toBeGreaterThan(0);
    for (let L = 0; L < net.layers.length; L++) {
      expect(kr.layers[L].corrupted).toBe(js.layers[L].corrupted);
      for (let img = 0; img < 3; img++) expect(bitsOf(kr.output(L, img))).toEqual(bitsOf(js.output(L, img)));
    }
  });
});

/** The engine's diffs list exactly the outputs whose reference bits differ from golden (the golden
 * run sums in array order here), each once, and the corrupted counts match. */
function expectExactDiffs(c: ReturnType<typeof runBoth>, nImg: number): void {
  c.engine.diffs.forEach((layerDiffs, L) => {
    const size = c.reference[L].length / nImg;
    const ref = new Uint32Array(c.reference[L].slice().buffer);
    const gold = new Uint32Array(c.golden.layers[L].output.slice().buffer);
    let count = 0;
    for (let img = 0; img < nImg; img++) {
      const expected: number[] = [];
      for (let e = 0; e < size; e++) if (ref[img * size + e] !== gold[img * size + e]) expected.push(e);
      const d = layerDiffs.find((x) => x.image === img);
      expect(d ? Array.from(d.indices) : []).toEqual(expected);
      count += expected.length;
    }
    expect(c.engine.layers[L].corrupted).toBe(count);
  });
}

describe('images sharing persistent weight faults (batched array-order recompute)', () => {
  for (const df of ['ws', 'os', 'is'] as const) {
    for (const format of [{ kind: 'fp32' as const }, { kind: 'fp16' as const }]) {
      it(`9 images, resident weights, SEUs in conv and dense weights, ${format.kind} (${df})`, () => {
        const net = tinyNet(12);
        const s = spec(4, 3, df, format, 4); // resident weights: every later inference sees the flips
        const P = planRun(net, s).inferenceCycles;
        const recs: FaultRecord[] = [
          { target: 'weightSram', kind: 'seu', location: { kind: 'address', address: 11 }, bits: [format.kind === 'fp32' ? 27 : 13], window: { start: 5 } }, // conv weight
          { target: 'weightSram', kind: 'mbu', location: { kind: 'address', address: 70 }, bits: format.kind === 'fp32' ? [24, 25] : [11, 12], window: { start: P + 2 } }, // dense weight
          { target: 'weightSram', kind: 'seu', location: { kind: 'address', address: 100 }, bits: [format.kind === 'fp32' ? 30 : 14], window: { start: 2 * P + 7 } },
        ];
        const nImg = 9;
        const images = seeded(nImg * 72, 53);
        const c = runBoth(net, s, images, recs, 1);
        // at least 4 images share the same faults (a full interleaved block) and something changes
        expect(c.engine.touchedImages.length).toBeGreaterThanOrEqual(8);
        expect(c.engine.layers[0].corrupted + c.engine.layers[3].corrupted).toBeGreaterThan(0);
        for (let L = 0; L < net.layers.length; L++) {
          const size = c.reference[L].length / nImg;
          for (let img = 0; img < nImg; img++) expect(bitsOf(c.engine.output(L, img))).toEqual(bitsOf(c.reference[L].subarray(img * size, (img + 1) * size)));
        }
        expectExactDiffs(c, nImg);
      });
    }
  }
});

describe('images with a direct dense-weight fault and changed dense inputs (batched, blocks of 4)', () => {
  for (const df of ['ws', 'is'] as const) {
    for (const format of [{ kind: 'fp32' as const }, { kind: 'fp16' as const }]) {
      it(`10 images, resident weights, conv and dense SEUs from the first inference, ${format.kind} (${df})`, () => {
        const net = tinyNet(14, 'linear'); // linear conv: the conv fault reaches the dense layer's inputs
        const s = spec(4, 3, df, format, 4);
        const recs: FaultRecord[] = [
          { target: 'weightSram', kind: 'seu', location: { kind: 'address', address: 4 }, bits: [format.kind === 'fp32' ? 26 : 12], window: { start: 0 } }, // conv weight
          { target: 'weightSram', kind: 'seu', location: { kind: 'address', address: 90 }, bits: [format.kind === 'fp32' ? 25 : 11], window: { start: 0 } }, // dense weight
        ];
        const nImg = 10;
        const images = seeded(nImg * 72, 57);
        const c = runBoth(net, s, images, recs, 1);
        // every image: changed inputs of the dense layer and a direct fault there
        for (let img = 0; img < nImg; img++) expect(c.engine.diffs[2].some((d) => d.image === img)).toBe(true);
        expect(c.engine.layers[3].corrupted).toBeGreaterThan(0);
        for (let L = 0; L < net.layers.length; L++) {
          const size = c.reference[L].length / nImg;
          for (let img = 0; img < nImg; img++) expect(bitsOf(c.engine.output(L, img))).toEqual(bitsOf(c.reference[L].subarray(img * size, (img + 1) * size)));
        }
        expectExactDiffs(c, nImg);
      });
    }
  }
});

describe('images sharing a dense-weight fault, no upstream change (batched, blocks of 4)', () => {
  for (const df of ['ws', 'os', 'is'] as const) {
    it(`9 images, resident weights, two dense-weight SEUs from the first inference, fp32 (${df})`, () => {
      const net = tinyNet(16);
      const s = spec(4, 3, df, { kind: 'fp32' }, 4);
      const recs: FaultRecord[] = [
        { target: 'weightSram', kind: 'seu', location: { kind: 'address', address: 61 }, bits: [27], window: { start: 0 } },
        { target: 'weightSram', kind: 'seu', location: { kind: 'address', address: 150 }, bits: [29], window: { start: 0 } },
      ];
      const nImg = 9;
      const images = seeded(nImg * 72, 59);
      const c = runBoth(net, s, images, recs, 1);
      expect(c.engine.layers[0].corrupted).toBe(0); // only the dense layer is faulty
      expect(c.engine.layers[3].corrupted).toBeGreaterThanOrEqual(nImg);
      for (let L = 0; L < net.layers.length; L++) {
        const size = c.reference[L].length / nImg;
        for (let img = 0; img < nImg; img++) expect(bitsOf(c.engine.output(L, img))).toEqual(bitsOf(c.reference[L].subarray(img * size, (img + 1) * size)));
      }
      expectExactDiffs(c, nImg);
    });
  }
});
