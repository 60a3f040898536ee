/**
 * Campaigns planned to a precision (statistical fault injection, Leveugle, Calvez, Maistri and
 * Vanhauwaert, DATE 2009). Instead of a trial count a campaign states a margin e and a confidence;
 * the trials per point are the sample size for a population of N fault sites (every (bit, cycle)
 * pair of a structure over the run):
 *
 *     n = N / (1 + e^2 (N - 1) / (t^2 p (1 - p)))
 *
 * with t the two-sided normal quantile of the confidence and p the a-priori proportion (0.5, the
 * most conservative). As N -> infinity, n -> t^2 p (1 - p) / e^2, which is never smaller than the
 * finite-population n, so a campaign whose points have different populations uses that bound.
 *
 * Relative margin (`marginKind: "relative"`): the half-width is a share r of the proportion itself
 * (e = r p, "AVF to +-20% of its value"), which is what a small AVF needs: an absolute +-1 point
 * says nothing about an AVF of 1%. Sizing substitutes e = r p:
 *
 *     n = N / (1 + r^2 p^2 (N - 1) / (t^2 p (1 - p)))   ->   t^2 (1 - p) / (r^2 p)  as N -> infinity
 *
 * which needs an a-priori p (`p`, e.g. a pilot study's AVF); without one the plan is `maxTrials`
 * and early stopping decides. The stop check is then: interval inside p^ (1 +- r) with p^ > 0
 * (k = 0 never meets a relative margin: such a point runs to its plan; read its upper bound).
 *
 * Early stopping (deterministic, so shards, worker counts and resumes agree): a point's trials are
 * examined in trial order at checkpoints k = minTrials, minTrials + every, ...; the point stops at
 * the first checkpoint whose interval (Wilson score, or Clopper–Pearson with `interval:
 * "clopper-pearson"`, at the stated confidence) of the prefix 0..k-1 lies inside mean +- margin
 * (absolute) or mean (1 +- r) (relative). Only that prefix enters the summary, whatever else was
 * run. Pure module.
 */
import { proportionInterval, zFor, type Interval, type ProportionMethod } from './stats';

/** A precision target. */
export interface PrecisionSpec {
  /** Half-width e of the interval: a proportion (0.01 = +-1 percentage point) when `marginKind` is
   * "absolute" (default), a share of the estimate (0.2 = +-20% of p) when "relative". */
  readonly margin: number;
  /** How `margin` is read (default "absolute"). */
  readonly marginKind?: 'absolute' | 'relative';
  /** Interval of the stop check and of the point's AVF / FIT (default "wilson"). */
  readonly interval?: ProportionMethod;
  /** Two-sided confidence level, e.g. 0.95. */
  readonly confidence: number;
  /** A-priori proportion used for sizing (default 0.5). */
  readonly p?: number;
  /** Stop a point early once its interval is inside the margin (default true). */
  readonly earlyStop?: boolean;
  /** Least trials before the first early-stop check (default 30). */
  readonly minTrials?: number;
  /** Trials between early-stop checks (default 10). */
  readonly checkEvery?: number;
  /** Upper bound on trials per point (default 10,000, the campaign file limit). */
  readonly maxTrials?: number;
}

/** Real-valued sample size n(N) of the formula (no rounding). N = Infinity gives the limit. */
export function sampleSizeExact(population: number, margin: number, t: number, p = 0.5): number {
  if (!(margin > 0 && margin < 1)) throw new RangeError(`margin: expected 0 < e < 1, found ${margin}`);
  if (!(p > 0 && p < 1)) throw new RangeError(`p: expected 0 < p < 1, found ${p}`);
  if (!(population >= 1)) throw new RangeError(`population: expected N >= 1, found ${population}`);
  const v = t * t * p * (1 - p);
  if (population === Infinity) return v / (margin * margin);
  return population / (1 + (margin * margin * (population - 1)) / v);
}

/** Trials needed (rounded up, at most N) for a population of N sites at a margin and confidence. */
export function sampleSize(population: number, margin: number, confidence: number, p = 0.5): number {
  const n = Math.ceil(sampleSizeExact(population, margin, zFor(confidence), p) - 1e-9);
  return Math.min(n, population);
}

/** How a point's trial count was chosen (recorded in the summary). */
export interface TrialCountChoice {
  readonly method: 'fixed' | 'precision';
  /** Trials per point planned. */
  readonly trialsPerPoint: number;
  /** The precision target, for method "precision". */
  readonly precision?: Required<PrecisionSpec>;
  /** t used (two-sided normal quantile of the confidence). */
  readonly t?: number;
  /** Population the count was sized for (Infinity = the conservative limit). */
  readonly population?: number;
  /** true when maxTrials cut the formula's n (the margin may then not be reached). */
  readonly capped?: boolean;
}

/** Fills a precision spec's defaults. */
export function withDefaults(s: PrecisionSpec): Required<PrecisionSpec> {
  return {
    margin: s.margin, marginKind: s.marginKind ?? 'absolute', interval: s.interval ?? 'wilson', confidence: s.confidence, p: s.p ?? 0.5, earlyStop: s.earlyStop ?? true,
    minTrials: s.minTrials ?? 30, checkEvery: s.checkEvery ?? 10, maxTrials: s.maxTrials ?? 10_000,
  };
}

/** Trials needed for a relative margin r (half-width r p) at an a-priori proportion p. */
export function sampleSizeRelative(population: number, relMargin: number, confidence: number, p: number): number {
  return sampleSize(population, relMargin * p, confidence, p);
}

/** Trials per point for a precision target over a population (default: the infinite limit). A
 * relative margin without an a-priori `p` plans `maxTrials` (early stopping then decides). */
export function planTrials(spec: PrecisionSpec, population = Infinity): TrialCountChoice {
  const s = withDefaults(spec);
  const n = s.marginKind === 'relative'
    ? (spec.p === undefined ? s.maxTrials : sampleSizeRelative(population, s.margin, s.confidence, s.p))
    : sampleSize(population, s.margin, s.confidence, s.p);
  const trials = Math.max(1, Math.min(n, s.maxTrials));
  return { method: 'precision', trialsPerPoint: trials, precision: s, t: zFor(s.confidence), population, capped: n > s.maxTrials };
}

/** Successes / samples a trial contributes to its point's stopping proportion. */
export interface Tally {
  readonly k: number;
  readonly n: number;
}

/** Whether an interval lies inside mean +- margin (both sides); with `kind` "relative" inside
 * mean (1 +- margin), which a zero mean never is. */
export function withinMargin(i: Interval, margin: number, kind: 'absolute' | 'relative' = 'absolute'): boolean {
  if (kind === 'relative') {
    if (!(i.mean > 0)) return false;
    const e = margin * i.mean;
    return i.hi - i.mean <= e * (1 + 1e-12) && i.mean - i.lo <= e * (1 + 1e-12);
  }
  return i.hi - i.mean <= margin + 1e-12 && i.mean - i.lo <= margin + 1e-12;
}

/**
 * Where a point stops: the trial count of the prefix that enters the summary. `tallies[t]` is
 * trial t's tally, undefined when not (yet) run. Returns `{ stop, decided }`: `stop` = prefix length
 * used (planned when no early stop applies); `decided` = false while the contiguous prefix is too
 * short to know (the runner must keep running this point's trials).
 */
export function stopPoint(tallies: readonly (Tally | undefined)[], planned: number, spec: Required<PrecisionSpec> | null): { stop: number; decided: boolean } {
  if (!spec || !spec.earlyStop) return { stop: planned, decided: false };
  let k = 0, n = 0;
  for (let t = 0; t < planned; t++) {
    const x = tallies[t];
    if (!x) return { stop: planned, decided: false };
    k += x.k; n += x.n;
    const done = t + 1;
    if (done >= spec.minTrials && (done - spec.minTrials) % spec.checkEvery === 0 && done < planned) {
      if (n > 0 && withinMargin(proportionInterval(k, n, spec.confidence, spec.interval), spec.margin, spec.marginKind)) return { stop: done, decided: true };
    }
  }
  return { stop: planned, decided: true };
}

/** Interval of a prefix of tallies (for the live progress display and the summary). */
export function prefixInterval(tallies: readonly (Tally | undefined)[], upTo: number, confidence: number, method: ProportionMethod = 'wilson'): Interval & { readonly samples: number } {
  let k = 0, n = 0;
  for (let t = 0; t < upTo; t++) {
    const x = tallies[t];
    if (x) { k += x.k; n += x.n; }
  }
  return { ...proportionInterval(k, n, confidence, method), samples: n };
}
