import { describe, expect, it } from 'vitest';
import { summarize } from '../../campaign/summary';
import { renderReport } from '../../campaign/report/html';
import { summaryCsv, CSV_COLUMNS } from '../../campaign/output';
import { trialAt } from '../../campaign/plan';
import type { TrialRecord } from '../../campaign/results';
import type { TrialResult } from '../../campaign/types';
import { fakeTrial } from '../../campaign/fake';
import { berDoc, planOf } from './helpers';

const setup = planOf(berDoc({ trialsPerPoint: 2, faults: { kind: 'ber', targets: ['weightSram'], ber: [1e-5], definition: 'count' } }));

function rec(i: number, r: TrialResult): TrialRecord {
  const t = trialAt(setup.plan, i);
  return { v: 1, i, point: t.point.key, trial: t.trial, seed: t.seed, r };
}

const base: TrialResult = {
  images: 10, goldenCorrect: 8, faultyCorrect: 6, sdc: 2, criticalSdc: 1, faultsInjected: 3, faultsByTarget: { weightSram: 3 },
  layers: [{ name: 'conv1', corruptedShare: 0.5, maxAbsDelta: 2, relL2: 0.1 }, { name: 'fc', corruptedShare: 0.2, maxAbsDelta: 1, relL2: 0.3 }],
  maskedAt: { conv1: 3, '(output)': 5, '(none)': 2 }, cycles: 1000, utilization: 0.5,
};

describe('summary metrics from hand-made records', () => {
  it('pools rates, averages layers, attributes vulnerability, compares cycles with relu', () => {
    const r1: TrialResult = { ...base, faultyCorrect: 8, sdc: 0, criticalSdc: 0, faultsByTarget: { weightSram: 1 }, faultsInjected: 1,
      layers: [{ name: 'conv1', corruptedShare: 0.1, maxAbsDelta: Infinity, relL2: 0.3 }, { name: 'fc', corruptedShare: 0, maxAbsDelta: 0, relL2: 0 }] };
    const ranger: TrialResult = { ...base, cycles: 1100, overhead: { extraParams: 5, extraBytes: 20, extraCycles: 100 } };
    const s = summarize(setup.plan, 'h', [rec(1, r1), rec(0, base), rec(2, ranger), rec(3, ranger)], 'test');
    const p = s.points[0]!;
    expect(p.trials).toBe(2);
    expect(p.accuracy.mean).toBeCloseTo(0.7, 12); // (0.6 + 0.8) / 2
    expect(p.sdc).toMatchObject({ count: 2, base: 16 }); // 2 SDCs over 8 + 8 golden-correct images
    expect(p.sdc.rate.mean).toBe(2 / 16);
    expect(p.criticalSdc.count).toBe(1);
    expect(p.vulnerability.weightSram).toEqual({ faults: 4, sdcFaults: 3, share: 0.75 }); // trial 0 had SDCs: its 3 faults count
    expect(p.layers[0]).toEqual({ name: 'conv1', corruptedShare: 0.3, maxAbsDelta: Infinity, relL2: 0.2, maskedHere: 6 });
    expect(p.reachedOutput).toBe(10);
    expect(p.untouched).toBe(4);
    expect(s.overhead).toEqual([
      { model: 'lenet5', protection: 'relu', format: 'fp32', cycles: 1000, utilization: 0.5, cycleRatio: 1, extraParams: null, extraBytes: null },
      { model: 'lenet5', protection: 'ranger', format: 'fp32', cycles: 1100, utilization: 0.5, cycleRatio: 1.1, extraParams: 5, extraBytes: 20 },
    ]);
    expect(s.structures).toEqual([
      { protection: 'relu', target: 'weightSram', v: { faults: 4, sdcFaults: 3, share: 0.75 } },
      { protection: 'ranger', target: 'weightSram', v: { faults: 6, sdcFaults: 6, share: 1 } },
    ]);
    const csv = summaryCsv(s).trim().split('\n');
    expect(csv[0]).toBe(CSV_COLUMNS.join(','));
    expect(csv.length).toBe(1 + setup.plan.points.length);
  });

  it('report.html is self-contained and has one accuracy curve per protection', () => {
    const big = planOf(berDoc({ protections: ['relu', 'ranger', 'fitact'] }));
    const recs: TrialRecord[] = [];
    for (let i = 0; i < big.plan.totalTrials; i++) {
      const t = trialAt(big.plan, i);
      recs.push({ v: 1, i, point: t.point.key, trial: t.trial, seed: t.seed, r: fakeTrial(t) });
    }
    const html = renderReport(summarize(big.plan, 'h', recs, 'fake'));
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/@import|url\(/i);
    const acc = html.slice(html.indexOf('Top-1 accuracy vs BER'), html.indexOf('</svg>', html.indexOf('Top-1 accuracy vs BER')));
    expect((acc.match(/<polyline/g) ?? []).length).toBe(3);
    for (const name of ['SDC rate', 'Critical SDC rate', 'Share of faults ending in an SDC', 'Corrupted share per layer', 'cycles vs relu', 'Synthetic numbers'])
      expect(html).toContain(name);
  });
});
