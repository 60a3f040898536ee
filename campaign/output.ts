/**
 * Writes a campaign summary as summary.json (deterministic text: fixed key order, 2-space indent,
 * non-finite numbers as strings), summary.csv (one row per point) and report.html.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CampaignSummary, PointSummary } from './summary';
import { renderReport } from './report/html';

/** summary.json text of a summary (byte-identical for identical summaries). */
export function summaryJson(s: CampaignSummary): string {
  return JSON.stringify(s, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n';
}

/** Column names of summary.csv. */
export const CSV_COLUMNS = [
  'point', 'model', 'protection', 'format', 'fault', 'target', 'ber', 'ber_definition', 'fault_kind', 'scenario',
  'trials', 'images', 'golden_accuracy', 'accuracy_mean', 'accuracy_lo95', 'accuracy_hi95',
  'sdc', 'sdc_base', 'sdc_rate', 'sdc_lo95', 'sdc_hi95', 'critical_sdc', 'critical_sdc_rate',
  'faults_per_trial', 'reached_output', 'cycles', 'utilization',
] as const;

function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvRow(p: PointSummary): string {
  const f = p.fault;
  const ber = f.kind === 'ber' ? f : null;
  return [
    p.index, p.model, p.protection, p.format, f.kind, ber?.target, ber?.ber, ber?.definition, ber?.faultKind,
    f.kind === 'scenario' ? f.id : null, p.trials, p.images, p.goldenAccuracy, p.accuracy.mean, p.accuracy.lo,
    p.accuracy.hi, p.sdc.count, p.sdc.base, p.sdc.rate.mean, p.sdc.rate.lo, p.sdc.rate.hi, p.criticalSdc.count,
    p.criticalSdc.rate.mean, p.faultsPerTrial, p.reachedOutput, p.cycles, p.utilization,
  ].map(cell).join(',');
}

/** summary.csv text: a header and one row per point, in campaign order. */
export function summaryCsv(s: CampaignSummary): string {
  return [CSV_COLUMNS.join(','), ...s.points.map(csvRow)].join('\n') + '\n';
}

/** Writes summary.json, summary.csv and report.html into `dir`. */
export function writeSummaryFiles(dir: string, s: CampaignSummary): void {
  writeFileSync(join(dir, 'summary.json'), summaryJson(s));
  writeFileSync(join(dir, 'summary.csv'), summaryCsv(s));
  writeFileSync(join(dir, 'report.html'), renderReport(s));
}
