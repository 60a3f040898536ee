/** Chunked, layer-major processing and batched kernel calls give the same result as image by image. */
import { describe, expect, it } from 'vitest';
import type { FaultRecord } from '../../../sim/faults/types';
import { planRun } from '../../../sim/engine/faultyPlan';
import { arrayOrderKernel, bitsOf, runBoth, seeded, spec, tinyNet } from './faultyHelpers';

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
