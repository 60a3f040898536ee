import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { transformWeight } from '../../../sim/layers/weights';
import { layerWeights } from '../../../sim/engine/golden-gemm';
import { runGolden } from '../../../sim/engine/golden';
import { createJsKernel } from '../../../sim/kernels';
import { FP32, int8Format, maxValue, quantize } from '../../../sim/format/format';
import type { Network, WeightTransform } from '../../../sim/layers/types';
import { tfTransform, TfNetwork } from '../../../models/protections/tfForward';
import { reinitialize, toSaf, trainSaf } from '../../../models/protections/saf';
import { parseProtection } from '../../../models/protections/spec';
import { formatFor, ptq, storedWeightMax } from '../../../models/quant/ptq';
import { hasWeights } from '../../../models/io/weights';
import { loadModel } from '../../../models/io/load';
import { loadMnistSplit } from '../../../models/data/mnist';
import { head } from '../../../models/data/dataset';

beforeAll(async () => { await tf.setBackend('cpu'); });

const FNS: Exclude<WeightTransform, 'none'>[] = ['tanh', 'arctan', 'softsign'];

describe('SAF: the transform in the training graph is the hardware read path f', () => {
  const raw = Float32Array.from([-1e4, -37.5, -3, -1.25, -0.5, -1e-3, 0, 2e-4, 0.3, 0.999, 1, 2.5, 8, 300, 6e4]);
  for (const t of FNS) {
    it(`${t}: tf graph f(raw) equals sim/layers/weights transformWeight (unscaled, same saturation)`, () => {
      const got = tf.tidy(() => tfTransform(t, tf.tensor1d(raw)).dataSync() as Float32Array);
      raw.forEach((r, i) => expect(Math.abs(got[i]! - transformWeight(t, r))).toBeLessThanOrEqual(2 ** -23 * Math.max(1, Math.abs(transformWeight(t, r)))));
      // saturates: a huge raw weight (an exponent flip) reads back bounded
      expect(Math.abs(got[0]!)).toBeLessThanOrEqual(t === 'arctan' ? Math.PI / 2 : 1);
    });
  }
  it('a SAF network: tf forward logits equal the engine golden run (fp32)', () => {
    const net = toSaf(reinitialize(loadModelOrTiny(), 3), 'arctan');
    const x = Float32Array.from({ length: 2 * 28 * 28 }, (_, i) => ((i * 37) % 101) / 100);
    const tfn = new TfNetwork(net);
    const logits = tf.tidy(() => tfn.forward(tf.tensor4d(x, [2, 28, 28, 1])).dataSync() as Float32Array);
    tfn.dispose();
    const g = runGolden(net, x, { format: FP32 }, createJsKernel(), { keepPreActivation: true });
    if (!g.ok) throw new Error(g.reason);
    const pre = g.value.layers.at(-1)!.preActivation!;
    for (let i = 0; i < logits.length; i++) expect(Math.abs(logits[i]! - pre[i]!)).toBeLessThan(1e-4);
  });
});

describe('SAF int8: the stored raw weights get a format chosen for the raw values', () => {
  it('raw weights beyond tanh range are stored unclipped (the old choice from tanh(raw) clipped them)', () => {
    const w = Float32Array.from([2.7, -1.6, 0.4, -0.05, 1.1, 0.9]);
    const layer = { name: 'fc', kind: 'dense' as const, inF: 3, outF: 2, weights: w, bias: null, activation: { kind: 'linear' as const }, weightTransform: 'tanh' as const };
    const f = formatFor(storedWeightMax(layer));
    expect(f).toEqual(int8Format(2, 5)); // max |raw| 2.7 needs 2 integer bits
    const old = formatFor(Math.max(...Array.from(w, (r) => Math.abs(Math.tanh(r)))));
    expect(old).toEqual(int8Format(0, 7)); // what the transformed range picked: 2.7 and -1.6 clip to +-127/128
    expect(Math.abs(quantize(old, 2.7) - 2.7)).toBeGreaterThan(1);
    const lw = layerWeights(layer, { weight: f, input: f, output: f });
    w.forEach((r, i) => expect(Math.abs(lw.stored[i]! - r)).toBeLessThanOrEqual(2 ** -6)); // half an LSB of Q2.5: no clipping
    w.forEach((r, i) => expect(lw.effective[i]).toBe(quantize(f, Math.fround(Math.tanh(lw.stored[i]!)))));
  });
});

describe('SAF format ids', () => {
  it('saf-fp16 / saf-int8 / saf-arctan-int8 parse, int8 runs with per-layer formats, plain saf stays fp32', () => {
    const a = parseProtection('saf-int8');
    const b = parseProtection('proact+saf-arctan-fp16');
    const c = parseProtection('saf');
    if (!a.ok || !b.ok || !c.ok) throw new Error('parse failed');
    expect(a.value).toMatchObject({ id: 'saf-int8', saf: 'tanh', safFormat: 'int8', ptq: true });
    expect(b.value).toMatchObject({ id: 'proact+saf-arctan-fp16', saf: 'arctan', safFormat: 'fp16', ptq: false });
    expect(c.value).toMatchObject({ id: 'saf', safFormat: 'fp32', ptq: false });
    expect(parseProtection('saf-int4').ok).toBe(false);
    expect(parseProtection('saf+saf-int8').ok).toBe(false);
  });
});

function loadModelOrTiny(): Network {
  return loadModel('lenet5');
}

describe.skipIf(!hasWeights('lenet5'))('trainSaf (one short epoch on 96 images)', () => {
  const { train, test } = loadMnistSplit();
  const tr = head(train, 96), te = head(test, 64);
  it('fp32 from a fresh init learns; int8 keeps every raw weight inside its stored format', () => {
    const arch = loadModel('lenet5');
    const o = { epochs: 1, batch: 32, lr: 3e-3, lrDecay: 1, seed: 1, initSeed: 2 };
    const fp = trainSaf(arch, 'tanh', 'fp32', tr, tr, te, o);
    expect(fp.net.layers.every((l) => (l.kind !== 'conv2d' && l.kind !== 'dense') || l.weightTransform === 'tanh')).toBe(true);
    expect(fp.log.some((l) => l.startsWith('epoch 1/1'))).toBe(true);
    // make one raw weight large so that the raw-value format differs from the tanh-value one
    const big: Network = { ...fp.net, layers: fp.net.layers.map((l, i) => (i === 0 && l.kind === 'conv2d' ? { ...l, weights: Float32Array.from(l.weights, (v, k) => (k === 0 ? 3.1 : v)) } : l)) };
    const q = trainSaf(arch, 'tanh', 'int8', tr, tr, te, o, big);
    const p = q.ptq!;
    q.net.layers.forEach((l, i) => {
      if (l.kind !== 'conv2d' && l.kind !== 'dense') return;
      const m = maxValue(p.formats[i]!.weight);
      for (const w of l.weights) expect(Math.abs(w)).toBeLessThanOrEqual(m);
    });
    const f0 = p.formats[0]!.weight;
    expect(f0.kind === 'int8' ? f0.intBits : -1).toBeGreaterThanOrEqual(2); // conv1 holds |raw| ~3.1
    expect(ptq(q.net, tr).formats[0]!.weight).toEqual(f0);
  }, 240_000);
});
