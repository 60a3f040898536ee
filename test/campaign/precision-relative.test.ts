import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planTrials, prefixInterval, sampleSize, sampleSizeExact, sampleSizeRelative, stopPoint, withDefaults, withinMargin, type Tally } from '../../campaign/precision';
import { clopperPearson, zFor } from '../../campaign/stats';
import { precisionSchema } from '../../campaign/avf-schema';

describe('relative margin: sizing', () => {
  it('is the absolute formula at e = r p; infinite limit t^2 (1 - p) / (r^2 p)', () => {
    const t = zFor(0.95);
    for (const [r, p] of [[0.2, 0.01], [0.1, 0.3], [0.5, 0.002]] as const) {
      const limit = (t * t * (1 - p)) / (r * r * p);
      expect(sampleSizeExact(Infinity, r * p, t, p)).toBeCloseTo(limit, 6);
      expect(sampleSizeRelative(Infinity, r, 0.95, p)).toBe(Math.ceil(limit - 1e-9));
      expect(sampleSizeRelative(1e6, r, 0.95, p)).toBe(sampleSize(1e6, r * p, 0.95, p));
    }
  });

  it('an AVF of 1% to +-20% needs about 9,500 sites, to +-50% about 1,500 (why the cap is 10,000)', () => {
    expect(planTrials({ margin: 0.2, marginKind: 'relative', confidence: 0.95, p: 0.01 })).toMatchObject({ trialsPerPoint: 9508, capped: false });
    expect(planTrials({ margin: 0.5, marginKind: 'relative', confidence: 0.95, p: 0.01 }).trialsPerPoint).toBe(1522);
  });

  it('without an a-priori p the plan is maxTrials and early stopping decides', () => {
    expect(planTrials({ margin: 0.2, marginKind: 'relative', confidence: 0.95 })).toMatchObject({ trialsPerPoint: 10_000, capped: false });
    expect(planTrials({ margin: 0.2, marginKind: 'relative', confidence: 0.95, maxTrials: 2000 }).trialsPerPoint).toBe(2000);
  });

  it('the schema takes marginKind and interval; withDefaults fills absolute and wilson', () => {
    expect(precisionSchema.safeParse({ margin: 0.2, confidence: 0.95, marginKind: 'relative', interval: 'clopper-pearson' }).success).toBe(true);
    expect(precisionSchema.safeParse({ margin: 0.2, confidence: 0.95, marginKind: 'percent' }).success).toBe(false);
    expect(withDefaults({ margin: 0.1, confidence: 0.9 })).toMatchObject({ marginKind: 'absolute', interval: 'wilson' });
  });
});

describe('relative margin: early stopping', () => {
  it('withinMargin relative: inside p^ (1 +- r); a zero estimate never is', () => {
    expect(withinMargin({ mean: 0.1, lo: 0.085, hi: 0.118 }, 0.2, 'relative')).toBe(true);
    expect(withinMargin({ mean: 0.1, lo: 0.085, hi: 0.121 }, 0.2, 'relative')).toBe(false);
    expect(withinMargin({ mean: 0, lo: 0, hi: 1e-6 }, 0.5, 'relative')).toBe(false);
  });

  it('never stops before the relative precision holds, and stops at the first checkpoint where it does (property, both interval methods)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.double({ min: 0.02, max: 0.6, noNaN: true }), fc.double({ min: 0.15, max: 0.5, noNaN: true }),
      fc.constantFrom('wilson' as const, 'clopper-pearson' as const),
      (seed, p, r, interval) => {
        let x = seed;
        const rnd = (): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 2 ** 32; };
        const planned = 1500;
        const tallies: Tally[] = Array.from({ length: planned }, () => ({ k: rnd() < p ? 1 : 0, n: 1 }));
        const spec = withDefaults({ margin: r, marginKind: 'relative', interval, confidence: 0.95, minTrials: 30, checkEvery: 10 });
        const { stop, decided } = stopPoint(tallies, planned, spec);
        expect(decided).toBe(true);
        if (stop < planned) {
          const i = prefixInterval(tallies, stop, 0.95, interval);
          expect(withinMargin(i, r, 'relative')).toBe(true);
          expect(i.hi - i.mean).toBeLessThanOrEqual(r * i.mean * (1 + 1e-9));
        }
        for (let c = 30; c < stop; c += 10) expect(withinMargin(prefixInterval(tallies, c, 0.95, interval), r, 'relative'), `checkpoint ${c}`).toBe(false);
      }), { numRuns: 40 });
  });

  it('a point with no SDC never meets a relative margin: it runs its plan', () => {
    const tallies: Tally[] = Array.from({ length: 500 }, () => ({ k: 0, n: 1 }));
    expect(stopPoint(tallies, 500, withDefaults({ margin: 0.5, marginKind: 'relative', confidence: 0.95 })).stop).toBe(500);
  });

  it('Clopper–Pearson (wider here) stops no earlier than Wilson on the same trials', () => {
    const tallies: Tally[] = Array.from({ length: 3000 }, (_, i) => ({ k: i % 7 === 0 ? 1 : 0, n: 1 }));
    const w = stopPoint(tallies, 3000, withDefaults({ margin: 0.2, marginKind: 'relative', confidence: 0.95 })).stop;
    const cp = stopPoint(tallies, 3000, withDefaults({ margin: 0.2, marginKind: 'relative', interval: 'clopper-pearson', confidence: 0.95 })).stop;
    expect(w).toBeLessThan(3000);
    expect(cp).toBeGreaterThanOrEqual(w);
    const i = clopperPearson(tallies.slice(0, cp).reduce((a, t) => a + t.k, 0), cp, 0.95);
    expect(withinMargin(i, 0.2, 'relative')).toBe(true);
  });
});
