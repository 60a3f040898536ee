import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clopperPearson, proportionInterval, wilsonInterval } from '../../campaign/stats';

/** Binomial upper tail P(X >= k | n, p), summed term by term in log space (independent of the beta code). */
function upperTail(k: number, n: number, p: number): number {
  let s = 0;
  let lc = 0; // log C(n, 0)
  for (let j = 0; j <= n; j++) {
    if (j > 0) lc += Math.log((n - j + 1) / j);
    if (j >= k) s += Math.exp(lc + j * Math.log(p) + (n - j) * Math.log1p(-p));
  }
  return Math.min(1, s);
}
const lowerTail = (k: number, n: number, p: number): number => (k >= n ? 1 : 1 - upperTail(k + 1, n, p));

/** The p in (0, 1) where a monotone tail equals a, by bisection (60 halvings). */
function solve(f: (p: number) => number, a: number, increasing: boolean): number {
  let lo = 0, hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if ((f(mid) < a) === increasing) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
/** Reference Clopper–Pearson bounds from the binomial tails: P(X >= k | lo) = P(X <= k | hi) = alpha/2. */
function reference(k: number, n: number, c: number): { lo: number; hi: number } {
  const a = (1 - c) / 2;
  return {
    lo: k === 0 ? 0 : solve((p) => upperTail(k, n, p), a, true),
    hi: k === n ? 1 : solve((p) => lowerTail(k, n, p), a, false),
  };
}

describe('Clopper–Pearson (exact) interval', () => {
  it.each([[0, 10, 0.95], [1, 10, 0.95], [5, 10, 0.95], [10, 10, 0.95], [3, 100, 0.95], [17, 200, 0.99], [1, 1000, 0.9], [40, 40, 0.95]])(
    'k = %i of n = %i at %f equals the binomial-tail bisection', (k, n, c) => {
      const i = clopperPearson(k, n, c);
      const r = reference(k, n, c);
      expect(i.mean).toBe(k / n);
      expect(i.lo).toBeCloseTo(r.lo, 9);
      expect(i.hi).toBeCloseTo(r.hi, 9);
    });

  it('closed forms at the edges: k = 0 gives hi = 1 - (alpha/2)^(1/n), k = n gives lo = (alpha/2)^(1/n)', () => {
    for (const n of [1, 5, 30, 385]) {
      expect(clopperPearson(0, n, 0.95).hi).toBeCloseTo(1 - 0.025 ** (1 / n), 12);
      expect(clopperPearson(n, n, 0.95).lo).toBeCloseTo(0.025 ** (1 / n), 12);
      expect(clopperPearson(0, n, 0.95).lo).toBe(0);
      expect(clopperPearson(n, n, 0.95).hi).toBe(1);
    }
    expect(clopperPearson(0, 0)).toEqual({ mean: 0, lo: 0, hi: 1 });
  });

  it('stays in [0, 1] around the estimate, and is wider than Wilson for 0 < k < n (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 400 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
      const k = Math.round(f * n);
      const cp = clopperPearson(k, n, 0.95);
      const w = wilsonInterval(k, n, 0.95);
      expect(cp.lo).toBeGreaterThanOrEqual(0);
      expect(cp.hi).toBeLessThanOrEqual(1);
      expect(cp.lo).toBeLessThanOrEqual(cp.mean);
      expect(cp.hi).toBeGreaterThanOrEqual(cp.mean);
      // not containment: at k = 0 Wilson's upper bound z^2 / (n + z^2) can exceed 1 - (alpha/2)^(1/n) (n = 46)
      if (k > 0 && k < n) expect(cp.hi - cp.lo).toBeGreaterThan(w.hi - w.lo);
    }), { numRuns: 150 });
  });

  it('exact coverage is never below nominal (n = 100, p from 0.005 to 0.5)', () => {
    const n = 100;
    for (const p of [0.005, 0.01, 0.03, 0.1, 0.25, 0.5]) {
      let cov = 0;
      for (let k = 0; k <= n; k++) {
        const i = clopperPearson(k, n, 0.95);
        if (i.lo <= p && p <= i.hi) cov += upperTail(k, n, p) - upperTail(k + 1, n, p);
      }
      expect(cov, `p = ${p}`).toBeGreaterThanOrEqual(0.95 - 1e-9);
    }
  });

  it('proportionInterval picks the method', () => {
    expect(proportionInterval(3, 50, 0.95, 'clopper-pearson')).toEqual(clopperPearson(3, 50, 0.95));
    expect(proportionInterval(3, 50, 0.95)).toEqual(wilsonInterval(3, 50, 0.95));
  });
});
