import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { runGolden } from '../../../sim/engine/golden';
import { createJsKernel } from '../../../sim/kernels';
import { FP32 } from '../../../sim/format/format';
import type { Network } from '../../../sim/layers/types';
import { hasWeights } from '../../../models/io/weights';
import { loadModel } from '../../../models/io/load';
import { loadMnistSplit } from '../../../models/data/mnist';
import { head } from '../../../models/data/dataset';
import { profileActivations } from '../../../models/protections/profile';
import { rangerBounds, withBounds } from '../../../models/protections/bounds';
import { corruptStored } from '../../../models/protections/exposure';
import { loadProtected } from '../../../models/protections/io';
import { createEngineRunner } from '../../../campaign/trial';
import type { TrialSpec } from '../../../campaign/types';

beforeAll(async () => { await tf.setBackend('cpu'); });

describe.skipIf(!hasWeights('lenet5'))('protected LeNet-5 under a high weight-SRAM BER (measured, seeded)', () => {
  const js = createJsKernel();
  const base = loadModel('lenet5');
  const { train, test } = loadMnistSplit();
  const slice = head(test, 100);
  const accUnder = (net: Network, ber: number, seeds: number): number => {
    let s = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const c = corruptStored(net, FP32, ber, 'per-bit', 'seu', seed);
      const r = runGolden(c.network, slice.images, { format: FP32 }, js);
      if (!r.ok) throw new Error(r.reason);
      s += r.value.predictions.reduce((a, p, i) => a + (p === slice.labels[i] ? 1 : 0), 0) / slice.n;
    }
    return s / seeds;
  };
  it('ranger (profiled on train images) and saf hold accuracy far better than relu at BER 1e-4', () => {
    const ranger = withBounds(base, rangerBounds(profileActivations(base, head(train, 300))), 'clip');
    const relu = accUnder(base, 1e-4, 5);
    const rg = accUnder(ranger, 1e-4, 5);
    expect(rg).toBeGreaterThan(relu + 0.2);
    const saf = loadProtected('lenet5', 'saf', base);
    if (saf.ok) expect(accUnder(saf.value.net, 1e-4, 5)).toBeGreaterThan(relu + 0.2);
    // and without faults nothing is lost by protecting
    expect(accUnder(ranger, 0, 1)).toBeGreaterThanOrEqual(accUnder(base, 0, 1) - 0.02);
  }, 120_000);

  it('the campaign hook runs protected points with their overhead; ecc corrects what relu does not', async () => {
    const run = createEngineRunner();
    const spec = (protection: string, ber: number, seed: number): TrialSpec => ({
      index: 0, trial: 0, seed, array: { rows: 16, cols: 16, dataflow: 'ws' }, testSet: { start: 0, count: 20 }, criticalClasses: [],
      point: { index: 0, key: `lenet5|${protection}|fp32|x`, model: 'lenet5', protection, format: { kind: 'fp32' }, formatKey: 'fp32',
        fault: { kind: 'ber', target: 'weightSram', ber, definition: 'count', faultKind: 'seu' } },
    } as TrialSpec);
    // count definition with ~1 fault per 40k words: isolated single-bit errors ECC always corrects
    const e = await run(spec('ecc', 1e-5, 7));
    expect(e.faultsInjected).toBeGreaterThan(0);
    expect(e.faultyCorrect).toBe(e.goldenCorrect);
    expect(e.layers.every((l) => l.corruptedShare === 0)).toBe(true);
    const plain = await run(spec('relu', 1e-5, 7));
    expect(plain.faultsInjected).toBeGreaterThan(0);
    expect(plain.layers.some((l) => l.corruptedShare > 0)).toBe(true);
    expect(e.overhead?.extraBytes).toBe(Math.ceil(61470 * 7 / 8));
    const r = await run(spec('ranger', 1e-5, 7));
    expect(r.overhead).toEqual({ extraParams: 4, extraBytes: 16, extraCycles: 4 });
    await expect(run(spec('ranger+fitact', 1e-5, 7))).rejects.toThrow(/two activation protections/);
  }, 120_000);

  it('int8 points: ptq runs per-layer Qm.n (more golden-correct images than uniform Q3.4) and ecc codes 8-bit words', async () => {
    const run = createEngineRunner();
    const int8 = (protection: string, ber: number): TrialSpec => ({
      index: 0, trial: 0, seed: 5, array: { rows: 16, cols: 16, dataflow: 'ws' }, testSet: { start: 0, count: 300 }, criticalClasses: [],
      point: { index: 0, key: `lenet5|${protection}|int8|x`, model: 'lenet5', protection, format: { kind: 'int8', intBits: 3, fracBits: 4 }, formatKey: 'int8(q3.4)',
        fault: { kind: 'ber', target: 'weightSram', ber, definition: 'per-bit', faultKind: 'seu' } },
    } as TrialSpec);
    const uniform = await run(int8('relu', 0));
    const perLayer = await run(int8('ptq', 0));
    expect(perLayer.goldenCorrect).toBeGreaterThan(uniform.goldenCorrect);
    const e = await run(int8('ptq+ecc', 1e-4));
    expect(e.overhead?.extraBytes).toBe(Math.ceil(61470 * 5 / 8));
    expect(e.faultsInjected).toBeGreaterThan(0);
  }, 180_000);
});
