/**
 * Issue-14 tables of the comparison view, as plain rows: outcome classes per point (counts and
 * rates with their 95% intervals, as the campaign summary gives them) and AVF / FIT per structure
 * per protection. Nothing is estimated here: every number is read from the summary the campaign
 * runner wrote (campaign/summary.ts), only formatted. Pure: no DOM.
 */
import type { z } from 'zod';
import type { CampaignResult } from '../../../ipc/campaign-schemas';

type Summary = z.output<typeof CampaignResult>['summary'];
type Point = Summary['points'][number];
/** A point estimate with its interval (proportions 0..1, or FIT). */
export interface Iv { readonly mean: number; readonly lo: number; readonly hi: number }

/** The outcome classes, in table order, with the label shown. */
export const OUTCOME_CLASSES = [
  { key: 'masked', label: 'masked' },
  { key: 'tolerable', label: 'tolerable SDC' },
  { key: 'sdc', label: 'SDC' },
  { key: 'criticalSdc', label: 'critical SDC' },
  { key: 'due', label: 'DUE' },
] as const;
/** One outcome class key. */
export type OutcomeKey = (typeof OUTCOME_CLASSES)[number]['key'];

/** A rate 0..1 as "12.5% [5.1, 26.0]" (percent, `digits` decimals). */
export function fmtRate(i: Iv, digits = 1): string {
  const p = (x: number): string => (x * 100).toFixed(digits);
  return `${p(i.mean)}% [${p(i.lo)}, ${p(i.hi)}]`;
}

/** A FIT value: 4 significant digits, exponent form below 1e-3 or from 1e6 (as `faultline avf` prints). */
export function fmtFit(v: number): string {
  return v === 0 ? '0' : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6 ? v.toExponential(3) : String(+v.toPrecision(4));
}

/** A FIT interval as "12.3 [4.5, 30.1]". */
export function fmtFitIv(i: Iv): string {
  return `${fmtFit(i.mean)} [${fmtFit(i.lo)}, ${fmtFit(i.hi)}]`;
}

/** One row of the outcome table: a point of one protection. */
export interface OutcomeRow {
  readonly protection: string;
  /** Series name (protection, plus format / target when a campaign has several). */
  readonly series: string;
  /** Fault point label (BER and target, scenario id, or structure of an AVF point). */
  readonly fault: string;
  readonly images: number;
  readonly counts: Readonly<Record<OutcomeKey, number>>;
  readonly rates: Readonly<Record<OutcomeKey, Iv>>;
}

/** Outcome rows of the points that carry outcome classes, in summary order. */
export function outcomeRows(points: readonly Point[], series: (p: Point) => string, fault: (p: Point) => string): OutcomeRow[] {
  return points.flatMap((p) => {
    const o = p.outcomes;
    if (!o) return [];
    const counts = Object.fromEntries(OUTCOME_CLASSES.map((c) => [c.key, o.counts[c.key]])) as Record<OutcomeKey, number>;
    const rates = Object.fromEntries(OUTCOME_CLASSES.map((c) => [c.key, o.rates[c.key]])) as Record<OutcomeKey, Iv>;
    return [{ protection: p.protection, series: series(p), fault: fault(p), images: o.counts.images, counts, rates }];
  });
}

/** The outcome rows long form for a chart: one entry per row x class. */
export function outcomeChartRows(rows: readonly OutcomeRow[]): { protection: string; series: string; fault: string; cls: string; rate: number; lo: number; hi: number; count: number }[] {
  return rows.flatMap((r) => OUTCOME_CLASSES.map((c) => ({
    protection: r.protection, series: r.series, fault: r.fault, cls: c.label, rate: r.rates[c.key].mean, lo: r.rates[c.key].lo, hi: r.rates[c.key].hi, count: r.counts[c.key],
  })));
}

/** One row of the AVF / FIT table: a structure of one model x protection x format, or its total. */
export interface AvfTableRow {
  readonly model: string;
  readonly protection: string;
  readonly format: string;
  /** Structure name, or "total". */
  readonly target: string;
  readonly bits: number;
  /** Sites sampled (null on the total row). */
  readonly sites: number | null;
  readonly sdc: number | null;
  readonly due: number | null;
  readonly avfSdc: Iv | null;
  readonly avfDue: Iv | null;
  /** Null when the campaign gave no raw rates. */
  readonly fitSdc: Iv | null;
  readonly fitDue: Iv | null;
}

/** AVF / FIT rows of a summary: each AVF row with its FIT, then a total row per group with FIT. */
export function avfTableRows(s: Summary): AvfTableRow[] {
  const out: AvfTableRow[] = [];
  const avf = s.avf ?? [];
  const groups = [...new Set(avf.map((r) => `${r.model}|${r.protection}|${r.format}`))];
  for (const k of groups) {
    const rows = avf.filter((r) => `${r.model}|${r.protection}|${r.format}` === k);
    const first = rows[0]!;
    const fit = (s.fit ?? []).find((f) => f.model === first.model && f.protection === first.protection && f.format === first.format)?.report;
    for (const r of rows) {
      const f = fit?.structures.find((x) => x.target === r.target);
      out.push({ model: r.model, protection: r.protection, format: r.format, target: r.target, bits: r.bits, sites: r.tally.sites, sdc: r.tally.sdc, due: r.tally.due,
        avfSdc: r.avf.sdc, avfDue: r.avf.due, fitSdc: f?.fitSdc ?? null, fitDue: f?.fitDue ?? null });
    }
    if (fit) {
      out.push({ model: first.model, protection: first.protection, format: first.format, target: 'total', bits: fit.structures.reduce((a, x) => a + x.bits, 0),
        sites: null, sdc: null, due: null, avfSdc: null, avfDue: null, fitSdc: fit.total.fitSdc, fitDue: fit.total.fitDue });
    }
  }
  return out;
}

/** The cells of an AVF / FIT row as shown in the view's table (and checked by the e2e test). */
export function avfCells(r: AvfTableRow): string[] {
  const d = (i: Iv | null): string => (i ? fmtRate(i, 3) : '');
  const f = (i: Iv | null): string => (i ? fmtFitIv(i) : '—');
  return [r.protection, r.target, r.bits.toLocaleString('en-US'), r.sites === null ? '' : String(r.sites), r.sdc === null ? '' : String(r.sdc), r.due === null ? '' : String(r.due), d(r.avfSdc), d(r.avfDue), f(r.fitSdc), f(r.fitDue)];
}

/** Header of the AVF / FIT table (and its CSV). */
export const AVF_HEAD = ['Protection', 'Structure', 'Bits', 'Sites', 'SDC', 'DUE', 'AVF SDC (95%)', 'AVF DUE (95%)', 'FIT SDC (95%)', 'FIT DUE (95%)'] as const;

/** CSV rows of the AVF / FIT table: raw numbers (not formatted), intervals as three columns. */
export function avfCsvRows(rows: readonly AvfTableRow[]): { head: string[]; rows: (string | number | null)[][] } {
  const iv = (i: Iv | null): (number | null)[] => (i ? [i.mean, i.lo, i.hi] : [null, null, null]);
  return {
    head: ['model', 'protection', 'format', 'structure', 'bits', 'sites', 'sdc', 'due', 'avf_sdc', 'avf_sdc_lo', 'avf_sdc_hi', 'avf_due', 'avf_due_lo', 'avf_due_hi', 'fit_sdc', 'fit_sdc_lo', 'fit_sdc_hi', 'fit_due', 'fit_due_lo', 'fit_due_hi'],
    rows: rows.map((r) => [r.model, r.protection, r.format, r.target, r.bits, r.sites, r.sdc, r.due, ...iv(r.avfSdc), ...iv(r.avfDue), ...iv(r.fitSdc), ...iv(r.fitDue)]),
  };
}

/** CSV columns the outcome classes add to the points export (count, rate, lo, hi per class). */
export function outcomeCsvColumns(): string[] {
  return OUTCOME_CLASSES.flatMap((c) => [`out_${c.key}_count`, `out_${c.key}_rate`, `out_${c.key}_lo`, `out_${c.key}_hi`]);
}

/** The outcome cells of one point for the points CSV (empty when the point has no outcome classes). */
export function outcomeCsvCells(p: Point): (number | null)[] {
  const o = p.outcomes;
  return OUTCOME_CLASSES.flatMap((c) => (o ? [o.counts[c.key], o.rates[c.key].mean, o.rates[c.key].lo, o.rates[c.key].hi] : [null, null, null, null]));
}

/** The raw rates a summary's FIT was computed with, as read ("SRAM 800 FIT/Mbit; PE registers
 * 0.0008 FIT/flip-flop (source)"); registers without their own rate use the SRAM's per-bit rate. */
export function ratesText(r: Summary['fitRates'] | undefined): string | null {
  if (!r) return null;
  const n = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 9 });
  const reg = r.registerFitPerFlop !== undefined ? `${n(r.registerFitPerFlop)} FIT/flip-flop`
    : `${n(r.registerFitPerMbit ?? r.sramFitPerMbit)} FIT/Mbit`;
  return `SRAM ${n(r.sramFitPerMbit)} FIT/Mbit; PE registers ${reg} (${r.source})`;
}

/** Name of the binomial interval a summary's method text says it used: "Clopper–Pearson (exact)" or "Wilson score". */
export function intervalName(method: string | undefined): string {
  return /clopper/i.test(method ?? '') ? 'Clopper–Pearson (exact)' : 'Wilson score';
}
