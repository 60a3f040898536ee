import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { runGolden } from '../../../sim/engine/golden';
import { createJsKernel } from '../../../sim/kernels';
import type { Activation, Network, WeightTransform } from '../../../sim/layers/types';
import { FP32 } from '../../../sim/format/format';
import { float32ToBits, bitsToFloat32 } from '../../../sim/format/fp32';
import { withBounds, rangerBounds, boundCount, boundSummary } from '../../../models/protections/bounds';
import { profileActivations } from '../../../models/protections/profile';
import { inverseTransform, toSaf } from '../../../models/protections/saf';
import { parseProtection } from '../../../models/protections/spec';
import { corruptStored } from '../../../models/protections/exposure';
import type { Dataset } from '../../../models/data/dataset';

const js = createJsKernel();
beforeAll(async () => { await tf.setBackend('cpu'); });
const spec = { format: FP32 };

/** dense 3 -> 3 identity layer: outputs equal inputs before the activation. */
const ident = (activation: Activation, transform?: WeightTransform, w?: Float32Array): Network => ({
  name: 'id', input: { h: 1, w: 1, c: 3 },
  layers: [{ kind: 'dense', name: 'd', inF: 3, outF: 3, weights: w ?? Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), bias: null, activation, ...(transform ? { weightTransform: transform } : {}) }],
});
const out = (net: Network, x: number[]): number[] => {
  const r = runGolden(net, Float32Array.from(x), spec, js);
  if (!r.ok) throw new Error(r.reason);
  return Array.from(r.value.output);
};

describe('activation protections on the simulator (hand-checked)', () => {
  it('ranger saturates at the bound', () => {
    expect(out(ident({ kind: 'clip', bound: 3 }), [5, -1, 2])).toEqual([3, 0, 2]);
  });
  it('clipact zeroes values above the threshold', () => {
    expect(out(ident({ kind: 'clipZero', bound: 3 }), [5, -1, 2])).toEqual([0, 0, 2]);
  });
  it('fitact bounds each neuron separately', () => {
    expect(out(ident({ kind: 'clip', bound: Float32Array.from([1, 10, 0.5]) }), [5, 4, 2])).toEqual([1, 4, 0.5]);
  });
  it('a huge value from a corrupted operand saturates at the bound', () => {
    expect(out(ident({ kind: 'clip', bound: 3 }), [1e30, 1, 1])).toEqual([3, 1, 1]);
    expect(out(ident({ kind: 'clipZero', bound: 3 }), [1e30, 1, 1])).toEqual([0, 1, 1]);
  });
  it('profiling + withBounds: ranger bound = max seen on the data', () => {
    const net = ident({ kind: 'relu' });
    const ds: Dataset = { n: 2, shape: { h: 1, w: 1, c: 3 }, images: Float32Array.from([1, 2, 7, 4, 0.5, 3]), labels: Uint8Array.from([0, 1]), classes: ['a', 'b', 'c'] };
    const prof = profileActivations(net, ds);
    expect(prof).toHaveLength(1);
    expect(prof[0]!.max).toBeCloseTo(7, 5);
    expect(Array.from(prof[0]!.channelMax)).toEqual([4, 2, 7]);
    const r = withBounds(net, rangerBounds(prof), 'clip');
    expect(boundCount(r)).toBe(1);
    expect(out(r, [100, 1, 1])).toEqual([7, 1, 1]);
  });
  it('boundSummary reports a layer-wise bound, the mean of a per-unit bound, and the profiled max', () => {
    const net = ident({ kind: 'relu' });
    const ds: Dataset = { n: 1, shape: { h: 1, w: 1, c: 3 }, images: Float32Array.from([1, 2, 7]), labels: Uint8Array.from([0]), classes: ['a', 'b', 'c'] };
    const prof = profileActivations(net, ds);
    expect(boundSummary(net, prof)).toBe('d unbounded (max 7.000)');
    expect(boundSummary(withBounds(net, new Map([[0, 5]]), 'clipZero'), prof)).toBe('d 5.000 (max 7.000)');
    expect(boundSummary(withBounds(net, new Map([[0, Float32Array.from([1, 2, 6])]]), 'clipZero'), prof)).toBe('d mean 3.000 (max 7.000)');
  });
});

describe('saturated weights', () => {
  it('inverse transforms round-trip inside the range', () => {
    for (const t of ['tanh', 'arctan', 'softsign'] as const) {
      for (const w of [-0.7, -0.01, 0, 0.3, 0.9]) {
        const raw = inverseTransform(t, w);
        const back = t === 'tanh' ? Math.tanh(raw) : t === 'arctan' ? Math.atan(raw) : raw / (1 + Math.abs(raw));
        expect(back).toBeCloseTo(w, 6);
      }
    }
  });
  it('a flipped exponent bit makes a huge weight unprotected, a bounded one with saf', () => {
    const w = Float32Array.from([0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5]);
    const plain = ident({ kind: 'linear' }, undefined, w);
    const saf = toSaf(plain, 'tanh');
    const flip = (net: Network): Network => {
      const l = net.layers[0]!;
      if (l.kind !== 'dense') throw new Error('dense');
      const ws = Float32Array.from(l.weights);
      ws[0] = bitsToFloat32((float32ToBits(ws[0]!) ^ (1 << 30)) >>> 0); // exponent MSB
      return { ...net, layers: [{ ...l, weights: ws }] };
    };
    expect(out(plain, [1, 1, 1])[0]).toBeCloseTo(0.5, 5);
    expect(out(saf, [1, 1, 1])[0]).toBeCloseTo(0.5, 5);
    expect(Math.abs(out(flip(plain), [1, 1, 1])[0]!)).toBeGreaterThan(1e30);
    expect(Math.abs(out(flip(saf), [1, 1, 1])[0]!)).toBeLessThanOrEqual(1);
  });
});

describe('ecc on a network run', () => {
  it('single flips per word leave the outputs golden; without ecc they do not', () => {
    const net = ident({ kind: 'relu' }, undefined, Float32Array.from([0.5, 0.25, 0, 0, 1, 0.75, 0.1, 0, 1]));
    const x = [1, 2, 3];
    let withEccDiff = 0, withoutDiff = 0;
    for (let seed = 0; seed < 10; seed++) {
      // count definition: 9 words x 39 bits x p = 1 flip per trial with ECC
      const e = corruptStored(net, FP32, 1 / 351, 'count', 'seu', seed, { ecc: true });
      expect(e.stats.faults).toBe(1);
      if (out(e.network, x).join() !== out(net, x).join()) withEccDiff++;
      const p = corruptStored(net, FP32, 1 / 288, 'count', 'seu', seed, { ecc: false });
      expect(p.stats.faults).toBe(1);
      if (out(p.network, x).join() !== out(net, x).join()) withoutDiff++;
    }
    expect(withEccDiff).toBe(0);
    expect(withoutDiff).toBeGreaterThan(0);
  });
});

describe('protection ids', () => {
  it('parses combinations and rejects unknown or conflicting parts', () => {
    const r = parseProtection('saf+proact');
    expect(r.ok && r.value).toMatchObject({ id: 'proact+saf', activation: 'proact', saf: 'tanh', ecc: false });
    const e = parseProtection('ranger+ecc+saf-arctan');
    expect(e.ok && e.value).toMatchObject({ id: 'ranger+saf-arctan+ecc', saf: 'arctan', ecc: true });
    expect(parseProtection('ecc').ok && parseProtection('ecc')).toMatchObject({ value: { id: 'ecc', activation: 'relu' } });
    expect(parseProtection('ptq').ok && parseProtection('ptq')).toMatchObject({ value: { id: 'ptq', ptq: true, saq: false } });
    expect(parseProtection('saq+ptq').ok && parseProtection('saq+ptq')).toMatchObject({ value: { id: 'saq', ptq: true, saq: true } });
    expect(parseProtection('qat').ok && parseProtection('qat')).toMatchObject({ value: { id: 'qat', qat: true, ptq: true } });
    expect(parseProtection('qat+saq').ok).toBe(false);
    const bad = parseProtection('ranger+fitact');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toContain('two activation protections');
    expect(!parseProtection('foo').ok && (parseProtection('foo') as { reason: string }).reason).toContain('unknown part "foo"');
  });
});

describe('protection catalogue', () => {
  it('lists every part, each parseable, with offline matching needsOfflineStep', async () => {
    const { PROTECTION_CATALOGUE, needsOfflineStep } = await import('../../../models/protections/spec');
    for (const p of PROTECTION_CATALOGUE) {
      const r = parseProtection(p.id);
      expect(r.ok).toBe(true);
      if (r.ok) expect(needsOfflineStep(r.value)).toBe(p.offline);
    }
  });
});
