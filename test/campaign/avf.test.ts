import { describe, expect, it } from 'vitest';
import { avfEstimate, domainSites, drawSite, estimateAvf, siteRecord, structureSizes, tallySite, NO_SITES, type AvfDomain } from '../../campaign/avf';
import { engineSiteRunner } from '../../campaign/avf-engine';
import { runGolden } from '../../sim/engine/golden';
import { planRun } from '../../sim/engine/faultyPlan';
import { memoryLayout } from '../../sim/memory/layout';
import type { Network } from '../../sim/layers/types';
import { arrayOrderKernel, denseNet, seeded, spec } from '../sim/engine/faultyHelpers';

const S = spec(8, 8, 'ws');

function golden(net: Network, images = 1) {
  const g = runGolden(net, seeded(net.input.h * net.input.w * net.input.c * images, 11), S, arrayOrderKernel, { useConv2d: false });
  if (!g.ok) throw new Error(g.reason);
  return g.value;
}

/** Two dense layers 6 -> 6 -> 4 (linear): layer "a" runs first, "b" last. */
const twoLayer: Network = {
  name: 'two', input: { h: 1, w: 1, c: 6 },
  layers: [
    { kind: 'dense', name: 'a', inF: 6, outF: 6, weights: seeded(36, 21), bias: null, activation: { kind: 'linear' } },
    { kind: 'dense', name: 'b', inF: 6, outF: 4, weights: seeded(24, 22), bias: null, activation: { kind: 'linear' } },
  ],
};

describe('AVF sites', () => {
  it('draws are uniform over the domain and a pure function of the seed', () => {
    const d: AvfDomain = { target: 'ifmapSram', firstUnit: 10, units: 5, bitsPerUnit: 8, cycles: 3 };
    expect(domainSites(d)).toBe(120);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const s = drawSite(d, i);
      expect(s.unit).toBeGreaterThanOrEqual(10); expect(s.unit).toBeLessThan(15);
      expect(s.bit).toBeLessThan(8); expect(s.cycle).toBeLessThan(3);
      seen.add(`${s.unit}/${s.bit}/${s.cycle}`);
    }
    expect(seen.size).toBe(120);
    expect(drawSite(d, 7)).toEqual(drawSite(d, 7));
    expect(siteRecord(S, 'pe.psum', { unit: 19, bit: 3, cycle: 5 })).toMatchObject({ location: { kind: 'pe', row: 2, col: 3 }, bits: [3], window: { start: 5 }, kind: 'seu' });
  });

  it('structure sizes come from the layout: used SRAM words and R x C registers', () => {
    const sz = structureSizes(S, twoLayer);
    expect(sz.weightSram).toMatchObject({ units: 36 + 24, bitsPerUnit: 32, bits: 60 * 32 }); // resident
    expect(sz.ifmapSram.units).toBe(6);
    expect(sz.ofmapSram.units).toBe(6);
    expect(sz['pe.psum']).toMatchObject({ units: 64, bitsPerUnit: 32 });
    expect(sz['pe.weight'].bits).toBe(64 * 32);
  });

  it('estimate and Wilson interval', () => {
    let t = NO_SITES;
    for (const c of ['sdc', 'sdc', 'masked', 'due', 'tolerable'] as const) t = tallySite(t, c);
    const e = avfEstimate(t);
    expect(e.sites).toBe(5);
    expect(e.sdc.mean).toBeCloseTo(0.4, 12);
    expect(e.due.mean).toBeCloseTo(0.2, 12);
    expect(e.sdc.lo).toBeLessThan(0.4); expect(e.sdc.hi).toBeGreaterThan(0.4);
  });
});

describe('AVF on the engine (residency aware)', () => {
  it('a structure the network never reads has AVF 0; the part it reads does not', async () => {
    const net = denseNet(4, 2); // WS on 8x8: only PEs rows 0..3, cols 0..1 hold weights
    const g = golden(net);
    const run = engineSiteRunner(g, S);
    const cycles = planRun(net, S).inferenceCycles;
    const unused: AvfDomain = { target: 'pe.weight', firstUnit: 4 * 8, units: 4 * 8, bitsPerUnit: 32, cycles };
    const t0 = await estimateAvf(S, unused, 200, (i) => i + 1, run);
    expect(t0).toEqual({ sites: 200, masked: 200, tolerable: 0, sdc: 0, due: 0 });
    const a0 = avfEstimate(t0);
    expect(a0.sdc).toMatchObject({ mean: 0, lo: 0 });
    expect(a0.sdc.hi).toBeLessThan(0.02);
    // SRAM words past the ones the network occupies: never written, never read
    const layout = memoryLayout(S, net, planRun(net, S));
    const used = 4 * 2;
    const idle: AvfDomain = { target: 'weightSram', firstUnit: used, units: layout.capacity.weightSram - used, bitsPerUnit: 32, cycles };
    expect((await estimateAvf(S, idle, 100, (i) => i + 1, run)).masked).toBe(100);
    // contrast: the used weight registers do corrupt outputs
    const usedPe: AvfDomain = { target: 'pe.weight', firstUnit: 0, units: 2, bitsPerUnit: 32, cycles }; // PE (0,0), (0,1)
    const t1 = await estimateAvf(S, usedPe, 200, (i) => i + 1, run);
    expect(t1.masked).toBeLessThan(200);
  });

  it('a weight word read early is vulnerable for a shorter share of the run than one read late', async () => {
    const g = golden(twoLayer);
    const run = engineSiteRunner(g, S, { rule: { nonFinite: 'never' } });
    const plan = planRun(twoLayer, S);
    const C = plan.inferenceCycles;
    const la = plan.layers[0];
    expect(la!.start + la!.cycles).toBeLessThan(C);
    // word 0 holds a[0][0] (read in layer a), word 36 holds b[0][0] (read in layer b); bit 30 flips
    // the top exponent bit, which no fp32 value survives unchanged
    const vulnerableCycles = async (address: number): Promise<number[]> => {
      const out: number[] = [];
      for (let c = 0; c < C; c++) {
        const cls = await run(siteRecord(S, 'weightSram', { unit: address, bit: 30, cycle: c }), { unit: address, bit: 30, cycle: c });
        if (cls !== 'masked') out.push(c);
      }
      return out;
    };
    const early = await vulnerableCycles(0);
    const late = await vulnerableCycles(36);
    // residency: vulnerable from the write (cycle 0) up to the last read, masked after it
    expect(early[0]).toBe(0);
    expect(early).toEqual(Array.from({ length: early.length }, (_, i) => i));
    expect(early.length).toBeLessThanOrEqual(la!.start + la!.cycles);
    expect(late).toEqual(Array.from({ length: late.length }, (_, i) => i));
    expect(late.length).toBeGreaterThan(la!.start + la!.cycles);
    expect(late.length).toBeLessThanOrEqual(C);
    // the sampling estimator over each single word x bit agrees with the exact share
    for (const [addr, exact] of [[0, early.length / C], [36, late.length / C]] as const) {
      const d: AvfDomain = { target: 'weightSram', firstUnit: addr, units: 1, bitsPerUnit: 1, cycles: C };
      const t = await estimateAvf(S, d, 300, (i) => 1000 + i, (rec, s) => run({ ...rec, bits: [30] }, s));
      const e = avfEstimate({ ...t, sdc: t.sites - t.masked });
      expect(exact).toBeGreaterThanOrEqual(e.sdc.lo);
      expect(exact).toBeLessThanOrEqual(e.sdc.hi);
    }
  });

  it('ECC inside the engine: a single upset is corrected (masked), a double upset in one word is a DUE', async () => {
    const E = { ...S, ecc: { weightSram: true } };
    const g = golden(twoLayer);
    const plain = engineSiteRunner(g, S);
    const ecc = engineSiteRunner(g, E);
    const site = { unit: 36, bit: 30, cycle: 0 };
    expect(await plain(siteRecord(S, 'weightSram', site), site)).not.toBe('masked');
    expect(await ecc(siteRecord(E, 'weightSram', site), site)).toBe('masked');
    const double = { ...siteRecord(E, 'weightSram', site), kind: 'mbu' as const, bits: [29, 30] };
    expect(await ecc(double, site)).toBe('due');
    // ECC words are wider: the sampled structure includes the check bits
    expect(structureSizes(E, twoLayer).weightSram.bitsPerUnit).toBeGreaterThan(32);
  });
});
