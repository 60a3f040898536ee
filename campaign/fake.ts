/**
 * A small deterministic stand-in for the engine, used to test the campaign machinery (ordering,
 * resume, shards, workers) without a simulator. Its numbers are synthetic: a pure function of the
 * TrialSpec (seeded with pure-rand), shaped like real results (accuracy falls as BER rises,
 * "ranger"/"proact"/"fitact" protections absorb most faults). Never use it for real conclusions.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { FaultTarget } from '../sim/faults/types';
import type { LayerStat, TrialResult, TrialRunner, TrialSpec } from './types';

const LAYERS = ['conv1', 'pool1', 'conv2', 'pool2', 'fc1', 'fc2', 'fc3'];
/** Stored bits the fake pretends each structure holds (LeNet-5-like fp32 weights). */
const BITS: Record<FaultTarget, number> = {
  weightSram: 61_706 * 32, ifmapSram: 6_272 * 32, ofmapSram: 4_704 * 32, 'pe.weight': 256 * 32, 'pe.input': 256 * 32, 'pe.psum': 256 * 32,
};

function labelHash(i: number): number {
  let h = (i + 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Synthetic trial result, a pure function of `t`. `busyMs` > 0 spins the CPU that long (for pool tests). */
export function fakeTrial(t: TrialSpec, busyMs = 0): TrialResult {
  const g = xoroshiro128plus(t.seed | 0);
  const rnd = (): number => uniformFloat64(g);
  if (busyMs > 0) { const end = Date.now() + busyMs; while (Date.now() < end) { /* spin */ } }
  const f = t.point.fault;
  let faults: number;
  let target: FaultTarget;
  if (f.kind === 'ber') {
    target = f.target;
    const expect = BITS[target] * f.ber;
    faults = Math.floor(expect) + (rnd() < expect - Math.floor(expect) ? 1 : 0);
  } else if (f.kind === 'avf') {
    target = f.target; // one SEU site per trial
    faults = 1;
  } else {
    target = 'pe.psum';
    faults = 1 + Math.floor(rnd() * 3);
  }
  const guard = /ranger|proact|fitact|clipact/.test(t.point.protection) ? 0.05 : 1;
  const pFlip = 1 - Math.exp(-faults * 0.02 * guard);
  let golden = 0, faulty = 0, sdc = 0, crit = 0, reached = 0, untouched = 0;
  let oMasked = 0, oTol = 0, oSdc = 0, oCrit = 0;
  const maskedAt: Record<string, number> = {};
  for (let k = 0; k < t.testSet.count; k++) {
    const h = labelHash(t.testSet.start + k);
    const label = h % 10;
    const gPred = h % 23 === 0 ? (label + 1) % 10 : label;
    const flip = rnd() < pFlip;
    const fPred = flip ? Math.floor(rnd() * 10) : gPred;
    if (gPred === label) golden++;
    if (fPred === label) faulty++;
    if (gPred === label && fPred !== gPred) {
      sdc++;
      if (t.criticalClasses.includes(gPred) || t.criticalClasses.includes(fPred)) crit++;
    }
    if (!flip) oMasked++;
    else if (fPred === gPred) oTol++;
    else { oSdc++; if (t.criticalClasses.includes(gPred) || t.criticalClasses.includes(fPred)) oCrit++; }
    if (faults === 0) untouched++;
    else if (flip) reached++;
    else { const l = LAYERS[Math.floor(rnd() * LAYERS.length)]!; maskedAt[l] = (maskedAt[l] ?? 0) + 1; }
  }
  if (reached) maskedAt['(output)'] = reached;
  if (untouched) maskedAt['(none)'] = untouched;
  const layers: LayerStat[] = LAYERS.map((name, li) => {
    const share = faults === 0 ? 0 : Math.min(1, pFlip * rnd() * (li + 1) / LAYERS.length);
    return { name, corruptedShare: share, maxAbsDelta: faults === 0 ? 0 : rnd() * 10 * guard, relL2: share * rnd() };
  });
  const macs = 61_706;
  const cycles = Math.ceil(macs / (t.array.rows * t.array.cols)) * (2 * t.array.rows + t.array.cols) + (guard < 1 ? 120 : 0);
  return {
    images: t.testSet.count, goldenCorrect: golden, faultyCorrect: faulty, sdc, criticalSdc: crit,
    faultsInjected: faults, faultsByTarget: faults > 0 ? { [target]: faults } : {}, layers, maskedAt,
    cycles, utilization: macs / (cycles * t.array.rows * t.array.cols),
    outcomes: { images: t.testSet.count, masked: oMasked, tolerable: oTol, sdc: oSdc, criticalSdc: oCrit, due: 0 },
    ...(f.kind === 'avf' ? { avf: { bits: BITS[target], cycles } } : {}),
    ...(guard < 1 ? { overhead: { extraParams: 7, extraBytes: 28, extraCycles: 120 } } : {}),
  };
}

/** TrialRunner over `fakeTrial` (async, optionally slowed by `busyMs` per trial). */
export function fakeRunner(busyMs = 0): TrialRunner {
  return async (t) => fakeTrial(t, busyMs);
}
