/**
 * Statistics of a paired reproduction: per point (protection x BER) the trial accuracies, their
 * mean, median, a 95% percentile-bootstrap interval of the mean (seeded), the share of
 * catastrophic trials (accuracy below a threshold), and paired differences between two
 * protections (same faults at the same trial). Pure.
 */
import { makeRng } from '../rng';

/** Summary of one point's trial accuracies (all in 0..1). */
export interface PointStats {
  readonly trials: number;
  readonly mean: number;
  readonly median: number;
  /** 95% percentile-bootstrap interval of the mean. */
  readonly lo: number;
  readonly hi: number;
  /** Share of trials with accuracy < threshold (0..1). */
  readonly catastrophic: number;
}

/** Median of a list (mean of the two middle values for even lengths). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** 95% percentile-bootstrap interval of the mean of `xs` (`resamples` draws, seeded). */
export function bootstrapMean(xs: readonly number[], seed = 1, resamples = 2000): { lo: number; hi: number } {
  if (xs.length === 0) return { lo: NaN, hi: NaN };
  const rng = makeRng(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[rng.int(0, xs.length - 1)]!;
    means[r] = s / xs.length;
  }
  means.sort();
  return { lo: means[Math.floor(0.025 * (resamples - 1))]!, hi: means[Math.ceil(0.975 * (resamples - 1))]! };
}

/** Stats of one point; `threshold` in accuracy units (0.5 = 50%). */
export function pointStats(acc: readonly number[], threshold: number, seed = 1): PointStats {
  const mean = acc.reduce((a, v) => a + v, 0) / acc.length;
  return { trials: acc.length, mean, median: median(acc), ...bootstrapMean(acc, seed), catastrophic: acc.filter((a) => a < threshold).length / acc.length };
}

/** Paired comparison of b against a over the same trials: mean difference b − a with its
 * bootstrap interval, and the shares of trials where b is better / worse. */
export function pairedDiff(a: readonly number[], b: readonly number[], seed = 1): { mean: number; lo: number; hi: number; better: number; worse: number } {
  const d = a.map((v, i) => b[i]! - v);
  const mean = d.reduce((s, v) => s + v, 0) / d.length;
  return { mean, ...bootstrapMean(d, seed), better: d.filter((v) => v > 0).length / d.length, worse: d.filter((v) => v < 0).length / d.length };
}

/** "98.7 / 99.0 [98.1, 99.2] 2%" cell: mean / median [interval] catastrophic share, in percent. */
export function formatCell(s: PointStats): string {
  const p = (x: number): string => (x * 100).toFixed(1);
  return `${p(s.mean)} / ${p(s.median)} [${p(s.lo)}, ${p(s.hi)}] ${Math.round(s.catastrophic * 100)}%`;
}
