/**
 * Statistics for campaign summaries. Accuracy intervals: Student t over per-trial accuracies
 * (mean +- t_{0.975, n-1} * s / sqrt(n)). Proportions (SDC, critical SDC, DUE, outcome classes,
 * AVF): Wilson score interval (95%: z = 1.959964; other levels via `wilsonInterval`), which keeps
 * its bounds in [0, 1] and is not degenerate at k = 0 or k = n. Clopper–Pearson (exact, beta
 * quantiles) is the conservative alternative (`clopperPearson`, `proportionInterval`).
 */

/** A point estimate with a two-sided interval [lo, hi]. */
export interface Interval {
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
}

/** z quantile for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

function lgamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function betacf(a: number, b: number, x: number): number {
  // Continued fraction for the incomplete beta function (modified Lentz).
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d; h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b), 0 <= x <= 1. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const bt = Math.exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (bt * betacf(a, b, x)) / a : 1 - (bt * betacf(b, a, 1 - x)) / b;
}

/** CDF of Student's t distribution with `df` degrees of freedom at `t`. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Quantile of Student's t: the t with CDF(t) = p (0.5 < p < 1), by bisection to 1e-12. */
export function studentTQuantile(p: number, df: number): number {
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Arithmetic mean (0 for an empty list). Summed in the given order, so results are reproducible. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n - 1 denominator); 0 for fewer than 2 values. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}

/** 95% Student t interval of the mean of `xs`; with one value the interval is the value itself. */
export function tInterval95(xs: readonly number[]): Interval {
  const m = mean(xs);
  if (xs.length < 2) return { mean: m, lo: m, hi: m };
  const half = (studentTQuantile(0.975, xs.length - 1) * sampleStd(xs)) / Math.sqrt(xs.length);
  return { mean: m, lo: m - half, hi: m + half };
}

/** 95% Wilson score interval of a proportion k/n; n = 0 gives {0, 0, 1}. */
export function wilson95(k: number, n: number): Interval {
  if (n === 0) return { mean: 0, lo: 0, hi: 1 };
  const z = Z95;
  const p = k / n;
  const den = 1 + (z * z) / n;
  const center = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  // k = 0 and k = n have exact bounds 0 and 1 (avoid rounding residue)
  return { mean: p, lo: k === 0 ? 0 : Math.max(0, center - half), hi: k === n ? 1 : Math.min(1, center + half) };
}

/** Standard normal quantile: the z with Phi(z) = p, 0 < p < 1 (Acklam's rational approximation,
 * one Halley step on erfc; absolute error below 1e-12). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: expected 0 < p < 1, found ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5, r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  // refinement: Phi(x) = erfc(-x / sqrt 2) / 2
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Complementary error function: erfc(x) = Q(1/2, x^2) for x >= 0 (regularized upper incomplete
 * gamma, series / continued fraction), erfc(-x) = 2 - erfc(x). */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x === 0) return 1;
  return gammaQHalf(x * x);
}

function gammaQHalf(x: number): number {
  // Q(a, x) for a = 1/2: series for x < a + 1, continued fraction otherwise (Numerical Recipes 6.2).
  const a = 0.5;
  const gln = lgamma(a);
  if (x < a + 1) {
    let ap = a, sum = 1 / a, del = sum;
    for (let n = 0; n < 500; n++) { ap += 1; del *= x / ap; sum += del; if (Math.abs(del) < Math.abs(sum) * 1e-16) break; }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - gln);
  }
  const tiny = 1e-300;
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b; if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - gln) * h;
}

/** Two-sided z for a confidence level (0.95 -> 1.959964). */
export function zFor(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence: expected 0 < c < 1, found ${confidence}`);
  return confidence === 0.95 ? Z95 : normalQuantile(1 - (1 - confidence) / 2);
}

/** Wilson score interval of k/n at a two-sided `confidence` (default 0.95). Behaves at the edges:
 * k = 0 gives lo = 0 and a positive hi, k = n gives hi = 1; n = 0 gives {0, 0, 1}. */
export function wilsonInterval(k: number, n: number, confidence = 0.95): Interval {
  if (confidence === 0.95) return wilson95(k, n);
  if (n === 0) return { mean: 0, lo: 0, hi: 1 };
  const z = zFor(confidence);
  const p = k / n;
  const den = 1 + (z * z) / n;
  const center = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return { mean: p, lo: k === 0 ? 0 : Math.max(0, center - half), hi: k === n ? 1 : Math.min(1, center + half) };
}

/** Interval method for proportions: Wilson score (default) or Clopper–Pearson (exact). */
export type ProportionMethod = 'wilson' | 'clopper-pearson';

/** x in [0, 1] with I_x(a, b) = q, by bisection on the monotone regularized incomplete beta. */
export function betaQuantile(q: number, a: number, b: number): number {
  let lo = 0, hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (incompleteBeta(mid, a, b) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Clopper–Pearson (exact) interval of k/n at a two-sided `confidence`: lo = Beta quantile
 * B(alpha/2; k, n-k+1) (0 when k = 0), hi = B(1 - alpha/2; k+1, n-k) (1 when k = n), i.e. the p whose
 * binomial tails P(X >= k) and P(X <= k) equal alpha/2. Coverage is never below the nominal level
 * (conservative, wider than Wilson). n = 0 gives {0, 0, 1}.
 */
export function clopperPearson(k: number, n: number, confidence = 0.95): Interval {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence: expected 0 < c < 1, found ${confidence}`);
  if (n === 0) return { mean: 0, lo: 0, hi: 1 };
  const alpha = 1 - confidence;
  return {
    mean: k / n,
    lo: k === 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1),
    hi: k === n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k),
  };
}

/** Interval of k/n by `method` (default Wilson) at a two-sided `confidence` (default 0.95). */
export function proportionInterval(k: number, n: number, confidence = 0.95, method: ProportionMethod = 'wilson'): Interval {
  return method === 'clopper-pearson' ? clopperPearson(k, n, confidence) : wilsonInterval(k, n, confidence);
}
