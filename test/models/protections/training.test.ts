import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { runGolden } from '../../../sim/engine/golden';
import { createJsKernel } from '../../../sim/kernels';
import type { Network } from '../../../sim/layers/types';
import { FP32 } from '../../../sim/format/format';
import { parseArraySpec } from '../../../sim/array/spec';
import { TfNetwork } from '../../../models/protections/tfForward';
import { accuracyOf, logitsOf } from '../../../models/protections/data';
import { profileActivations } from '../../../models/protections/profile';
import { fitact, proact } from '../../../models/protections/boundTrain';
import { boundCount, boundsOf } from '../../../models/protections/bounds';
import { overheadOf } from '../../../models/protections/overhead';
import { aucOf, clipact } from '../../../models/protections/clipact';
import { toSaf } from '../../../models/protections/saf';
import { prot, tinyData, tinyNet } from './tiny';

beforeAll(async () => { await tf.setBackend('cpu'); });

const net: Network = tinyNet(5);
const data = tinyData;
const ds = data(120, 1);
const val = data(60, 2);

/** The tf forward's logits of `bounded` equal the simulator's golden pre-softmax outputs (js kernel, fp32). */
function expectTfMatchesSimulator(bounded: Network): void {
  const t = new TfNetwork(bounded);
  const logits = logitsOf(t, ds);
  t.dispose();
  const sim = runGolden({ ...bounded, layers: bounded.layers.map((l, i) => (i === 4 && l.kind === 'dense' ? { ...l, activation: { kind: 'linear' } } : l)) }, ds.images, { format: FP32 }, createJsKernel());
  if (!sim.ok) throw new Error(sim.reason);
  sim.value.output.forEach((v, i) => expect(logits[i]).toBeCloseTo(v, 4));
}

describe('tf forward of protections agrees with the simulator', () => {
  it('clip bounds (layer- and channel-wise) and a tanh weight transform', () => {
    const p = profileActivations(net, ds);
    const bounded: Network = { ...net, layers: net.layers.map((l, i) => (i === 0 ? { ...l, activation: { kind: 'clip', bound: p[0]!.channelMax.map((v) => v * 0.7) }, weightTransform: 'tanh' } : i === 3 ? { ...l, activation: { kind: 'clipZero', bound: p[1]!.max * 0.8 } } : l)) as Network['layers'] };
    expectTfMatchesSimulator(bounded);
  });
  it('per-element clip bounds (h*w*c of the conv output) in hard mode', () => {
    const p = profileActivations(net, ds);
    expect(p[0]!.elementMax.length).toBe(6 * 6 * 4);
    // channelMax is the max of elementMax over positions
    for (let c = 0; c < 4; c++) expect(p[0]!.channelMax[c]).toBe(Math.max(...p[0]!.elementMax.filter((_, e) => e % 4 === c)));
    const bounded: Network = { ...net, layers: net.layers.map((l, i) => (i === 0 ? { ...l, activation: { kind: 'clip', bound: p[0]!.elementMax.map((v, e) => v * (0.4 + 0.5 * ((e * 7) % 5) / 4)) } } : l)) as Network['layers'] };
    expectTfMatchesSimulator(bounded);
  });
});

describe('bound training', () => {
  const profile = (): ReturnType<typeof profileActivations> => profileActivations(net, ds);
  const fo = { maxEpochs: 3, batch: 32, lr: 0.05, reg: 4e-11, tolerance: -1, seed: 3 };
  const po = { epochsPerDecay: 2, batch: 32, lr: 0.05, decays: [4e-5, 4e-10], tolerance: 0.02, seed: 3 };
  it('fitact learns one zeroing bound per neuron (conv: per output element), weights frozen, one log entry per epoch', () => {
    const p = profile();
    const f = fitact(net, p, ds, val, fo);
    const b = boundsOf(f.net);
    expect([...b.keys()]).toEqual([0, 3]);
    for (const i of [0, 3]) expect((f.net.layers[i] as { activation: { kind: string } }).activation.kind).toBe('clipZero');
    const b0 = b.get(0) as Float32Array;
    expect(b0).toBeInstanceOf(Float32Array);
    expect(b0.length).toBe(6 * 6 * 4);
    expect((b.get(3) as Float32Array).length).toBe(8);
    expect(boundCount(f.net)).toBe(6 * 6 * 4 + 8);
    // tolerance -1 never holds: every epoch of the budget runs, and the bounds moved from the profile
    expect(f.epochs).toHaveLength(3);
    expect(Array.from(b0)).not.toEqual(Array.from(p[0]!.elementMax));
    // weights are frozen
    for (const i of [0, 3, 4]) expect((f.net.layers[i] as { weights: Float32Array }).weights).toEqual((net.layers[i] as { weights: Float32Array }).weights);
  });
  it('fitact stops at the first epoch whose validation accuracy meets the criterion', () => {
    const f = fitact(net, profile(), ds, val, { ...fo, tolerance: 1 });
    expect(f.epochs).toHaveLength(1);
  });
  it('proact: layer-wise bounds except neuron-wise in the last bounded layer, last layer first, every epoch gated by the tolerance', () => {
    const r = proact(net, profile(), ds, val, po);
    const b = boundsOf(r.net);
    expect(typeof b.get(0)).toBe('number');
    expect(b.get(3)).toBeInstanceOf(Float32Array);
    for (const i of [0, 3]) expect((r.net.layers[i] as { activation: { kind: string } }).activation.kind).toBe('clipZero');
    expect(r.steps[0]!.layer).toBe('d1');
    expect(r.steps[r.steps.length - 1]!.layer).toBe('c1');
    for (const s of r.steps) expect(s.outcome).toBe(Math.abs(s.accuracy - r.start) <= po.tolerance + 1e-12 ? 'kept' : 'restored');
    // a restored epoch ends its decay value: the next entry is another decay or layer
    r.steps.forEach((s, i) => { const n = r.steps[i + 1]; if (s.outcome === 'restored' && n && n.layer === s.layer) expect(n.decay).not.toBe(s.decay); });
    // the final network's accuracy is within the tolerance of the start (only kept states survive)
    const t = new TfNetwork(r.net);
    const acc = accuracyOf(logitsOf(t, val), val.labels);
    t.dispose();
    expect(Math.abs(acc - r.start)).toBeLessThanOrEqual(po.tolerance + 1e-9);
    expect(boundCount(r.net)).toBe(1 + 8);
  });
  it('overhead: proact stores fewer bounds than fitact; ecc adds 7 check bits per fp32 word', () => {
    const spec = parseArraySpec({ rows: 4, cols: 4, dataflow: 'ws', format: { kind: 'fp32' } });
    if (!spec.ok) throw new Error(spec.reason);
    const p = profile();
    const fa = overheadOf(fitact(net, p, ds, val, { maxEpochs: 1, batch: 60, lr: 1e-3, reg: 0, tolerance: 1, seed: 1 }).net, prot('fitact'), spec.value);
    const pa = overheadOf(proact(net, p, ds, val, { epochsPerDecay: 1, batch: 60, lr: 1e-3, decays: [4e-5], tolerance: 1, seed: 1 }).net, prot('proact'), spec.value);
    expect(fa.extraParams).toBe(6 * 6 * 4 + 8);
    expect(pa.extraParams).toBe(9);
    expect(fa.extraBytes).toBe((6 * 6 * 4 + 8) * 4);
    expect(fa.extraCycles).toBe(Math.ceil(144 / 4) + Math.ceil(8 / 4));
    const e = overheadOf(net, prot('ecc'), spec.value);
    expect(e.extraParams).toBe(0);
    expect(e.extraBytes).toBe(Math.ceil((36 + 288 + 24) * 7 / 8));
    expect(e.exposedBits).toBe((36 + 288 + 24) * 39);
  });
});

describe('clipact search and saf conversion', () => {
  it('AUC over log BER is the trapezoid mean', () => {
    expect(aucOf([1e-5, 1e-4, 1e-3], [1, 0.5, 0])).toBeCloseTo(0.5, 10);
    expect(aucOf([1e-5, 1e-3], [1, 1])).toBe(1);
  });
  it('clipact picks one of the candidate ratios per layer and returns clipZero layers', () => {
    const r = clipact(net, profileActivations(net, ds), ds, { bers: [1e-3, 1e-2], trials: 1, ratios: [0.5, 1], seed: 1 });
    expect(r.steps).toHaveLength(2);
    for (const s of r.steps) expect([0.5, 1]).toContain(s.ratio);
    for (const i of [0, 3]) expect((r.net.layers[i] as { activation: { kind: string } }).activation.kind).toBe('clipZero');
  });
  it('toSaf stores raw weights with the transform and keeps the function', () => {
    // weights inside tanh's range (|w| < 1) convert exactly
    const small: Network = { ...net, layers: net.layers.map((l) => (l.kind === 'dense' || l.kind === 'conv2d' ? { ...l, weights: l.weights.map((w) => Math.max(-0.9, Math.min(0.9, w))) } : l)) };
    const s = toSaf(small, 'tanh');
    const a = new TfNetwork(small), b = new TfNetwork(s);
    const la = logitsOf(a, ds), lb = logitsOf(b, ds);
    a.dispose(); b.dispose();
    la.forEach((v, i) => expect(lb[i]).toBeCloseTo(v, 3));
    for (const l of s.layers) if (l.kind === 'dense' || l.kind === 'conv2d') expect(l.weightTransform).toBe('tanh');
  });
});
