import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveSeed, drawKey, parseShard, shardIndices, trialAt } from '../../campaign/plan';
import { berDoc, planOf } from './helpers';

describe('campaign plan', () => {
  it('expands points in model, protection, format, target, BER order', () => {
    const { plan } = planOf(berDoc({ formats: ['fp32', 'int8'] }));
    const keys: string[] = [];
    for (const prot of ['relu', 'ranger'])
      for (const fmt of ['fp32', 'int8(q3.4)'])
        for (const ber of ['1e-6', '0.00001', '0.0001']) keys.push(`lenet5|${prot}|${fmt}|ber:weightSram:seu:per-bit:${ber}`);
    // BERs print as JavaScript prints them: 1e-6 -> "0.000001", 1e-5 -> "0.00001"
    expect(plan.points.map((p) => p.key)).toEqual(keys.map((k) => k.replace(':1e-6', ':0.000001')));
    expect(plan.totalTrials).toBe(12 * 4);
  });

  it('a trial seed depends only on (campaign seed, point key without the protection, trial)', () => {
    const a = planOf(berDoc());
    // reordering protections and adding a BER changes indices but not the seeds of shared points
    const b = planOf(berDoc({ protections: ['ranger', 'relu'], faults: { kind: 'ber', targets: ['weightSram'], ber: [1e-7, 1e-6, 1e-5, 1e-4], definition: 'per-bit' } }));
    for (let i = 0; i < a.plan.totalTrials; i++) {
      const t = trialAt(a.plan, i);
      const pb = b.plan.points.find((p) => p.key === t.point.key)!;
      const u = trialAt(b.plan, pb.index * b.plan.trialsPerPoint + t.trial);
      expect(u.seed).toBe(t.seed);
      expect(t.seed).toBe(deriveSeed(1234, drawKey(t.point), t.trial));
      expect(drawKey(t.point)).toBe(t.point.key.replace(`|${t.point.protection}|`, '|'));
    }
    // common random numbers: every protection of a (model, format, fault point, trial) shares the seed;
    // different points or trials do not
    const all = Array.from({ length: a.plan.totalTrials }, (_, i) => trialAt(a.plan, i));
    const byPair = new Map<string, Set<number>>();
    for (const t of all) {
      const k = `${drawKey(t.point)}#${t.trial}`;
      if (!byPair.has(k)) byPair.set(k, new Set());
      byPair.get(k)!.add(t.seed);
    }
    expect(a.plan.campaign.protections.length).toBeGreaterThan(1);
    for (const s of byPair.values()) expect(s.size).toBe(1);
    expect(new Set(all.map((t) => t.seed)).size).toBe(byPair.size);
    expect(deriveSeed(1, 'k', 0)).not.toBe(deriveSeed(2, 'k', 0));
  });

  it('shards partition the trials and keep every trial spec identical (property)', () => {
    const { plan } = planOf(berDoc());
    const whole = Array.from({ length: plan.totalTrials }, (_, i) => trialAt(plan, i));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), (n) => {
        const seen = new Map<number, number>();
        for (let s = 0; s < n; s++) {
          for (const i of shardIndices(plan, { index: s, count: n })) {
            seen.set(i, (seen.get(i) ?? 0) + 1);
            expect(trialAt(plan, i)).toEqual(whole[i]);
          }
        }
        expect(seen.size).toBe(plan.totalTrials);
        expect([...seen.values()].every((c) => c === 1)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('parses shard selectors', () => {
    expect(parseShard('2/5')).toEqual({ ok: true, value: { index: 2, count: 5 } });
    const bad = parseShard('5/5');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toContain('found 5/5');
    expect(parseShard('a/b').ok).toBe(false);
  });
});
