/**
 * Depthwise / grouped convolution on the array: an imported MobileNet block (depthwise 3x3 + BN
 * + ReLU6, pointwise 1x1 + BN + ReLU6) runs each channel group as its own GEMM (SCALE-Sim's
 * mapping), so cycles are the sum of the groups' GEMMs, and a PE fault reaches a group's outputs
 * only through the PEs and cycles that group's GEMM uses. Golden and faulty engine both run it.
 */
import { describe, expect, it } from 'vitest';
import { networkGemms } from '../../../sim/cycles/network';
import { planLayer } from '../../../sim/dataflow/plan';
import { planRun } from '../../../sim/engine/faultyPlan';
import { runWithFaults } from '../../../sim/engine/run';
import { createJsKernel } from '../../../sim/kernels/js';
import type { ArraySpec, Dataflow } from '../../../sim/types';
import { toNhwc } from '../../../models/onnx';
import { importBytes, uniform } from './ortCompare';
import { mobilenetBlock } from './models';

const spec = (dataflow: Dataflow): ArraySpec => ({ rows: 4, cols: 4, dataflow, format: { kind: 'fp32' }, sram: { weightKiB: 4, ifmapKiB: 4, ofmapKiB: 4, banks: 2 } });

describe('grouped / depthwise convolution on the array', () => {
  const imp = importBytes(mobilenetBlock());
  const net = imp.network;
  const dwIdx = net.layers.map((l, i) => (l.kind === 'conv2d' && l.inC === 1 ? i : -1)).filter((i) => i >= 0);
  const pwIdx = net.layers.findIndex((l) => l.kind === 'conv2d' && l.inC === 8);
  const images = toNhwc(uniform(2 * 8 * 144, 7, -2, 2), imp.input.layout, 2);

  it('is one GEMM per channel group: 8 GEMMs of 36x9x1, then the pointwise 36x8x16', () => {
    const g = networkGemms(net);
    if (!g.ok) throw new Error(g.reason);
    expect(g.value.map((x) => x.gemm)).toEqual([...new Array(8).fill({ M: 36, K: 9, N: 1 }), { M: 36, K: 8, N: 16 }]);
    expect(dwIdx.length).toBe(8);
  });

  for (const df of ['ws', 'os', 'is'] as const) {
    it(`${df}: inference cycles = sum of the groups' SCALE-Sim GEMM cycles + the pointwise GEMM`, () => {
      const plan = planRun(net, spec(df));
      const group = planLayer({ M: 36, K: 9, N: 1 }, 4, 4, df).durationCycles;
      const pw = planLayer({ M: 36, K: 8, N: 16 }, 4, 4, df).durationCycles;
      expect(plan.inferenceCycles).toBe(8 * group + pw);
      dwIdx.forEach((i, g) => expect(plan.layers[i].start).toBe(g * group));
    });
  }

  it('ws: a psum stuck-at in column 1 misses every depthwise GEMM (one column used) but corrupts the pointwise one', () => {
    const r = runWithFaults({
      network: net, spec: spec('ws'), images, kernel: createJsKernel(),
      faults: [{ target: 'pe.psum', kind: 'stuckAt1', location: { kind: 'pe', row: 0, col: 1 }, bits: [29], window: { start: 0 } }],
    });
    if (!r.ok) throw new Error(r.reason);
    for (const i of dwIdx) expect(r.value.faulty.layers[i].corrupted).toBe(0);
    expect(r.value.faulty.layers[pwIdx].corrupted).toBeGreaterThan(0);
  });

  it('ws: a stuck-at in column 0 during one group\'s cycles corrupts that group only (and what it feeds)', () => {
    const plan = planRun(net, spec('ws'));
    const target = dwIdx[3];
    const L = plan.layers[target];
    const r = runWithFaults({
      network: net, spec: spec('ws'), images: images.subarray(0, 8 * 144), kernel: createJsKernel(),
      faults: [{ target: 'pe.psum', kind: 'stuckAt1', location: { kind: 'pe', row: 1, col: 0 }, bits: [29], window: { start: L.start, end: L.start + L.cycles } }],
    });
    if (!r.ok) throw new Error(r.reason);
    const corrupted = dwIdx.map((i) => r.value.faulty.layers[i].corrupted);
    expect(corrupted.filter((c, g) => g !== 3 && c > 0)).toEqual([]);
    expect(corrupted[3]).toBeGreaterThan(0);
    expect(r.value.faulty.layers[pwIdx].corrupted).toBeGreaterThan(0);
    // the same fault outside that window but still inside the block's other groups hits the others instead
    const other = plan.layers[dwIdx[5]];
    const r2 = runWithFaults({
      network: net, spec: spec('ws'), images: images.subarray(0, 8 * 144), kernel: createJsKernel(), golden: r.value.golden,
      faults: [{ target: 'pe.psum', kind: 'stuckAt1', location: { kind: 'pe', row: 1, col: 0 }, bits: [29], window: { start: other.start, end: other.start + other.cycles } }],
    });
    if (!r2.ok) throw new Error(r2.reason);
    expect(r2.value.faulty.layers[dwIdx[3]].corrupted).toBe(0);
    expect(r2.value.faulty.layers[dwIdx[5]].corrupted).toBeGreaterThan(0);
  });

  it('a weight-register LSB stuck-at in column 3: depthwise groups untouched, pointwise outputs off by ulps, predictions golden', () => {
    const r = runWithFaults({
      network: net, spec: spec('ws'), images: images.subarray(0, 8 * 144), kernel: createJsKernel(),
      faults: [{ target: 'pe.weight', kind: 'stuckAt0', location: { kind: 'pe', row: 3, col: 3 }, bits: [0], window: { start: 0 } }],
    });
    if (!r.ok) throw new Error(r.reason);
    // depthwise GEMMs (N = 1) use column 0 only: PE (3,3) never holds a depthwise weight
    for (const i of dwIdx) expect(r.value.faulty.layers[i].corrupted).toBe(0);
    const pw = r.value.faulty.layers[pwIdx];
    expect(pw.corrupted).toBeGreaterThan(0);
    expect(pw.maxAbsDelta).toBeLessThan(1e-4);
    expect(Array.from(r.value.faultyTop1)).toEqual(Array.from(r.value.goldenTop1));
  });
});
