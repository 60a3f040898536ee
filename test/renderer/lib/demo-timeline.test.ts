import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { corruptedHere, demoCaption, firstFaultCycle, revealedLayers } from '../../../renderer/src/lib/demo';
import { nextEdge, niceStep } from '../../../renderer/src/lib/timeline';
import { PALETTE, protectionColor } from '../../../renderer/src/lib/colors';

const layer = (name: string, start: number, cycles: number, golden: number[], faulty: number[]) => ({
  index: 0, name, kind: 'conv2d', unit: 'array' as const, shape: [1, 1, golden.length] as [number, number, number], start, cycles, folds: 1,
  corrupted: 0, total: golden.length, maxAbsDelta: 0, relL2: 0, maskedInArray: 0, maskedByActivation: 0, maskedDownstream: 0, golden, faulty,
});

describe('demo helpers', () => {
  it('a layer counts as finished at its last cycle, so the last cycle reveals every layer', () => {
    const ls = [layer('a', 0, 10, [1], [1]), layer('b', 10, 5, [1], [1]), layer('c', 15, 3, [1], [1])];
    expect(revealedLayers(ls, 8)).toBe(0);
    expect(revealedLayers(ls, 9)).toBe(1);
    expect(revealedLayers(ls, 17)).toBe(3); // T - 1 with T = 18
  });

  it('counts differing outputs of the shown image, non-finite (null) included', () => {
    expect(corruptedHere({ golden: [1, 2, 3, null], faulty: [1, 5, null, null] })).toBe(2);
  });

  it('captions: before the fault, its appearance, the spread, and the prediction at the end', () => {
    const run = {
      runId: 'r', model: 'm', protection: 'relu', trained: true, rows: 4, cols: 4, dataflow: 'ws' as const, format: 'fp32', images: 2, viewImage: 1,
      inferenceCycles: 20, totalCycles: 40, seed: 0, trace: [], faultCount: 1, sramWords: { weightSram: 1, ifmapSram: 1, ofmapSram: 1 },
      faults: [{ target: 'pe.psum' as const, kind: 'stuckAt1' as const, address: -1, row: 3, col: 5, bits: [30], start: 25, end: null, touches: 1 }],
      layers: [layer('conv1', 0, 10, [1, 2], [1, 9]), layer('fc', 10, 10, [1], [4])],
      input: [], inputShape: [1, 1, 1] as [number, number, number], goldenPredictions: [0, 7], faultyPredictions: [0, 5], labels: [0, 7], touchedImages: [1], elapsedMs: 1,
    };
    expect(firstFaultCycle(run)).toBe(5);
    expect(demoCaption(run, 2, 0)).toMatch(/^Inference 1: fault-free so far; the fault appears at cycle 5\./);
    expect(demoCaption(run, 6, 0)).toMatch(/^Fault appears: stuckAt1 on pe\.psum at PE \(3, 5\)/);
    expect(demoCaption(run, 12, 1)).toBe('The fault spreads through conv1: 1 of 2 outputs corrupted.');
    expect(demoCaption(run, 19, 2)).toBe('Prediction: golden 7, faulty 5 (label 7): the fault changed the answer.');
  });
});

describe('timeline helpers', () => {
  it('ruler steps are 1-2-5 and at least the raw step', () => {
    fc.assert(fc.property(fc.double({ min: 1, max: 1e9, noNaN: true }), (raw) => {
      const s = niceStep(raw);
      const m = s / 10 ** Math.floor(Math.log10(s));
      return s >= raw && s < raw * 5.0001 && [1, 2, 5].some((k) => Math.abs(m - k) < 1e-9);
    }));
  });

  it('jumps to the next / previous event of a kind, strictly after / before the cursor', () => {
    const edges = [{ cycle: 5, kind: 'fault' as const }, { cycle: 10, kind: 'state' as const }, { cycle: 20, kind: 'fault' as const }];
    expect(nextEdge(edges, 5, 'fault', 1)).toBe(20);
    expect(nextEdge(edges, 5, 'fault', -1)).toBeNull();
    expect(nextEdge(edges, 15, 'state', -1)).toBe(10);
    expect(nextEdge(edges, 20, 'fault', 1)).toBeNull();
  });
});

describe('protection colours', () => {
  it('every catalogue protection has its own fixed colour; any id gets a palette colour, always the same', () => {
    const ids = ['relu', 'ranger', 'clipact', 'fitact', 'proact', 'saf', 'proact+saf', 'ecc', 'ptq', 'qat', 'saq', 'ptq+ecc'];
    expect(new Set(ids.map(protectionColor)).size).toBe(ids.length);
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 20 }), (id) => protectionColor(id) === protectionColor(id) && (PALETTE as readonly string[]).includes(protectionColor(id))));
  });
});
