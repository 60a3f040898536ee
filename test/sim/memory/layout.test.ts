import { describe, expect, it } from 'vitest';
import { addressOf, bankOf, elementsAt, isTiled, memoryLayout, sramWords } from '../../../sim/memory/layout';
import { planRun } from '../../../sim/engine/faultyPlan';
import { spec, tinyNet } from '../engine/faultyHelpers';

describe('memory layout', () => {
  const net = tinyNet(); // conv: 54 weights, input 72, output 108; fc: 108 weights, input 27, output 4
  it('word capacity = KiB * 8192 / word bits', () => {
    expect(sramWords(4, 32)).toBe(1024);
    expect(sramWords(1, 16)).toBe(512);
    expect(sramWords(0.5, 8)).toBe(512);
  });
  it('resident weights: all layers back to back, never tiled', () => {
    const s = spec(4, 3, 'ws', { kind: 'fp32' }, 4);
    const lay = memoryLayout(s, net, planRun(net, s));
    expect(lay.weightsResident).toBe(true);
    expect(lay.layers[0]!.weightBase).toBe(0);
    expect(lay.layers[3]!.weightBase).toBe(54);
    expect(addressOf(lay, 'weightSram', 3, 10)).toBe(64);
    expect(elementsAt(lay, 'weightSram', 3, 64)).toEqual([10]);
    expect(elementsAt(lay, 'weightSram', 0, 64)).toEqual([]);
    expect(lay.layers[1]).toBeNull(); // pooling runs in the vector unit
  });
  it('non-resident: each layer from address 0; larger operands tiled at e mod capacity', () => {
    const s = { ...spec(4, 3, 'ws', { kind: 'fp32' }), sram: { weightKiB: 0.25, ifmapKiB: 0.25, ofmapKiB: 0.5, banks: 4 } }; // 64, 64, 128 words
    const lay = memoryLayout(s, net, planRun(net, s));
    expect(lay.weightsResident).toBe(false);
    expect(isTiled(lay, 'weightSram', 0)).toBe(false);
    expect(isTiled(lay, 'weightSram', 3)).toBe(true);
    expect(elementsAt(lay, 'weightSram', 3, 5)).toEqual([5, 69]);
    expect(elementsAt(lay, 'weightSram', 0, 5)).toEqual([5]);
    expect(elementsAt(lay, 'weightSram', 0, 60)).toEqual([]);
    expect(isTiled(lay, 'ifmapSram', 0)).toBe(true);
    expect(elementsAt(lay, 'ifmapSram', 0, 7)).toEqual([7, 71]);
    expect(isTiled(lay, 'ofmapSram', 0)).toBe(false);
    expect(addressOf(lay, 'ifmapSram', 0, 70)).toBe(6);
  });
  it('banks are word-interleaved', () => {
    const s = { ...spec(2, 2, 'os'), sram: { weightKiB: 1, ifmapKiB: 1, ofmapKiB: 1, banks: 4 } };
    const lay = memoryLayout(s, net, planRun(net, s));
    expect(bankOf(lay, 0)).toEqual({ bank: 0, row: 0 });
    expect(bankOf(lay, 13)).toEqual({ bank: 1, row: 3 });
  });
});
