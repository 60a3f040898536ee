import { describe, expect, it } from 'vitest';
import { timeline, locateCycle, cycleOf } from '../../../sim/engine/timeline';
import { planRun } from '../../../sim/engine/faultyPlan';
import { spec, tinyNet } from './faultyHelpers';

describe('timeline', () => {
  const net = tinyNet();
  for (const df of ['ws', 'os', 'is'] as const) {
    it(`orders events and maps cycles back (${df})`, () => {
      const s = spec(4, 3, df);
      const plan = planRun(net, s);
      const tl = timeline(net, s, 3);
      for (let i = 1; i < tl.length; i++) expect(tl[i].cycle).toBeGreaterThanOrEqual(tl[i - 1].cycle);
      expect(tl.filter((e) => e.event.type === 'INFERENCE_START').map((e) => e.cycle)).toEqual([0, 1, 2].map((i) => i * plan.inferenceCycles));
      const folds = tl.filter((e) => e.event.type === 'FOLD_START');
      const perInf = plan.layers.reduce((s2, l) => s2 + l.folds.length, 0);
      expect(folds.length).toBe(3 * perInf);
      for (const f of folds) {
        const loc = locateCycle(plan, f.cycle, 3);
        expect(loc).not.toBeNull();
        expect(loc!.inference).toBe(f.event.inference);
        expect(loc!.layer).toBe(f.event.layer);
        expect(loc!.fold).toBe(f.event.fold);
        expect(loc!.foldCycle).toBe(0);
        expect(cycleOf(plan, loc!.inference, loc!.layer, loc!.fold, 0)).toBe(f.cycle);
      }
      // the cycle before a fold start belongs to the previous fold's last cycle
      const second = folds[1];
      const prev = locateCycle(plan, second.cycle - 1, 3)!;
      expect(prev.foldCycle).toBe(plan.layers[prev.layer].df!.foldCycles - 1);
      expect(locateCycle(plan, 3 * plan.inferenceCycles, 3)).toBeNull();
      // vector layer: start and end at the same cycle, ends sorted before starts
      const pool = tl.filter((e) => e.event.layerName === 'pool' && e.event.inference === 1);
      expect(pool.map((e) => e.event.type)).toEqual(['LAYER_START', 'LAYER_END']);
      expect(pool[0].cycle).toBe(pool[1].cycle);
      const at = tl.filter((e) => e.cycle === plan.inferenceCycles).map((e) => e.event.type);
      expect(at[0]).toBe("LAYER_END");
      expect(at.indexOf('INFERENCE_END')).toBeLessThan(at.indexOf('INFERENCE_START'));
    });
  }
});

describe('timelineEvents (lazy)', () => {
  it('yields the same events as timeline, and can skip FOLD_START', async () => {
    const { timelineEvents } = await import('../../../sim/engine/timeline');
    const net = tinyNet();
    const s = spec(4, 3, 'ws');
    const plan = planRun(net, s);
    expect([...timelineEvents(plan, 2)]).toEqual(timeline(net, s, 2));
    const coarse = [...timelineEvents(plan, 2, false)];
    expect(coarse.some((e) => e.event.type === 'FOLD_START')).toBe(false);
    expect(coarse).toEqual(timeline(net, s, 2).filter((e) => e.event.type !== 'FOLD_START'));
  });
});
