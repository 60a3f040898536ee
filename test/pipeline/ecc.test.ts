/**
 * ECC is hardware inside the cycle model on every path of the pipeline: a protection with `ecc`
 * gives the three SRAMs SEC-DED, so a single flipped bit in an ifmap / weight word is corrected
 * (output equals golden) where the unprotected run is corrupted, and a double error in one word is
 * a DUE for the inference that reads it (not silently a value).
 */
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/run';
import type { FaultRecord } from '../../sim/faults/types';
import type { RunDeclaration } from '../../pipeline/types';

const base = (protection: string, records: FaultRecord[]): RunDeclaration => ({
  model: 'lenet5', protection, format: { kind: 'fp32' }, array: { rows: 16, cols: 16, dataflow: 'ws' }, kernel: 'tfjs-wasm',
  faults: { kind: 'faults', records, seed: 1 }, images: { start: 0, count: 3 },
});
const seu = (target: FaultRecord['target'], address: number, bits: number[], start: number): FaultRecord =>
  ({ target, kind: bits.length > 1 ? 'mbu' : 'seu', bits, location: { kind: 'address', address }, window: { start } });

describe('ECC in the pipeline (engine path)', () => {
  it('a single flip in an ifmap word: relu corrupted, ecc corrected; a double flip: a DUE under ecc', async () => {
    // conv1 input word 300 (a pixel of the digit) at cycle 5 of inference 0, exponent MSB
    const single = [seu('ifmapSram', 300, [30], 5)];
    const relu = await runPipeline(base('relu', single));
    const ecc = await runPipeline(base('ecc', single));
    if (!relu.ok || !ecc.ok) throw new Error(relu.ok ? (ecc as { reason: string }).reason : relu.reason);
    expect(ecc.value.spec.ecc).toEqual({ weightSram: true, ifmapSram: true, ofmapSram: true });
    expect(relu.value.spec.ecc).toBeUndefined();
    expect(relu.value.faulty.layers[0]!.corrupted).toBeGreaterThan(0);
    expect(ecc.value.faulty.layers.every((l) => l.corrupted === 0)).toBe(true);
    expect(Array.from(ecc.value.faulty.due)).toEqual([0, 0, 0]);
    const double = await runPipeline(base('ecc', [seu('ifmapSram', 300, [29, 30], 5)]));
    if (!double.ok) throw new Error(double.reason);
    expect(double.value.faulty.due[0]).toBe(1);
    expect(double.value.faulty.due[1]).toBe(0);
  }, 120_000);

  it('weight-SRAM BER points: ecc corrects what relu does not (same data flips, paired draws)', async () => {
    const point = (protection: string): RunDeclaration => ({
      ...base(protection, []), images: { start: 0, count: 20 },
      faults: { kind: 'ber', target: 'weightSram', ber: 2e-5, definition: 'per-bit', faultKind: 'seu', seed: 8 },
    });
    const relu = await runPipeline(point('relu'));
    const ecc = await runPipeline(point('ecc'));
    if (!relu.ok || !ecc.ok) throw new Error('run');
    expect(relu.value.faultCount).toBeGreaterThan(0);
    expect(relu.value.faulty.layers.some((l) => l.corrupted > 0)).toBe(true);
    expect(ecc.value.faultCount).toBeGreaterThanOrEqual(relu.value.faultCount); // check bits hit too
    expect(ecc.value.faulty.layers.every((l) => l.corrupted === 0)).toBe(true); // all single errors at this BER
  }, 120_000);
});
