import { describe, expect, it } from 'vitest';
import { BITS_PER_MBIT, checkRates, FIT_PRESETS, fitPerBit, fitReport } from '../../campaign/fit';

describe('FIT = raw rate x bits x AVF', () => {
  // Hand computation: weight SRAM of exactly 1 Mbit at 1,000 FIT/Mbit -> raw 1,000 FIT; 25 SDC and
  // 5 DUE sites of 100 -> FIT_SDC 250, FIT_DUE 50. psum registers: 64 PEs x 32 bits = 2,048 flops
  // at 0.001 FIT/flop -> raw 2.048 FIT; 10 SDC sites of 50 -> 0.4096 FIT. Total SDC 250.4096 FIT.
  // Wilson 95% of 25/100 = [0.175452, 0.343045] (computed by hand from the score formula).
  const rates = { sramFitPerMbit: 1000, registerFitPerFlop: 0.001, source: 'test' };
  const r = fitReport([
    { target: 'weightSram', bits: BITS_PER_MBIT, tally: { sites: 100, masked: 60, tolerable: 10, sdc: 25, due: 5 } },
    { target: 'pe.psum', bits: 64 * 32, tally: { sites: 50, masked: 40, tolerable: 0, sdc: 10, due: 0 } },
  ], rates);

  it('per structure', () => {
    const [w, p] = r.structures;
    expect(w!.rawFit).toBeCloseTo(1000, 9);
    expect(w!.fitSdc.mean).toBeCloseTo(250, 9);
    expect(w!.fitDue.mean).toBeCloseTo(50, 9);
    expect(w!.fitSdc.lo).toBeCloseTo(175.4521, 3);
    expect(w!.fitSdc.hi).toBeCloseTo(343.0446, 3);
    expect(p!.rawFit).toBeCloseTo(2.048, 12);
    expect(p!.fitSdc.mean).toBeCloseTo(0.4096, 12);
    expect(p!.fitDue).toEqual({ mean: 0, lo: 0, hi: expect.any(Number) });
    expect(p!.fitDue.hi).toBeGreaterThan(0);
  });

  it('total: sum of means; interval from Bonferroni-adjusted per-structure bounds (wider than 95% each)', () => {
    expect(r.total.rawFit).toBeCloseTo(1002.048, 9);
    expect(r.total.fitSdc.mean).toBeCloseTo(250.4096, 9);
    expect(r.total.fitSdc.lo).toBeLessThan(r.structures[0]!.fitSdc.lo + r.structures[1]!.fitSdc.lo);
    expect(r.total.fitSdc.hi).toBeGreaterThan(r.structures[0]!.fitSdc.hi + r.structures[1]!.fitSdc.hi);
    expect(r.total.fitSdc.lo).toBeGreaterThan(0);
  });

  it('rates per Mbit and per flop, presets, validation', () => {
    expect(fitPerBit('ifmapSram', rates)).toBeCloseTo(1000 / 1048576, 15);
    expect(fitPerBit('pe.weight', rates)).toBe(0.001);
    expect(fitPerBit('pe.weight', { sramFitPerMbit: 5, registerFitPerMbit: 2, source: '' })).toBeCloseTo(2 / 1048576, 15);
    expect(FIT_PRESETS.iec61508!.sramFitPerMbit).toBe(1200);
    expect(checkRates({ sramFitPerMbit: -1, source: '' }).ok).toBe(false);
    expect(checkRates(FIT_PRESETS.unit!).ok).toBe(true);
  });
});
