import { describe, expect, it } from 'vitest';

import { corruptStored, seededRng } from '../../../models/protections/exposure';
import { drawFlips as drawBits } from '../../../sim/faults/campaign';
import type { Network } from '../../../sim/layers/types';
import { FP32 } from '../../../sim/format/format';

const net = (bound?: number): Network => ({
  name: 't', input: { h: 1, w: 1, c: 4 },
  layers: [{ kind: 'dense', name: 'd', inF: 4, outF: 2, weights: Float32Array.from([0.5, -0.25, 0.125, 1, -1, 0.75, 0.3, -0.6]), bias: null,
    activation: bound === undefined ? { kind: 'relu' } : { kind: 'clip', bound } }],
});
const weightsOf = (n: Network): Float32Array => (n.layers[0] as { weights: Float32Array }).weights;

describe('drawBits', () => {
  it('count gives floor(bits x p) distinct sorted positions', () => {
    const b = drawBits(seededRng(3), 1000, 0.0123, 'count');
    expect(b.length).toBe(12);
    expect(new Set(b).size).toBe(12);
    expect([...b].sort((x, y) => x - y)).toEqual(b);
  });
  it('per-bit mean is close to bits x p', () => {
    let s = 0;
    const rng = seededRng(9);
    for (let t = 0; t < 200; t++) s += drawBits(rng, 10_000, 0.01, 'per-bit').length;
    expect(s / 200).toBeGreaterThan(95);
    expect(s / 200).toBeLessThan(105);
  });
});

describe('corruptStored', () => {
  it('is seeded, does not mutate the input, and flips weights', () => {
    const n = net();
    const before = Float32Array.from(weightsOf(n));
    const a = corruptStored(n, FP32, 0.05, 'per-bit', 'seu', 42);
    const b = corruptStored(n, FP32, 0.05, 'per-bit', 'seu', 42);
    expect(weightsOf(n)).toEqual(before);
    expect(weightsOf(a.network)).toEqual(weightsOf(b.network));
    expect(a.stats.faults).toBeGreaterThan(0);
    expect(weightsOf(a.network)).not.toEqual(before);
  });
  it('exposes stored bounds to faults too', () => {
    const r = corruptStored(net(3), FP32, 1, 'per-bit', 'seu', 1); // every bit flips
    expect(r.stats.boundFaults).toBe(32);
    const l = r.network.layers[0]!;
    expect(l.kind === 'dense' && l.activation.kind === 'clip' && l.activation.bound).not.toBe(3);
  });
  it('with ECC: one flip per word is corrected, two are detected (zeroed), data passes through', () => {
    const n = net();
    // count: exactly floor(8 words x 39 bits x p) flips; p chosen for 1 flip per ~word
    let corrected = 0, detected = 0;
    for (let seed = 0; seed < 30; seed++) {
      const r = corruptStored(n, FP32, 1 / 312, 'count', 'seu', seed, { ecc: true }); // one flip in total
      expect(r.stats.faults).toBe(1);
      expect(weightsOf(r.network)).toEqual(weightsOf(n));
      corrected += r.stats.corrected;
      const r2 = corruptStored(n, FP32, 0.5, 'count', 'seu', seed, { ecc: true });
      detected += r2.stats.detected;
      const w2 = weightsOf(r2.network);
      w2.forEach((v, i) => { if (v !== weightsOf(n)[i]) expect(v === 0 || r2.stats.silent > 0).toBe(true); });
    }
    expect(corrected).toBe(30);
    expect(detected).toBeGreaterThan(0);
  });
});
