/**
 * The RReLU authors' fault model as a BER definition of weight-SRAM points ("rrelu": Q15.16 words,
 * per-tensor fault counts; models/protections/exposure.ts corruptRreluModel) through the pipeline
 * and the campaign schema; other targets and ECC are refused naming faults.definition.
 */
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/run';
import type { RunDeclaration } from '../../pipeline/types';
import { parseCampaign } from '../../campaign/schema';
import { berDoc } from '../campaign/helpers';

const decl = (protection: string, target: 'weightSram' | 'ifmapSram', ber: number): RunDeclaration => ({
  model: 'lenet5', protection, format: { kind: 'fp32' }, array: { rows: 16, cols: 16, dataflow: 'ws' }, kernel: 'tfjs-wasm',
  faults: { kind: 'ber', target, ber, definition: 'rrelu', faultKind: 'seu', seed: 12 }, images: { start: 0, count: 20 },
});

describe('rrelu BER definition', () => {
  it('weight-SRAM points run with per-tensor fault counts; the same seed gives the same count for relu and more for bounded nets', async () => {
    const relu = await runPipeline(decl('relu', 'weightSram', 1e-4));
    const fit = await runPipeline(decl('fitact', 'weightSram', 1e-4));
    if (!relu.ok || !fit.ok) throw new Error(relu.ok ? (fit as { reason: string }).reason : relu.reason);
    expect(relu.value.faultCount).toBeGreaterThan(0);
    expect(relu.value.faulty.layers.some((l) => l.corrupted > 0)).toBe(true);
    expect(fit.value.faultCount).toBeGreaterThanOrEqual(relu.value.faultCount);
    const again = await runPipeline(decl('relu', 'weightSram', 1e-4));
    if (!again.ok) throw new Error(again.reason);
    expect(Array.from(again.value.faulty.output)).toEqual(Array.from(relu.value.faulty.output));
  }, 120_000);

  it('refuses other targets and ECC, naming faults.definition; the campaign schema accepts it', async () => {
    const a = await runPipeline(decl('relu', 'ifmapSram', 1e-4));
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.path).toBe('faults.definition');
    const b = await runPipeline(decl('ecc', 'weightSram', 1e-4));
    expect(b.ok).toBe(false);
    if (!b.ok) expect(b.reason).toMatch(/no ECC model/);
    const c = parseCampaign(berDoc({ faults: { kind: 'ber', targets: ['weightSram'], ber: [1e-5], definition: 'rrelu' } }), 'c.json');
    expect(c.ok, c.ok ? '' : c.reason).toBe(true);
  }, 60_000);
});
