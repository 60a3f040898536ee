/**
 * Plain-text pieces of issue 14 for command-line output: the live interval shown in the progress
 * bar, and the outcome-class / AVF table printed when a campaign ends (counts, rates and 95%
 * Wilson intervals). Pure: no Node built-ins.
 */
import type { CampaignProgress } from '../types';
import type { CampaignSummary } from '../summary';
import type { Interval } from '../stats';
import { pointFaultLabel } from './reliability';

const pc = (v: number): string => `${(v * 100).toFixed(2)}%`;
const ci = (i: Interval): string => `${pc(i.mean)} [${pc(i.lo)}, ${pc(i.hi)}]`;

/** Progress-bar field: the live interval of the last point that finished a trial ("" when none). */
export function progressInterval(p: CampaignProgress): string {
  const i = p.interval;
  return i ? ` | pt ${i.point} ${pc(i.mean)} [${pc(i.lo)}, ${pc(i.hi)}] n=${i.trials}` : '';
}

/** Header and rows of the outcome table: one row per point with classified outcomes. */
export function outcomeRows(s: CampaignSummary): { header: string[]; rows: string[][] } {
  const header = ['#', 'protection', 'faults', 'trials', 'images', 'masked', 'tolerable', 'SDC (95% CI)', 'critical SDC', 'DUE (95% CI)'];
  const rows = s.points.filter((p) => p.outcomes).map((p) => {
    const c = p.outcomes!.counts, r = p.outcomes!.rates;
    return [String(p.index), p.protection, pointFaultLabel(p), `${p.trials}${p.stoppedEarly ? '*' : ''}`, String(c.images),
      String(c.masked), String(c.tolerable), `${c.sdc} ${ci(r.sdc)}`, `${c.criticalSdc} ${ci(r.criticalSdc)}`, `${c.due} ${ci(r.due)}`];
  });
  return { header, rows };
}
