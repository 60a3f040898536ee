/**
 * Issue-14 parts of a campaign summary, computed from trial records: outcome classes per point,
 * the early-stop prefix of each point, AVF per structure (AVF points) and FIT per structure and in
 * total when the campaign gives raw rates. Deterministic: records are taken in trial order.
 */
import type { TrialResult } from './types';
import { addOutcomes, NO_OUTCOMES, outcomeRates, worstOutcome, type OutcomeCounts, type OutcomeRates } from './outcomes';
import { stopPoint, type PrecisionSpec, type Tally } from './precision';
import { avfEstimate, NO_SITES, tallySite, type AvfEstimate, type AvfTally } from './avf';
import { fitReport, type FitReport, type RawRates } from './fit';
import type { FaultTarget } from '../sim/faults/types';
import type { ProportionMethod } from './stats';

/** Outcome classes of a point: counts over its images, rates with 95% Wilson intervals. */
export interface PointOutcomes {
  readonly counts: OutcomeCounts;
  readonly rates: OutcomeRates;
}

/** Outcome counts summed over trials (null when no trial reported them). */
export function pointOutcomes(rs: readonly TrialResult[]): PointOutcomes | null {
  let c = NO_OUTCOMES;
  let any = false;
  for (const r of rs) if (r.outcomes) { c = addOutcomes(c, r.outcomes); any = true; }
  return any ? { counts: c, rates: outcomeRates(c) } : null;
}

/** Run-level outcome of an AVF trial (its worst image); the SDC count decides when outcomes are absent. */
export function siteClass(r: TrialResult): ReturnType<typeof worstOutcome> {
  return r.outcomes ? worstOutcome(r.outcomes) : r.sdc > 0 ? 'sdc' : 'masked';
}

/** What one trial adds to its point's stopping proportion: AVF points count the trial as one site
 * (SDC or not); other points add their SDCs over golden-correct images; a timed-out trial adds nothing. */
export function trialTally(isAvf: boolean, r: TrialResult): Tally {
  if (r.timedOut) return { k: 0, n: 0 }; // evaluated nothing: no sample
  return isAvf ? { k: siteClass(r) === 'sdc' ? 1 : 0, n: 1 } : { k: r.sdc, n: r.goldenCorrect };
}

/** The prefix of a point's trials that enters the summary (early stopping, campaign/precision.ts). */
export function usedTrials(isAvf: boolean, byTrial: readonly (TrialResult | undefined)[], planned: number, spec: Required<PrecisionSpec> | null): number {
  return stopPoint(byTrial.map((r) => (r ? trialTally(isAvf, r) : undefined)), planned, spec).stop;
}

/** AVF of one structure for one model x protection x format (an AVF point). */
export interface AvfRow {
  readonly model: string;
  readonly protection: string;
  readonly format: string;
  readonly target: FaultTarget;
  /** Bits of the structure as the network uses it. */
  readonly bits: number;
  /** Cycles of the run (the time axis of the sites). */
  readonly cycles: number;
  /** Sites of the structure: bits x cycles (the population N of the sample-size formula). */
  readonly population: number;
  readonly tally: AvfTally;
  readonly avf: AvfEstimate;
}

/** The AVF row of an AVF point from its used trials (null when none ran); 95% intervals by `method`. */
export function avfRow(p: { model: string; protection: string; format: string; target: FaultTarget }, rs: readonly TrialResult[], method: ProportionMethod = 'wilson'): AvfRow | null {
  if (rs.length === 0) return null;
  let t = NO_SITES;
  for (const r of rs) t = tallySite(t, siteClass(r));
  const first = rs.find((r) => r.avf)?.avf;
  const bits = first?.bits ?? 0, cycles = first?.cycles ?? 0;
  return { ...p, bits, cycles, population: bits * cycles, tally: t, avf: avfEstimate(t, 0.95, method) };
}

/** FIT of one model x protection x format. */
export interface FitRow {
  readonly model: string;
  readonly protection: string;
  readonly format: string;
  readonly report: FitReport;
}

/** FIT rows: one per model x protection x format that has AVF rows, in first-seen order. */
export function fitRows(rows: readonly AvfRow[], rates: RawRates | null, method: ProportionMethod = 'wilson'): FitRow[] {
  if (!rates) return [];
  const groups = new Map<string, AvfRow[]>();
  for (const r of rows) {
    const k = `${r.model}|${r.protection}|${r.format}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => ({
    model: g[0]!.model, protection: g[0]!.protection, format: g[0]!.format,
    report: fitReport(g.map((r) => ({ target: r.target, bits: r.bits, tally: r.tally })), rates, 0.95, method),
  }));
}
