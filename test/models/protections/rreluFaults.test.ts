/** The RReLU fault model (FitAct/ProAct authors' code): Q15.16 words, floor(numel x 32 x BER)
 * faults per tensor with replacement, biases exposed, scalar bounds never hit. */
import { describe, expect, it } from 'vitest';
import { corruptStored, rreluFaultCount } from '../../../models/protections/exposure';
import { decodeQ1516, encodeQ1516 } from '../../../sim/format/q1516';
import type { Activation, Network } from '../../../sim/layers/types';
import { FP32 } from '../../../sim/format/format';

/** LeNet-5's parameter tensors (conv1 6x1x5x5, conv2 16x6x5x5, fc1 400x120, fc2 120x84, fc3 84x10) as dense stand-ins. */
const SHAPES = [[25, 6], [150, 16], [400, 120], [120, 84], [84, 10]] as const;
function lenetLike(bound?: (i: number, n: number) => Activation): Network {
  let s = 1;
  const val = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s / 2 ** 32 - 0.5) * 0.4; };
  return {
    name: 'lenet-like', input: { h: 1, w: 1, c: 25 },
    layers: SHAPES.map(([k, n], i) => ({ kind: 'dense' as const, name: `d${i}`, inF: k, outF: n, weights: Float32Array.from({ length: k * n }, val),
      bias: Float32Array.from({ length: n }, val), activation: bound?.(i, n) ?? { kind: 'relu' as const } })),
  };
}
const changed = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => m + (v !== b[i] ? 1 : 0), 0);

describe('RReLU fault count', () => {
  it('floor(numel x 32 x BER) on known tensors', () => {
    // fc1 of LeNet-5: 48,000 weights = 1,536,000 bits
    expect(rreluFaultCount(48000, 1e-5)).toBe(15); // 15.36
    expect(rreluFaultCount(48000, 3e-5)).toBe(46); // 46.08
    expect(rreluFaultCount(48000, 1e-7)).toBe(0); // 0.1536
    // conv1: 150 weights, 6 biases
    expect(rreluFaultCount(150, 3e-5)).toBe(0);
    expect(rreluFaultCount(150, 1e-3)).toBe(4); // 4.8
    expect(rreluFaultCount(6, 1e-2)).toBe(1); // 1.92
    // a tensor of 1,000 words at BER 1/32,000 gets exactly one fault
    expect(rreluFaultCount(1000, 1 / 32000)).toBe(1);
  });

  it('a network gets the sum of its tensors\' counts; weights, then biases, are hit', () => {
    const net = lenetLike();
    const ber = 1e-4;
    const want = SHAPES.reduce((a, [k, n]) => a + rreluFaultCount(k * n, ber) + rreluFaultCount(n, ber), 0);
    const r = corruptStored(net, FP32, ber, 'rrelu', 'seu', 7);
    expect(r.stats.faults).toBe(want);
    SHAPES.forEach(([k, n], i) => {
      const l0 = net.layers[i] as { weights: Float32Array; bias: Float32Array };
      const l1 = r.network.layers[i] as { weights: Float32Array; bias: Float32Array };
      const cw = rreluFaultCount(k * n, ber);
      // with replacement a word can be hit twice (and flip back): at most cw words change
      expect(changed(l0.weights, l1.weights)).toBeLessThanOrEqual(cw);
      if (cw > 2) expect(changed(l0.weights, l1.weights)).toBeGreaterThan(0);
      expect(changed(l0.bias, l1.bias)).toBeLessThanOrEqual(rreluFaultCount(n, ber));
    });
    // biases are exposed: at a BER where a bias tensor gets faults, some bias changes
    const hi = corruptStored(net, FP32, 1e-2, 'rrelu', 'seu', 3);
    const b2 = (i: number): Float32Array => (hi.network.layers[i] as { bias: Float32Array }).bias;
    expect(changed((net.layers[2] as { bias: Float32Array }).bias, b2(2))).toBeGreaterThan(0);
  });

  it('a hit word is a Q15.16 word with one bit flipped', () => {
    const whole = lenetLike();
    // two copies of fc2 (10,080 weights each; the second without bias) at BER 1/322,560
    const net: Network = { ...whole, layers: [whole.layers[3]!, { ...(whole.layers[3] as Extract<Network['layers'][number], { kind: 'dense' }>), bias: null }] };
    const ber = 1 / (10080 * 32);
    let seen = 0;
    for (let seed = 0; seed < 40; seed++) {
      const r = corruptStored(net, FP32, ber, 'rrelu', 'seu', seed);
      // each copy of fc2's weights gets one fault, its 84-word bias none (floor(84 x 32 / 322,560) = 0)
      expect(r.stats.faults).toBe(2);
      const a = (net.layers[1] as { weights: Float32Array }).weights, b = (r.network.layers[1] as { weights: Float32Array }).weights;
      const i = a.findIndex((v, j) => v !== b[j]);
      expect(i).toBeGreaterThanOrEqual(0);
      // the decoded word is held in fp32 for the compute (as the authors' float32 tensors hold it)
      const w = encodeQ1516(a[i]!);
      const bits = Array.from({ length: 32 }, (_, k) => k).filter((k) => Math.fround(decodeQ1516((w ^ 2 ** k) >>> 0)) === b[i]);
      expect(bits.length).toBe(1);
      seen++;
    }
    expect(seen).toBe(40);
  });

  it('scalar (layer-wise) bounds are never hit; array bounds are; weight draws do not depend on the bounds', () => {
    const scalar = lenetLike(() => ({ kind: 'clipZero', bound: 3 }));
    const r = corruptStored(scalar, FP32, 0.05, 'rrelu', 'seu', 5);
    r.network.layers.forEach((l) => expect('activation' in l && l.activation).toEqual({ kind: 'clipZero', bound: 3 }));
    expect(r.stats.boundFaults).toBe(0);
    const perUnit = lenetLike((_, n) => ({ kind: 'clipZero', bound: new Float32Array(n).fill(3) }));
    const p = corruptStored(perUnit, FP32, 0.05, 'rrelu', 'seu', 5);
    expect(p.stats.boundFaults).toBe(SHAPES.reduce((a, [, n]) => a + rreluFaultCount(n, 0.05), 0));
    // paired: the same seed hits the same weights and biases whatever bounds the network carries
    const plain = corruptStored(lenetLike(), FP32, 0.05, 'rrelu', 'seu', 5);
    plain.network.layers.forEach((l, i) => {
      expect((p.network.layers[i] as { weights: Float32Array }).weights).toEqual((l as { weights: Float32Array }).weights);
      expect((r.network.layers[i] as { bias: Float32Array }).bias).toEqual((l as { bias: Float32Array }).bias);
    });
  });
});
