import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../../../sim/layers/types';
import { protectNetwork, quantRefusal, safStart } from '../../../models/protections/protect';
import { proact, type ProActOptions } from '../../../models/protections/boundTrain';
import { profileActivations } from '../../../models/protections/profile';
import { toSaf } from '../../../models/protections/saf';
import { prot, tinyData, tinyNet } from './tiny';

beforeAll(async () => { await tf.setBackend('cpu'); });

const base: Network = tinyNet(9);
const data = tinyData;
const calib = data(64, 1);
const val = data(32, 2);
// a "trained" SAF network: other raw weights than the base (as train-saf.ts's fresh init gives)
const safNet = toSaf({ ...base, layers: base.layers.map((l) => (l.kind === 'conv2d' || l.kind === 'dense' ? { ...l, weights: l.weights.map((w) => Math.tanh(w) * 0.8) } : l)) }, 'tanh');
const po: ProActOptions = { epochsPerDecay: 1, batch: 32, lr: 0.01, decays: [4e-5], tolerance: 1, seed: 3 };
const arrays = (n: Network) => n.layers.filter((l) => l.kind === 'conv2d' || l.kind === 'dense');

describe('protectNetwork for proact+saf', () => {
  it('trains ProAct on the given SAF network (the proactOnSaf method), not on a conversion of the base', () => {
    const r = protectNetwork(base, prot('proact+saf'), calib, val, { safNet, proact: po });
    const direct = proact(safNet, profileActivations(safNet, calib), calib, val, po).net;
    arrays(r.net).forEach((l, k) => {
      const s = arrays(safNet)[k]!;
      expect(l.weightTransform).toBe('tanh');
      expect(Array.from(l.weights)).toEqual(Array.from(s.weights)); // ProAct freezes weights: the SAF file's raw weights
      expect(Array.from(l.weights)).not.toEqual(Array.from(arrays(base)[k]!.weights));
    });
    // the same bounds as calling proact on the SAF network directly
    const acts = (n: Network) => n.layers.map((l) => ('activation' in l ? l.activation : null));
    expect(acts(r.net)).toEqual(acts(direct));
    expect(acts(r.net).filter((a) => a?.kind === 'clipZero')).toHaveLength(2);
    expect(r.log.some((l) => l.includes('trained SAF network'))).toBe(true);
  });
  it('refuses a saf combination without the trained SAF network, naming the command that trains it', () => {
    expect(() => protectNetwork(base, prot('proact+saf'), calib, val, { proact: po })).toThrow(/models\/quant\/train-saf\.ts --model <model> --format fp32/);
  });
  it('refuses saf alone (train-saf.ts trains it) and non-fp32 combinations', () => {
    expect(() => safStart(prot('saf'), safNet)).toThrow(/SAF alone.*train-saf/);
    expect(() => safStart(prot('proact+saf-int8'), safNet)).toThrow(/safFormat int8/);
  });
  it('refuses a SAF network with another transform, naming the layer', () => {
    expect(() => safStart(prot('proact+saf-arctan'), safNet)).toThrow(/layer c1 has weightTransform tanh, expected arctan/);
    expect(() => safStart(prot('proact+saf'), base)).toThrow(/layer c1 has weightTransform none/);
  });
  it('keeps the SAF network as is for saf+ecc (ECC only changes the fault model)', () => {
    const n = safStart(prot('saf+ecc'), safNet);
    arrays(n).forEach((l, k) => expect(l.weights).toBe(arrays(safNet)[k]!.weights));
  });
});

describe('int8 training parts are not built by npm run protect (one code path per file)', () => {
  it('refuses qat and saq, alone or combined, naming the command that trains the committed files', () => {
    for (const id of ['qat', 'saq']) {
      expect(quantRefusal(prot(id))).toMatch(/models\/quant\/train-saq\.ts --model <model>.*not by npm run protect/);
      expect(() => protectNetwork(base, prot(id), calib, val)).toThrow(/train-saq\.ts/);
    }
    expect(quantRefusal(prot('fitact+saq'))).toMatch(/does not combine it with fitact/);
    expect(quantRefusal(prot('saf+qat'))).toMatch(/train-saf\.ts --model <model> --format int8/);
    expect(quantRefusal(prot('proact+saf'))).toBeNull();
    expect(quantRefusal(prot('ranger'))).toBeNull();
  });
});
