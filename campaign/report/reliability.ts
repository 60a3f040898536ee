/**
 * Report sections of issue 14: outcome classes per point, AVF per structure (table + bar chart
 * with 95% intervals), FIT per structure and in total (table + bar chart), and how the trial count
 * was chosen. Inline HTML/SVG only.
 */
import type { CampaignSummary, PointSummary } from '../summary';
import type { Interval } from '../stats';
import { esc, groupedBarChart, sci, type Bar } from './svg';

const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : String(v));
const ci = (i: Interval): string => `${pct(i.mean)} [${pct(i.lo)}, ${pct(i.hi)}]`;
const g4 = (v: number): string => (Number.isFinite(v) ? (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(3) : String(+v.toPrecision(4))) : String(v));
const fitCi = (i: Interval): string => `${g4(i.mean)} [${g4(i.lo)}, ${g4(i.hi)}]`;
const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** Short label of a point's fault source. */
export function pointFaultLabel(p: PointSummary): string {
  const f = p.fault;
  if (f.kind === 'ber') return `${f.target} ${f.faultKind} BER ${sci(f.ber)} (${f.definition})`;
  if (f.kind === 'avf') return `AVF ${f.target}`;
  return `scenario ${f.id}`;
}

/** One line on how the trials per point were chosen. */
export function trialCountLine(s: CampaignSummary): string {
  const t = s.trialCount;
  if (t.method !== 'precision' || !t.precision) return `Trials per point: ${s.trialsPerPoint} (fixed).`;
  const pr = t.precision;
  const stopped = s.points.filter((p) => p.stoppedEarly).length;
  return `Trials per point: ${t.trialsPerPoint} planned for a margin of ±${pct(pr.margin)}${pr.marginKind === 'relative' ? ' of the estimate (relative)' : ''} at ${pct(pr.confidence)} confidence${pr.interval === 'clopper-pearson' ? ' (Clopper–Pearson)' : ''} ` +
    `(Leveugle et al. 2009, p = ${pr.p}, t = ${(t.t ?? 0).toFixed(4)}, population ${t.population === Infinity ? '∞ (conservative bound)' : t.population}` +
    `${t.capped ? `, capped at ${pr.maxTrials}` : ''}); early stopping ${pr.earlyStop ? `on (checks from ${pr.minTrials} trials every ${pr.checkEvery}); ${stopped} point(s) stopped early` : 'off'}.`;
}

/** Outcome classes per point (counts and 95% intervals). */
export function outcomesSection(s: CampaignSummary): string {
  const pts = s.points.filter((p) => p.outcomes);
  if (pts.length === 0) return '<p>The trial runner did not classify outcomes (records from before issue 14, or the fake runner).</p>';
  const rows = pts.map((p) => {
    const c = p.outcomes!.counts, r = p.outcomes!.rates;
    return `<tr><td>${p.index}</td><td>${esc(p.model)}</td><td>${esc(p.protection)}</td><td>${esc(p.format)}</td><td>${esc(pointFaultLabel(p))}</td><td>${c.images}</td>` +
      `<td>${c.masked} · ${ci(r.masked)}</td><td>${c.tolerable} · ${ci(r.tolerable)}</td><td>${c.sdc} · ${ci(r.sdc)}</td><td>${c.criticalSdc} · ${ci(r.criticalSdc)}</td><td>${c.due} · ${ci(r.due)}</td></tr>`;
  }).join('');
  return `<p class="meta">${esc(s.methods.outcomes)}. DUE rule for non-finite outputs: <b>${esc(s.dueRule.nonFinite)}</b>.</p>` +
    `<table><tr><th>#</th><th>model</th><th>protection</th><th>format</th><th>faults</th><th>images</th><th>masked (95% CI)</th><th>tolerable SDC</th><th>SDC</th><th>critical SDC</th><th>DUE</th></tr>${rows}</table>`;
}

/** AVF per structure: a bar chart per model x format (bars per protection) and a table. */
export function avfSection(s: CampaignSummary): string {
  if (s.avf.length === 0) return '<p>No AVF points in this campaign (use <code>"faults": {"kind": "avf", ...}</code> or <code>faultline avf</code>).</p>';
  let charts = '';
  for (const mf of uniq(s.avf.map((r) => `${r.model} · ${r.format}`))) {
    const rows = s.avf.filter((r) => `${r.model} · ${r.format}` === mf);
    const prots = uniq(rows.map((r) => r.protection));
    const targets = uniq(rows.map((r) => r.target));
    const vals = (due: boolean): (Bar | null)[][] => prots.map((pr) => targets.map((t) => {
      const r = rows.find((x) => x.protection === pr && x.target === t);
      const i = r ? (due ? r.avf.due : r.avf.sdc) : null;
      return i ? { value: i.mean, lo: i.lo, hi: i.hi } : null;
    }));
    charts += `<div class="box"><h3>${esc(mf)}</h3>${groupedBarChart('AVF (SDC) per structure', 'AVF_SDC', targets, prots, vals(false))}` +
      `${groupedBarChart('AVF (DUE) per structure', 'AVF_DUE', targets, prots, vals(true))}</div>`;
  }
  const rows = s.avf.map((r) => `<tr><td>${esc(r.model)}</td><td>${esc(r.protection)}</td><td>${esc(r.format)}</td><td>${esc(r.target)}</td><td>${r.bits}</td><td>${r.cycles}</td>` +
    `<td>${r.tally.sites}</td><td>${r.tally.masked}</td><td>${r.tally.tolerable}</td><td>${r.tally.sdc}</td><td>${r.tally.due}</td><td>${ci(r.avf.sdc)}</td><td>${ci(r.avf.due)}</td></tr>`).join('');
  return `<p class="meta">${esc(s.methods.avf)}.</p>${charts}` +
    `<table><tr><th>model</th><th>protection</th><th>format</th><th>structure</th><th>bits</th><th>run cycles</th><th>sites</th><th>masked</th><th>tolerable</th><th>SDC</th><th>DUE</th><th>AVF SDC (95% CI)</th><th>AVF DUE (95% CI)</th></tr>${rows}</table>`;
}

/** FIT per structure and total, per model x protection x format. */
export function fitSection(s: CampaignSummary): string {
  if (!s.fitRates) return s.avf.length > 0 ? '<p>No raw soft-error rates given (campaign <code>"fit"</code> block or <code>faultline avf --fit-preset</code>): FIT not computed.</p>' : '';
  if (s.fit.length === 0) return '<p>No AVF rows to turn into FIT.</p>';
  const r0 = s.fitRates;
  let out = `<p class="meta">${esc(s.methods.fit)}. Raw rates: SRAM ${r0.sramFitPerMbit} FIT/Mbit; registers ${r0.registerFitPerFlop !== undefined ? `${r0.registerFitPerFlop} FIT/flop` : `${r0.registerFitPerMbit ?? r0.sramFitPerMbit} FIT/Mbit`} (${esc(r0.source)}). 1 Mbit = 2^20 bits.</p>`;
  const cats = uniq(s.fit.flatMap((f) => f.report.structures.map((x) => x.target)));
  const names = s.fit.map((f) => `${f.protection} (${f.model}, ${f.format})`);
  const vals = s.fit.map((f) => cats.map((t) => {
    const x = f.report.structures.find((y) => y.target === t);
    return x ? { value: x.fitSdc.mean, lo: x.fitSdc.lo, hi: x.fitSdc.hi } : null;
  }));
  out += groupedBarChart('FIT (SDC) per structure', 'FIT_SDC', cats, names, vals);
  for (const f of s.fit) {
    const rows = f.report.structures.map((x) => `<tr><td>${esc(x.target)}</td><td>${x.bits}</td><td>${g4(x.rawFit)}</td><td>${ci(x.avfSdc)}</td><td>${fitCi(x.fitSdc)}</td><td>${ci(x.avfDue)}</td><td>${fitCi(x.fitDue)}</td></tr>`).join('');
    const t = f.report.total;
    out += `<h3>${esc(`${f.model} · ${f.protection} · ${f.format}`)}</h3><table><tr><th>structure</th><th>bits</th><th>raw FIT</th><th>AVF SDC</th><th>FIT SDC (95% CI)</th><th>AVF DUE</th><th>FIT DUE (95% CI)</th></tr>${rows}` +
      `<tr><th>total</th><td></td><td>${g4(t.rawFit)}</td><td></td><td><b>${fitCi(t.fitSdc)}</b></td><td></td><td><b>${fitCi(t.fitDue)}</b></td></tr></table>`;
  }
  return out;
}
