import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planTrials, prefixInterval, sampleSize, sampleSizeExact, stopPoint, withDefaults, withinMargin, type Tally } from '../../campaign/precision';
import { normalQuantile, wilsonInterval, zFor } from '../../campaign/stats';

describe('sample size (Leveugle et al., DATE 2009)', () => {
  // The formula n = N / (1 + e^2 (N-1) / (t^2 p (1-p))) is the finite-population sample size of
  // survey sampling; with t^2 = 3.841 (chi-square, 1 df, 95%), p = 0.5, e = 0.05 it is the formula
  // behind Krejcie & Morgan's (1970) table, whose entries (rounded to nearest) are checked here.
  const km: [number, number][] = [[100, 80], [500, 217], [1000, 278], [10_000, 370], [100_000, 383]];
  it.each(km)('N = %i gives %i (Krejcie & Morgan table, e = 5%, 95%)', (N, n) => {
    expect(Math.round(sampleSizeExact(N, 0.05, Math.sqrt(3.841)))).toBe(n);
  });

  it('infinite population: t^2 p (1-p) / e^2 (e = 1%, 99%, t = 2.576 -> 16,588; 5%, 95% -> 385)', () => {
    expect(sampleSize(Infinity, 0.05, 0.95)).toBe(385); // 384.15 rounded up
    expect(sampleSizeExact(Infinity, 0.01, 2.58)).toBeCloseTo(16_641, 6); // the paper's t = 2.58
    expect(sampleSize(Infinity, 0.01, 0.99)).toBe(16_588);
  });

  it('is never above the infinite limit nor above N, and grows with N', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e9 }), fc.double({ min: 0.001, max: 0.2, noNaN: true }), (N, e) => {
      const n = sampleSize(N, e, 0.95);
      expect(n).toBeLessThanOrEqual(sampleSize(Infinity, e, 0.95));
      expect(n).toBeLessThanOrEqual(N);
      expect(sampleSize(N + 1000, e, 0.95)).toBeGreaterThanOrEqual(n);
    }));
  });

  it('a whole-population study of a tiny structure needs (nearly) every site', () => {
    expect(sampleSize(10, 0.01, 0.95)).toBe(10);
  });

  it('normal quantiles', () => {
    expect(zFor(0.95)).toBeCloseTo(1.959963985, 9);
    expect(zFor(0.99)).toBeCloseTo(2.575829304, 9);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644853627, 9);
  });

  it('planTrials records the choice and caps at maxTrials', () => {
    const c = planTrials({ margin: 0.05, confidence: 0.95 });
    expect(c).toMatchObject({ method: 'precision', trialsPerPoint: 385, capped: false, population: Infinity });
    const capped = planTrials({ margin: 0.001, confidence: 0.99, maxTrials: 5000 });
    expect(capped).toMatchObject({ trialsPerPoint: 5000, capped: true });
  });
});

describe('early stopping', () => {
  const spec = withDefaults({ margin: 0.05, confidence: 0.95, minTrials: 20, checkEvery: 5 });

  it('never stops before the prefix interval is inside the margin (property)', () => {
    fc.assert(fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 600 }), fc.double({ min: 0.01, max: 0.3, noNaN: true }), (outs, margin) => {
      const s = { ...spec, margin };
      const tallies: Tally[] = outs.map((b) => ({ k: b ? 1 : 0, n: 1 }));
      const { stop, decided } = stopPoint(tallies, outs.length, s);
      expect(decided).toBe(true);
      if (stop < outs.length) {
        const i = prefixInterval(tallies, stop, s.confidence);
        expect(withinMargin(i, margin)).toBe(true);
        expect(i.hi - i.lo).toBeLessThanOrEqual(2 * margin + 1e-9);
        expect(stop).toBeGreaterThanOrEqual(s.minTrials);
        // and no earlier checkpoint was already inside the margin (it stops at the first one)
        for (let k = s.minTrials; k < stop; k += s.checkEvery) expect(withinMargin(prefixInterval(tallies, k, s.confidence), margin)).toBe(false);
      }
    }));
  });

  it('all-masked trials stop once the upper bound reaches the margin', () => {
    const tallies: Tally[] = Array.from({ length: 400 }, () => ({ k: 0, n: 1 }));
    const { stop } = stopPoint(tallies, 400, spec);
    // Wilson upper bound at k = 0: z^2 / (n + z^2) <= 0.05  <=>  n >= 19 z^2 = 72.99
    expect(stop).toBe(75);
    expect(wilsonInterval(0, 75).hi).toBeLessThanOrEqual(0.05);
    expect(wilsonInterval(0, 70).hi).toBeGreaterThan(0.05);
  });

  it('waits for a contiguous prefix (undecided while a trial is missing) and ignores later trials', () => {
    const tallies: (Tally | undefined)[] = Array.from({ length: 400 }, () => ({ k: 0, n: 1 }));
    tallies[10] = undefined;
    expect(stopPoint(tallies, 400, spec)).toEqual({ stop: 400, decided: false });
    tallies[10] = { k: 0, n: 1 };
    tallies[300] = { k: 1, n: 1 }; // after the stop: does not matter
    expect(stopPoint(tallies, 400, spec).stop).toBe(75);
  });

  it('with early stopping off the planned count is kept', () => {
    const tallies: Tally[] = Array.from({ length: 100 }, () => ({ k: 0, n: 1 }));
    expect(stopPoint(tallies, 100, { ...spec, earlyStop: false }).stop).toBe(100);
    expect(stopPoint(tallies, 100, null).stop).toBe(100);
  });
});
