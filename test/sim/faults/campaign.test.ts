import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { corruptWeights, drawBitPositions, randomFaults } from '../../../sim/faults/campaign';
import { makeRng, resolveFaults } from '../../../sim/faults/resolve';
import { encode } from '../../../sim/format/format';
import { spec, tinyNet } from '../engine/faultyHelpers';

describe('drawBitPositions', () => {
  it("'count' draws exactly floor(bits x p) distinct sorted positions; fixed draws the count", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer(), (total, p, seed) => {
      const pos = drawBitPositions(makeRng(seed), total, { kind: 'ber', ber: p, definition: 'count' });
      expect(pos.length).toBe(Math.min(total, Math.floor(total * p)));
      for (let i = 1; i < pos.length; i++) expect(pos[i]).toBeGreaterThan(pos[i - 1]);
      if (pos.length) expect(pos[pos.length - 1]).toBeLessThan(total);
      const fixed = drawBitPositions(makeRng(seed), total, { kind: 'fixed', count: 7 });
      expect(fixed.length).toBe(Math.min(7, total));
    }), { numRuns: 200 });
  });
  it("'perBit' flips each bit with probability p: mean count within 5 sigma of bits x p", () => {
    const total = 100_000;
    for (const p of [1e-4, 1e-3, 1e-2]) {
      let sum = 0;
      const trials = 40;
      for (let s = 0; s < trials; s++) sum += drawBitPositions(makeRng(s), total, { kind: 'ber', ber: p, definition: 'perBit' }).length;
      const mean = sum / trials;
      const sigma = Math.sqrt((total * p * (1 - p)) / trials);
      expect(Math.abs(mean - total * p)).toBeLessThan(5 * sigma);
    }
  });
  it('is reproducible from the seed and differs across seeds', () => {
    const how = { kind: 'ber', ber: 1e-3, definition: 'perBit' } as const;
    expect(drawBitPositions(makeRng(3), 1e6, how)).toEqual(drawBitPositions(makeRng(3), 1e6, how));
    expect(drawBitPositions(makeRng(3), 1e6, how)).not.toEqual(drawBitPositions(makeRng(4), 1e6, how));
  });
});

describe('randomFaults', () => {
  it('produces valid records over the SRAM bits and PE registers, reproducibly', () => {
    const s = spec(4, 3, 'ws', { kind: 'fp16' }, 1);
    for (const target of ['weightSram', 'ifmapSram', 'pe.psum', 'pe.input'] as const) {
      const recs = randomFaults(s, { target, how: { kind: 'ber', ber: 0.01, definition: 'count' }, cycles: 1000, seed: 9 });
      const bits = target === 'pe.psum' ? 12 * 32 : target === 'pe.input' ? 12 * 16 : 512 * 16;
      expect(recs.length).toBe(Math.floor(bits * 0.01));
      expect(resolveFaults(s, recs).ok).toBe(true);
      for (const r of recs) expect(r.window.start).toBeLessThan(1000);
      expect(randomFaults(s, { target, how: { kind: 'ber', ber: 0.01, definition: 'count' }, cycles: 1000, seed: 9 })).toEqual(recs);
    }
  });
  it('stuck-at campaigns get a window of the given duration', () => {
    const recs = randomFaults(spec(2, 2, 'os'), { target: 'pe.weight', how: { kind: 'fixed', count: 3 }, kind: 'stuckAt1', cycles: 50, duration: 10, seed: 1 });
    expect(recs).toHaveLength(3);
    for (const r of recs) expect(r.window.end! - r.window.start).toBe(10);
  });
});

describe('corruptWeights (static weight-memory corruption)', () => {
  it('flips exactly the drawn bits of a copy; the model is not mutated', () => {
    const net = tinyNet(5);
    const before = net.layers.map((l) => ('weights' in l ? l.weights.slice() : null));
    const { network, flips } = corruptWeights(net, { kind: 'fp32' }, { kind: 'fixed', count: 5 }, 11);
    expect(flips).toHaveLength(5);
    net.layers.forEach((l, i) => { if ('weights' in l) expect(l.weights).toEqual(before[i]); });
    for (const f of flips) {
      const orig = (net.layers[f.layer] as { weights: Float32Array }).weights[f.element];
      const now = (network.layers[f.layer] as { weights: Float32Array }).weights[f.element];
      expect((encode({ kind: 'fp32' }, orig) ^ encode({ kind: 'fp32' }, now)) >>> 0).toBe((1 << f.bit) >>> 0);
    }
  });
  it("per-layer 'count' applies floor(layer bits x p) to every layer", () => {
    const net = tinyNet(5);
    const { flips } = corruptWeights(net, { kind: 'int8', intBits: 2, fracBits: 5 }, { kind: 'ber', ber: 0.01, definition: 'count' }, 2, 'seu', true);
    expect(flips.filter((f) => f.layer === 0)).toHaveLength(Math.floor(54 * 8 * 0.01));
    expect(flips.filter((f) => f.layer === 3)).toHaveLength(Math.floor(108 * 8 * 0.01));
  });
});

describe('static corruption == resident weight-SRAM SEUs at cycle 0 through the faulty engine', () => {
  it('both give the same tensors on every layer and image, bit for bit', async () => {
    const { runGolden } = await import('../../../sim/engine/golden');
    const { runFaulty } = await import('../../../sim/engine/faulty');
    const { planRun } = await import('../../../sim/engine/faultyPlan');
    const { memoryLayout, addressOf } = await import('../../../sim/memory/layout');
    const { arrayOrderKernel, seeded: seed, bitsOf } = await import('../engine/faultyHelpers');
    const net = tinyNet(12);
    const s = spec(4, 3, 'ws', { kind: 'fp32' }, 4);
    const layout = memoryLayout(s, net, planRun(net, s));
    expect(layout.weightsResident).toBe(true);
    const { network, flips } = corruptWeights(net, { kind: 'fp32' }, { kind: 'fixed', count: 6 }, 5);
    const records = flips.map((f) => ({
      target: 'weightSram' as const, kind: 'seu' as const, bits: [f.bit], window: { start: 0 },
      location: { kind: 'address' as const, address: addressOf(layout, 'weightSram', f.layer, f.element) },
    }));
    const images = seed(3 * 72, 17);
    const g = runGolden(net, images, s, arrayOrderKernel, { useConv2d: false });
    const gc = runGolden(network, images, s, arrayOrderKernel, { useConv2d: false });
    const r = resolveFaults(s, records);
    if (!g.ok || !gc.ok || !r.ok) throw new Error('setup');
    const fr = runFaulty(g.value, s, r.value);
    expect(fr.layers[3].corrupted).toBeGreaterThan(0); // the flips do change the network's output
    for (let L = 0; L < net.layers.length; L++) {
      const size = gc.value.layers[L].output.length / 3;
      for (let img = 0; img < 3; img++) expect(bitsOf(fr.output(L, img))).toEqual(bitsOf(gc.value.layers[L].output.subarray(img * size, (img + 1) * size)));
    }
  });
});

describe('spatialBurst', () => {
  it('hits units around the centre with a probability decaying with distance, reproducibly', async () => {
    const { spatialBurst } = await import('../../../sim/faults/campaign');
    const s = spec(16, 16, 'ws');
    const all = spatialBurst(s, { target: 'pe.psum', center: { row: 8, col: 8 }, radius: 2, p: 1, decay: 1, start: 10, seed: 1 });
    expect(all).toHaveLength(25); // p = 1, no decay: the whole 5x5 block
    let near = 0;
    let far = 0;
    for (let seed = 0; seed < 200; seed++) {
      for (const f of spatialBurst(s, { target: 'pe.input', center: { row: 0, col: 0 }, radius: 3, p: 0.9, decay: 0.3, start: 0, seed })) {
        if (f.location.kind !== 'pe') throw new Error('pe expected');
        const d = Math.max(f.location.row, f.location.col);
        expect(d).toBeLessThanOrEqual(3);
        if (d === 0) near++;
        if (d === 3) far++;
      }
    }
    expect(near).toBeGreaterThan(150); // ~0.9 x 200
    expect(far).toBeLessThan(60); // 7 units x 0.9 x 0.027 x 200 ~ 34
    const words = spatialBurst(s, { target: 'weightSram', radius: 4, p: 1, decay: 1, start: 0, seed: 3 });
    expect(resolveFaults(s, words).ok).toBe(true);
    expect(spatialBurst(s, { target: 'weightSram', radius: 4, p: 0.5, start: 0, seed: 3 })).toEqual(spatialBurst(s, { target: 'weightSram', radius: 4, p: 0.5, start: 0, seed: 3 }));
  });
});
