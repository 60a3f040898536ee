import { describe, expect, it } from 'vitest';
import { faultTouches } from '../../../sim/engine/run';
import { expandTouches } from '../../../sim/dataflow/schedule';
import { planRun } from '../../../sim/engine/faultyPlan';
import { cycleOf } from '../../../sim/engine/timeline';
import { convNet, denseNet, spec } from './faultyHelpers';

describe('faultTouches: which outputs a register / word at a time touches', () => {
  it('ws input register: the value at PE(1,0) feeds outputs (t, n0..n0+cu-1), term k0+1', () => {
    const net = convNet(4, 4, 2, 3, 2);
    const s = spec(4, 3, 'ws');
    const plan = planRun(net, s);
    const r = faultTouches(s, net, { target: 'pe.input', kind: 'seu', location: { kind: 'pe', row: 1, col: 0 }, bits: [3], window: { start: cycleOf(plan, 0, 0, 0, 4 + 5 + 1) } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toHaveLength(1);
    expect(expandTouches(r.value[0].touches).map((t) => [t.m, t.n, t.k, t.operand])).toEqual([[5, 0, 1, 'x'], [5, 1, 1, 'x'], [5, 2, 1, 'x']]);
  });
  it('ws stuck weight register: every output of its column in every fold and inference of the window', () => {
    const net = denseNet(7, 5);
    const s = spec(3, 2, 'ws');
    const plan = planRun(net, s);
    const r = faultTouches(s, net, { target: 'pe.weight', kind: 'stuckAt0', location: { kind: 'pe', row: 0, col: 1 }, bits: [1], window: { start: 0, end: 2 * plan.inferenceCycles } }, 3);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.map((l) => l.inference)).toEqual([0, 1]);
    const ns = [...new Set(expandTouches(r.value[0].touches).map((t) => t.n))].sort();
    expect(ns).toEqual([1, 3]); // column 1 of column folds n0 = 0, 2 (n0 = 4 uses one column)
    // PE row 0 also holds every word of its column while the weights shift down during the preload
    expect([...new Set(expandTouches(r.value[0].touches).map((t) => t.k))].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // the bottom row only holds its own word: k = 2 and 5 (the last row fold uses one row)
    const bottom = faultTouches(s, net, { target: 'pe.weight', kind: 'stuckAt0', location: { kind: 'pe', row: 2, col: 1 }, bits: [1], window: { start: 0 } }, 1);
    if (!bottom.ok) throw new Error(bottom.reason);
    expect([...new Set(expandTouches(bottom.value[0].touches).map((t) => t.k))].sort()).toEqual([2, 5]);
  });
  it('a weight word read before the flip touches nothing; random locations are refused', () => {
    const net = denseNet(7, 5);
    const s = spec(3, 2, 'ws');
    const plan = planRun(net, s);
    const late = faultTouches(s, net, { target: 'weightSram', kind: 'seu', location: { kind: 'address', address: 0 }, bits: [1], window: { start: plan.inferenceCycles - 1 } });
    expect(late.ok && late.value.length).toBe(0);
    expect(faultTouches(s, net, { target: 'pe.psum', kind: 'seu', location: { kind: 'random' }, bits: [1], window: { start: 0 } }).ok).toBe(false);
  });
});
