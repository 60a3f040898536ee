/**
 * Early stopping while a campaign runs (campaign/precision.ts rule) and the live interval of each
 * point for the progress display. A point is stopped once its contiguous prefix of trials decides
 * a stop (only then are its later trials skipped), so the trials the summary uses are the same
 * whatever the worker count or completion order. Shards (count > 1) never skip: a shard does not
 * hold a contiguous prefix, so it runs its every trial and the summary / merge apply the rule.
 */
import type { CampaignPlan, Shard } from './plan';
import type { TrialRecord } from './results';
import type { ReliabilityFields } from './avf-schema';
import { prefixInterval, stopPoint, withDefaults, type PrecisionSpec, type Tally } from './precision';
import { trialTally } from './avf-summary';
import type { ProportionMethod } from './stats';

/** Per-point tallies, stop decisions and live intervals of a running campaign. */
export class PrecisionTracker {
  private readonly spec: Required<PrecisionSpec> | null;
  private readonly tallies: (Tally | undefined)[][];
  private readonly stops: (number | null)[];
  readonly confidence: number;
  /** Interval method of the live display (the campaign's precision.interval, default Wilson). */
  readonly method: ProportionMethod;

  /** `records`: trials already done (resumed). Early stopping only when the campaign enables it and `shard` is whole. */
  constructor(private readonly plan: CampaignPlan, shard: Shard, records: Iterable<TrialRecord> = []) {
    const prec = (plan.campaign as ReliabilityFields).precision;
    const spec = prec ? withDefaults(prec) : null;
    this.confidence = spec?.confidence ?? 0.95;
    this.method = spec?.interval ?? 'wilson';
    this.spec = spec && spec.earlyStop && shard.count === 1 ? spec : null;
    this.tallies = plan.points.map(() => new Array<Tally | undefined>(plan.trialsPerPoint));
    this.stops = plan.points.map(() => null);
    for (const r of records) this.add(r);
  }

  /** Records one finished trial; returns true when this decided its point's early stop. */
  add(rec: TrialRecord): boolean {
    const p = Math.floor(rec.i / this.plan.trialsPerPoint);
    const pt = this.plan.points[p];
    if (!pt) return false;
    this.tallies[p]![rec.trial] = trialTally(pt.fault.kind === 'avf', rec.r);
    if (!this.spec || this.stops[p] !== null) return false;
    const d = stopPoint(this.tallies[p]!, this.plan.trialsPerPoint, this.spec);
    if (d.decided && d.stop < this.plan.trialsPerPoint) {
      this.stops[p] = d.stop;
      return true;
    }
    return false;
  }

  /** Whether global trial `i` need not run (its point stopped before it). */
  skip(i: number): boolean {
    const p = Math.floor(i / this.plan.trialsPerPoint);
    const s = this.stops[p];
    return s !== null && s !== undefined && i % this.plan.trialsPerPoint >= s;
  }

  /** The early-stop trial count of point `p`, or null while it runs on. */
  stopOf(p: number): number | null {
    return this.stops[p] ?? null;
  }

  /** Live interval of point `p` over the trials finished so far (the campaign's method and confidence). */
  interval(p: number): { point: number; mean: number; lo: number; hi: number; trials: number } {
    const t = this.tallies[p] ?? [];
    const i = prefixInterval(t, t.length, this.confidence, this.method);
    return { point: p, mean: i.mean, lo: i.lo, hi: i.hi, trials: t.filter((x) => x !== undefined).length };
  }
}

/** Trials of the campaign that the summary needs but `records` lack: per point, those before its
 * early-stop prefix end (all planned trials while the stop is undecided). For merge and run. */
export function missingTrials(plan: CampaignPlan, records: Iterable<TrialRecord>): number[] {
  const byPoint: (Tally | undefined)[][] = plan.points.map(() => new Array<Tally | undefined>(plan.trialsPerPoint));
  for (const r of records) {
    const p = Math.floor(r.i / plan.trialsPerPoint);
    const pt = plan.points[p];
    if (pt) byPoint[p]![r.trial] = trialTally(pt.fault.kind === 'avf', r.r);
  }
  const prec = (plan.campaign as ReliabilityFields).precision;
  const spec = prec ? withDefaults(prec) : null;
  const out: number[] = [];
  byPoint.forEach((t, p) => {
    const stop = stopPoint(t, plan.trialsPerPoint, spec).stop;
    for (let k = 0; k < stop; k++) if (!t[k]) out.push(p * plan.trialsPerPoint + k);
  });
  return out;
}
