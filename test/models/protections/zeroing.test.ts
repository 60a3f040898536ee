/**
 * Bounded activations as the authors define them: FitAct (per-element bounds), ProAct (layer-wise,
 * per channel in a conv last bounded layer) and Clip-Act send a value above its bound to 0
 * (`clipZero`); Ranger saturates (`clip`). The same holds in the golden run, the faulty engine (bit
 * for bit against the cycle reference), the reference forward and the training graph (tf, hard and
 * smooth).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Activation, Conv2dLayer, Network } from '../../../sim/layers/types';
import type { FaultRecord } from '../../../sim/faults/types';
import { runGolden } from '../../../sim/engine/golden';
import { createJsKernel } from '../../../sim/kernels';
import { referenceForward } from '../../../sim/layers';
import { TfNetwork } from '../../../models/protections/tfForward';
import { layerBits, runBoth, seeded, spec, tinyNet } from '../../sim/engine/faultyHelpers';

beforeAll(async () => { await tf.setBackend('cpu'); });

const PER_IMAGE = 6 * 6 * 3;
const base = tinyNet(3, 'relu');
const images = seeded(2 * 6 * 6 * 2, 21, 2);
const golden0 = (() => {
  const g = runGolden(base, images, spec(4, 3, 'ws'), createJsKernel());
  if (!g.ok) throw new Error(g.reason);
  return g.value.layers[0]!.output;
})();
const maxOut = golden0.reduce((a, v) => Math.max(a, v), 0);

/** The bound each variant reads at element e of one image (NHWC: channel = e % 3). */
interface Variant { readonly name: string; readonly act: Activation; readonly zero: boolean; boundAt(e: number): number }
const perElement = Float32Array.from({ length: PER_IMAGE }, (_, e) => Math.fround(0.35 * maxOut * (1 + (e % 5) / 4)));
const perChannel = Float32Array.from([0.3, 0.5, 0.4].map((f) => Math.fround(f * maxOut)));
const layerWise = Math.fround(0.45 * maxOut);
const VARIANTS: Variant[] = [
  { name: 'fitact (per element, zero)', act: { kind: 'clipZero', bound: perElement }, zero: true, boundAt: (e) => perElement[e % PER_IMAGE]! },
  { name: 'proact last conv layer (per channel, zero)', act: { kind: 'clipZero', bound: perChannel }, zero: true, boundAt: (e) => perChannel[e % 3]! },
  { name: 'proact / clipact (layer-wise, zero)', act: { kind: 'clipZero', bound: layerWise }, zero: true, boundAt: () => layerWise },
  { name: 'ranger (layer-wise, saturate)', act: { kind: 'clip', bound: layerWise }, zero: false, boundAt: () => layerWise },
];
const withAct = (a: Activation): Network => ({ ...base, layers: base.layers.map((l, i) => (i === 0 ? { ...(l as Conv2dLayer), activation: a } : l)) });
const expected = (v: Variant, r: number, e: number): number => (r > v.boundAt(e) ? (v.zero ? 0 : v.boundAt(e)) : r);

describe.each(VARIANTS)('$name', (v) => {
  const net = withAct(v.act);
  it('golden run: above the bound -> 0 (zeroing) or the bound (ranger), below it relu', () => {
    const g = runGolden(net, images, spec(4, 3, 'ws'), createJsKernel());
    if (!g.ok) throw new Error(g.reason);
    let above = 0;
    golden0.forEach((r, e) => {
      expect(g.value.layers[0]!.output[e]).toBe(expected(v, r, e));
      if (r > v.boundAt(e)) above++;
    });
    expect(above).toBeGreaterThan(5);
    expect(above).toBeLessThan(golden0.length / 2);
  });

  it('reference forward agrees (away from the bound, where summation order cannot decide)', () => {
    const ref = referenceForward(net, images, 2);
    if (!ref.ok) throw new Error(ref.reason);
    golden0.forEach((r, e) => {
      if (Math.abs(r - v.boundAt(e)) < 1e-4) return;
      expect(ref.value.outputs[0]![e]).toBeCloseTo(expected(v, r, e), 5);
    });
  });

  it('training graph: hard mode equals the simulator; smooth mode ~0 (zeroing) or ~bound (ranger) well above it', () => {
    const t = new TfNetwork(net);
    const x = tf.tensor4d(images, [2, 6, 6, 2]);
    const hard = tf.tidy(() => t.forwardLayers(x, 'hard')[0]!.dataSync() as Float32Array);
    const smooth = tf.tidy(() => t.forwardLayers(x, 'smooth')[0]!.dataSync() as Float32Array);
    x.dispose();
    t.dispose();
    let far = 0;
    golden0.forEach((r, e) => {
      const b = v.boundAt(e);
      if (Math.abs(r - b) >= 1e-4) expect(hard[e]).toBeCloseTo(expected(v, r, e), 5);
      if (r > b + 0.3) {
        far++;
        // k = 20: sigma(20 (b - x)) <= sigma(-6) = 0.0025
        if (v.zero) expect(smooth[e]).toBeLessThan(0.003 * r);
        else expect(Math.abs(smooth[e]! - b)).toBeLessThan(0.02);
      }
      if (r > 0 && r < b - 0.3 && v.zero) expect(smooth[e]).toBeGreaterThan(0.997 * r);
    });
    expect(far).toBeGreaterThan(0);
  });

  it('faulty engine: a flipped weight exponent is zeroed (or saturated) exactly as the cycle reference does', () => {
    // weight (k = 4, n = 1) of the conv; bit 30 makes it ~1e38 times larger
    const flip: FaultRecord = { target: 'weightSram', kind: 'seu', location: { kind: 'address', address: 4 * 3 + 1 }, bits: [30], window: { start: 0 } };
    const c = runBoth(net, spec(4, 3, 'ws'), images, [flip]);
    let differs = 0, masked = 0, saturated = 0;
    for (let img = 0; img < 2; img++) {
      const b = layerBits(c, 0, img);
      expect(b.engine).toEqual(b.reference);
      const eng = c.engine.output(0, img);
      const gold = c.golden.layers[0]!.output.subarray(img * PER_IMAGE, (img + 1) * PER_IMAGE);
      for (let e = 0; e < PER_IMAGE; e++) {
        if (e % 3 !== 1) { expect(eng[e]).toBe(gold[e]); continue; }
        // channel 1 saw the huge weight (except where it met a zero / padded input): stored value
        // is 0 (zeroing) or 0 / the bound (ranger)
        if (eng[e] !== gold[e]) expect(v.zero ? [0] : [0, Math.fround(v.boundAt(e))]).toContain(eng[e]);
        if (!v.zero && eng[e] === Math.fround(v.boundAt(e)) && gold[e] !== eng[e]) saturated++;
        if (eng[e] !== gold[e]) differs++;
        else if (gold[e] === 0) masked++;
      }
    }
    // faulty differs from golden where the value was in range, equals it where it was already 0
    expect(differs).toBeGreaterThan(0);
    expect(masked).toBeGreaterThan(0);
    expect(c.engine.layers[0]!.maskedByActivation).toBeGreaterThan(0);
    if (!v.zero) expect(saturated).toBeGreaterThan(0);
  });
});
