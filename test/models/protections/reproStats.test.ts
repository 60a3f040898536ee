import { describe, expect, it } from 'vitest';
import { bootstrapMean, formatCell, median, pairedDiff, pointStats } from '../../../models/protections/reproStats';

describe('reproduction statistics', () => {
  it('median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('bootstrap interval of the mean brackets the mean, is seeded, and is degenerate for constant data', () => {
    const xs = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 0.1 : 0.99));
    const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
    const a = bootstrapMean(xs, 3), b = bootstrapMean(xs, 3);
    expect(a).toEqual(b);
    expect(a.lo).toBeLessThan(mean);
    expect(a.hi).toBeGreaterThan(mean);
    expect(a.hi - a.lo).toBeLessThan(0.15);
    expect(bootstrapMean([0.5, 0.5, 0.5])).toEqual({ lo: 0.5, hi: 0.5 });
  });
  it('a heavy tail: mean far below the median, catastrophic share counts trials below the threshold', () => {
    const acc = [...Array(90).fill(0.99), ...Array(10).fill(0.1)];
    const s = pointStats(acc, 0.5);
    expect(s.median).toBe(0.99);
    expect(s.mean).toBeCloseTo(0.901, 10);
    expect(s.catastrophic).toBe(0.1);
    expect(formatCell(s)).toMatch(/^90\.1 \/ 99\.0 \[\d+\.\d, \d+\.\d\] 10%$/);
  });
  it('paired difference uses the same trial of each side', () => {
    const a = [0.9, 0.5, 0.8, 0.7], b = [0.95, 0.5, 0.7, 0.8];
    const d = pairedDiff(a, b);
    expect(d.mean).toBeCloseTo((0.05 + 0 - 0.1 + 0.1) / 4, 10);
    expect(d.better).toBe(0.5);
    expect(d.worse).toBe(0.25);
  });
});
