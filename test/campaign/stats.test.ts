import { describe, expect, it } from 'vitest';
import { studentTQuantile, tInterval95, wilson95, wilsonInterval, sampleStd, studentTCdf } from '../../campaign/stats';

describe('campaign stats', () => {
  it('Student t quantiles match printed tables', () => {
    // t_{0.975, df} from standard tables
    const table: [number, number][] = [[1, 12.7062], [2, 4.3027], [4, 2.7764], [9, 2.2622], [19, 2.0930], [29, 2.0452], [120, 1.9799]];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 12);
  });

  it('t interval equals a hand-derived example', () => {
    // accuracies 0.9 0.8 1.0 0.7 0.6: mean 0.8, s = sqrt(0.1/4) = 0.158114, s/sqrt(5) = 0.0707107,
    // t_{0.975,4} = 2.776445 -> half width 0.196324 -> [0.603676, 0.996324]
    const xs = [0.9, 0.8, 1.0, 0.7, 0.6];
    expect(sampleStd(xs)).toBeCloseTo(0.158114, 6);
    const ci = tInterval95(xs);
    expect(ci.mean).toBeCloseTo(0.8, 12);
    expect(ci.lo).toBeCloseTo(0.603676, 5);
    expect(ci.hi).toBeCloseTo(0.996324, 5);
  });

  it('one trial gives a degenerate interval', () => {
    expect(tInterval95([0.5])).toEqual({ mean: 0.5, lo: 0.5, hi: 0.5 });
  });

  it('Wilson interval equals a hand-derived example and stays in [0,1]', () => {
    // k=8, n=10, z=1.96: centre (0.8 + z^2/20)/(1 + z^2/10) = 0.716745,
    // half z*sqrt(0.016 + z^2/400)/(1 + z^2/10) = 0.226578 -> [0.490162, 0.943318]
    const w = wilson95(8, 10);
    expect(w.mean).toBe(0.8);
    expect(w.lo).toBeCloseTo(0.490162, 5);
    expect(w.hi).toBeCloseTo(0.943318, 5);
    const z = wilson95(0, 50);
    expect(z.lo).toBe(0);
    expect(z.hi).toBeGreaterThan(0);
    expect(wilson95(0, 0)).toEqual({ mean: 0, lo: 0, hi: 1 });
  });
});

describe('Wilson interval at any confidence (issue 14)', () => {
  /** Exact coverage of the interval for a true proportion p and n trials (sum of binomial pmf). */
  function coverage(p: number, n: number, c: number): number {
    let s = 0;
    let lp = n * Math.log(1 - p);
    for (let k = 0; k <= n; k++) {
      if (k > 0) lp += Math.log((n - k + 1) / k) + Math.log(p / (1 - p));
      const i = wilsonInterval(k, n, c);
      if (i.lo <= p && p <= i.hi) s += Math.exp(lp);
    }
    return s;
  }

  it('behaves at 0 and n, widens with confidence, and matches wilson95 at 95%', () => {
    expect(wilsonInterval(0, 40, 0.99)).toMatchObject({ mean: 0, lo: 0 });
    expect(wilsonInterval(0, 40, 0.99).hi).toBeGreaterThan(wilsonInterval(0, 40, 0.9).hi);
    expect(wilsonInterval(40, 40, 0.9)).toMatchObject({ mean: 1, hi: 1 });
    expect(wilsonInterval(7, 40, 0.95)).toEqual(wilson95(7, 40));
  });

  it('exact coverage: near nominal for moderate n p, about 92% at n p = 1 (documented)', () => {
    expect(coverage(0.2, 385, 0.95)).toBeGreaterThan(0.945);
    expect(coverage(0.5, 30, 0.95)).toBeGreaterThan(0.95);
    const low = coverage(0.01, 100, 0.95);
    expect(low).toBeGreaterThan(0.91);
    expect(low).toBeLessThan(0.95);
    expect(coverage(0.01, 100, 0.99)).toBeGreaterThan(0.98);
  });
});

