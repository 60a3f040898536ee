/**
 * Writes a campaign summary as summary.json (deterministic text: fixed key order, 2-space indent,
 * non-finite numbers as strings), summary.csv (one row per point) and report.html; every file of an
 * output folder is replaced atomically (temp file + rename: a crash or a full disk leaves the old file
 * or the new one, never an empty one), and the folder's JSON files are read back with the file named
 * in every error.
 */
import { join } from 'node:path';
import type { CampaignSummary, PointSummary } from './summary';
import { renderReport } from './report/html';
import { readTextFileSafe, writeFileAtomic } from '../models/io/safeFile';
import { parseJsonText } from '../scenarios/json';
import { fail, ok, type Result } from '../sim/result';
import { z } from 'zod';
import type { Manifest } from './run';
import { campaignHashFromDigests, scenarioDigests, type CampaignPlan } from './plan';

/** Largest manifest.json / campaign.json read back from an output folder, bytes. */
export const MAX_OUT_JSON_BYTES = 4 << 20;

const manifestSchema = z.object({
  version: z.literal(1),
  campaignHash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 hex digest'),
  shard: z.object({ index: z.number().int().min(0), count: z.number().int().min(1) }),
  totalTrials: z.number().int().min(0),
  runner: z.string().min(1).max(64),
  scenarioDigests: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)).optional(),
});

/** Reads and checks an output folder's manifest.json, naming the file and field on failure. */
export function readManifest(file: string): Result<Manifest> {
  const doc = readOutJson(file);
  if (!doc.ok) return doc;
  const r = manifestSchema.safeParse(doc.value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return fail(`${file}: ${i.path.map(String).join('.') || '(document)'}: ${i.message}; expected a Faultline campaign manifest`);
  }
  return ok(r.data as Manifest);
}

/** Writes `value` as 2-space JSON to `file` atomically. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Reads an output folder's JSON file (at most `maxBytes`, default MAX_OUT_JSON_BYTES); a missing, empty, truncated or non-JSON file fails with the
 * file named and what to do (issue 17 item 9: "Unexpected end of JSON input" named nothing).
 */
export function readOutJson(file: string, maxBytes = MAX_OUT_JSON_BYTES): Result<unknown> {
  const t = readTextFileSafe(file, { maxBytes });
  if (!t.ok) return t;
  if (t.value.trim() === '') return fail(`${file}: empty (a write was interrupted, or the file was emptied); expected JSON`);
  const doc = parseJsonText(t.value, file);
  return doc.ok ? ok(doc.value) : fail(`${doc.reason} (the file is damaged or truncated)`);
}

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
  // issue 14: early stop, outcome classes over all images, AVF and FIT of AVF points
  'planned_trials', 'stopped_early', 'out_images', 'out_masked', 'out_tolerable', 'out_tolerable_rate',
  'out_sdc', 'out_sdc_rate', 'out_sdc_lo95', 'out_sdc_hi95', 'out_critical_sdc', 'out_critical_sdc_rate',
  'out_due', 'out_due_rate', 'out_due_lo95', 'out_due_hi95',
  'avf_bits', 'avf_sites', 'avf_sdc', 'avf_sdc_lo95', 'avf_sdc_hi95', 'avf_due', 'avf_due_lo95', 'avf_due_hi95',
  'fit_sdc', 'fit_sdc_lo95', 'fit_sdc_hi95', 'fit_due', 'fit_due_lo95', 'fit_due_hi95',
] as const;

function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvRow(p: PointSummary, s: CampaignSummary): string {
  const f = p.fault;
  const ber = f.kind === 'ber' ? f : null;
  const o = p.outcomes;
  const a = p.avf;
  const fit = a ? s.fit.find((x) => x.model === p.model && x.protection === p.protection && x.format === p.format)?.report.structures.find((x) => x.target === a.target) : undefined;
  return [
    p.index, p.model, p.protection, p.format, f.kind, ber?.target, ber?.ber, ber?.definition, ber?.faultKind,
    f.kind === 'scenario' ? f.id : null, p.trials, p.images, p.goldenAccuracy, p.accuracy.mean, p.accuracy.lo,
    p.accuracy.hi, p.sdc.count, p.sdc.base, p.sdc.rate.mean, p.sdc.rate.lo, p.sdc.rate.hi, p.criticalSdc.count,
    p.criticalSdc.rate.mean, p.faultsPerTrial, p.reachedOutput, p.cycles, p.utilization,
    p.plannedTrials, p.stoppedEarly ? 1 : 0, o?.counts.images, o?.counts.masked, o?.counts.tolerable, o?.rates.tolerable.mean,
    o?.counts.sdc, o?.rates.sdc.mean, o?.rates.sdc.lo, o?.rates.sdc.hi, o?.counts.criticalSdc, o?.rates.criticalSdc.mean,
    o?.counts.due, o?.rates.due.mean, o?.rates.due.lo, o?.rates.due.hi,
    a?.bits, a?.tally.sites, a?.avf.sdc.mean, a?.avf.sdc.lo, a?.avf.sdc.hi, a?.avf.due.mean, a?.avf.due.lo, a?.avf.due.hi,
    fit?.fitSdc.mean, fit?.fitSdc.lo, fit?.fitSdc.hi, fit?.fitDue.mean, fit?.fitDue.lo, fit?.fitDue.hi,
  ].map(cell).join(',');
}

/** summary.csv text: a header and one row per point, in campaign order. */
export function summaryCsv(s: CampaignSummary): string {
  return [CSV_COLUMNS.join(','), ...s.points.map((p) => csvRow(p, s))].join('\n') + '\n';
}

/** Writes summary.json, summary.csv and report.html into `dir`, each atomically. */
export function writeSummaryFiles(dir: string, s: CampaignSummary): void {
  writeFileAtomic(join(dir, 'summary.json'), summaryJson(s));
  writeFileAtomic(join(dir, 'summary.csv'), summaryCsv(s));
  writeFileAtomic(join(dir, 'report.html'), renderReport(s));
}

/**
 * SHA-256 digests of a plan's scenario files, read now and kept only when they re-derive `hash`
 * (so merge can check campaign.json against the hash); undefined for BER campaigns or on mismatch.
 */
export function verifiedScenarioDigests(plan: CampaignPlan, hash: string): Record<string, string> | undefined {
  const texts: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const p of plan.points) {
    if (p.fault.kind !== 'scenario' || Object.hasOwn(texts, p.fault.id)) continue;
    const t = readTextFileSafe(p.fault.file, { maxBytes: MAX_OUT_JSON_BYTES });
    if (!t.ok) return undefined;
    texts[p.fault.id] = t.value;
  }
  if (Object.keys(texts).length === 0) return undefined;
  const d = scenarioDigests(texts);
  return campaignHashFromDigests(plan.campaign, d) === hash ? { ...d } : undefined;
}
