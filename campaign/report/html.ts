/**
 * Self-contained HTML report of a campaign summary: inline CSS and inline SVG charts (no scripts,
 * no network). Charts: accuracy vs BER per protection (log x, 95% intervals), SDC bars,
 * per-structure vulnerability, per-layer propagation; tables: overhead and every point.
 */
import type { CampaignSummary, PointSummary } from '../summary';
import { esc, groupedBarChart, logLineChart, sci, type Bar, type Series } from './svg';
import { avfSection, fitSection, outcomesSection, pointFaultLabel, trialCountLine } from './reliability';

const num = (v: number, d = 4): string => (Number.isFinite(v) ? String(+v.toPrecision(d)) : String(v));
const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : String(v));

const faultLabel = pointFaultLabel;

/** Points grouped by model, format and fault family (BER target / all scenarios), in first-seen order. */
function groups(s: CampaignSummary): Map<string, PointSummary[]> {
  const g = new Map<string, PointSummary[]>();
  for (const p of s.points) {
    if (p.trials === 0) continue;
    const f = p.fault;
    const fam = f.kind === 'ber' ? `${f.target}, ${f.faultKind}, ${f.definition} BER` : f.kind === 'avf' ? 'AVF sites' : 'scenarios';
    const k = `${p.model} · ${p.format} · ${fam}`;
    g.set(k, [...(g.get(k) ?? []), p]);
  }
  return g;
}

const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
/** A titled chart group laid out inline (several per row when they fit). */
const box = (title: string, charts: string): string => `<div class="box"><h3>${esc(title)}</h3>${charts}</div>`;

function accuracySection(s: CampaignSummary): string {
  let out = '';
  for (const [title, pts] of groups(s)) {
    const prots = uniq(pts.map((p) => p.protection));
    if (pts[0]!.fault.kind === 'ber') {
      const series: Series[] = prots.map((pr) => ({
        name: pr,
        points: pts.filter((p) => p.protection === pr).map((p) => ({
          x: p.fault.kind === 'ber' ? p.fault.ber : 0, y: p.accuracy.mean, lo: p.accuracy.lo, hi: p.accuracy.hi })),
      }));
      out += box(title, logLineChart('Top-1 accuracy vs BER', 'bit error rate (log)', 'top-1 accuracy', series));
    } else {
      const cats = uniq(pts.map((p) => faultLabel(p).replace('scenario ', '')));
      const vals = prots.map((pr) => cats.map((c) => {
        const p = pts.find((q) => q.protection === pr && faultLabel(q).endsWith(c));
        return p ? { value: p.accuracy.mean, lo: p.accuracy.lo, hi: p.accuracy.hi } : null;
      }));
      out += box(title, groupedBarChart('Top-1 accuracy per scenario', 'top-1 accuracy', cats, prots, vals));
    }
  }
  return out;
}

function catOf(p: PointSummary): string {
  if (p.fault.kind === 'avf') return p.fault.target;
  return p.fault.kind === 'ber' ? sci(p.fault.ber) : p.fault.id.replace(/^.*\//, '').replace(/\.json$/, '');
}

function sdcSection(s: CampaignSummary): string {
  let out = '';
  for (const [title, pts] of groups(s)) {
    const prots = uniq(pts.map((p) => p.protection));
    const cats = uniq(pts.map(catOf));
    const vals = (crit: boolean): (Bar | null)[][] => prots.map((pr) => cats.map((c) => {
      const p = pts.find((q) => q.protection === pr && catOf(q) === c);
      if (!p) return null;
      const r = crit ? p.criticalSdc.rate : p.sdc.rate;
      return { value: r.mean, lo: r.lo, hi: r.hi };
    }));
    out += box(title, groupedBarChart('SDC rate', 'SDC rate (of golden-correct)', cats, prots, vals(false)) +
      (s.criticalClasses.length > 0 ? groupedBarChart('Critical SDC rate', 'critical SDC rate', cats, prots, vals(true)) : ''));
  }
  return out;
}

function structureSection(s: CampaignSummary): string {
  if (s.structures.length === 0) return '<p>No faults were injected.</p>';
  const prots = uniq(s.structures.map((x) => x.protection));
  const targets = uniq(s.structures.map((x) => x.target)).sort();
  const vals = prots.map((pr) => targets.map((t) => {
    const x = s.structures.find((y) => y.protection === pr && y.target === t);
    return x ? { value: x.v.share } : null;
  }));
  const rows = s.structures.map((x) => `<tr><td>${esc(x.protection)}</td><td>${esc(x.target)}</td><td>${x.v.faults}</td><td>${x.v.sdcFaults}</td><td>${pct(x.v.share)}</td></tr>`).join('');
  return groupedBarChart('Share of faults ending in an SDC, per structure', 'share of faults', targets, prots, vals) +
    `<table><tr><th>protection</th><th>structure</th><th>faults</th><th>in SDC trials</th><th>share</th></tr>${rows}</table>`;
}

function harshest(pts: readonly PointSummary[]): PointSummary[] {
  // per protection, the point with the most faults per trial (highest BER) that has layer data
  const by = new Map<string, PointSummary>();
  for (const p of pts) {
    const q = by.get(p.protection);
    if (p.layers.length > 0 && (!q || p.faultsPerTrial > q.faultsPerTrial)) by.set(p.protection, p);
  }
  return [...by.values()];
}

function layerSection(s: CampaignSummary): string {
  let out = '';
  for (const [title, pts] of groups(s)) {
    const hp = harshest(pts);
    if (hp.length === 0) continue;
    const layers = uniq(hp.flatMap((p) => p.layers.map((l) => l.name)));
    const vals = hp.map((p) => layers.map((n) => { const l = p.layers.find((x) => x.name === n); return l ? { value: l.corruptedShare } : null; }));
    out += box(title, groupedBarChart('Corrupted share per layer (harshest point)', 'corrupted share', layers,
      hp.map((p) => `${p.protection} (${catOf(p)})`), vals));
  }
  const details = s.points.filter((p) => p.layers.length > 0).map((p) =>
    `<details><summary>${esc(p.key)}</summary><table><tr><th>layer</th><th>corrupted share</th><th>max |Δ|</th><th>rel. L2</th><th>images masked here</th></tr>` +
    p.layers.map((l) => `<tr><td>${esc(l.name)}</td><td>${pct(l.corruptedShare)}</td><td>${num(l.maxAbsDelta)}</td><td>${num(l.relL2)}</td><td>${l.maskedHere}</td></tr>`).join('') +
    `<tr><td>(output)</td><td colspan="3">images whose corruption reached the output</td><td>${p.reachedOutput}</td></tr></table></details>`).join('');
  return out + details;
}

function overheadSection(s: CampaignSummary): string {
  const rows = s.overhead.map((o) => `<tr><td>${esc(o.model)}</td><td>${esc(o.protection)}</td><td>${esc(o.format)}</td><td>${o.cycles}</td>` +
    `<td>${o.cycleRatio === null ? '—' : num(o.cycleRatio)}</td><td>${pct(o.utilization)}</td><td>${o.extraParams ?? '—'}</td><td>${o.extraBytes ?? '—'}</td></tr>`).join('');
  return `<table><tr><th>model</th><th>protection</th><th>format</th><th>cycles / inference</th><th>cycles vs relu</th><th>utilization</th><th>extra params</th><th>extra bytes</th></tr>${rows}</table>`;
}

function pointTable(s: CampaignSummary): string {
  const rows = s.points.map((p) => `<tr><td>${p.index}</td><td>${esc(p.model)}</td><td>${esc(p.protection)}</td><td>${esc(p.format)}</td><td>${esc(faultLabel(p))}</td>` +
    `<td>${p.trials}</td><td>${pct(p.goldenAccuracy)}</td><td>${pct(p.accuracy.mean)} [${pct(p.accuracy.lo)}, ${pct(p.accuracy.hi)}]</td>` +
    `<td>${pct(p.sdc.rate.mean)} [${pct(p.sdc.rate.lo)}, ${pct(p.sdc.rate.hi)}]</td><td>${pct(p.criticalSdc.rate.mean)}</td><td>${num(p.faultsPerTrial)}</td></tr>`).join('');
  return `<table><tr><th>#</th><th>model</th><th>protection</th><th>format</th><th>faults</th><th>trials</th><th>golden acc.</th><th>accuracy (95% CI)</th><th>SDC rate (95% CI)</th><th>critical SDC</th><th>faults / trial</th></tr>${rows}</table>`;
}

const CSS = `body{font-family:sans-serif;margin:24px;max-width:1200px;color:#222}h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}
svg{margin:6px 12px 6px 0;border:1px solid #eee}table{border-collapse:collapse;font-size:12px;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}
th{background:#f4f4f4}h3{font-size:14px;margin:14px 0 2px}.box{display:inline-block;vertical-align:top;margin-right:8px}.warn{background:#fff3cd;padding:6px 10px;border:1px solid #e0c36a}.meta{font-size:13px;color:#555}details{margin:4px 0;font-size:12px}`;

/** Renders the report as one HTML document (inline CSS + SVG, nothing external). */
export function renderReport(s: CampaignSummary): string {
  // partial = a point lacks trials it needs (early-stopped points need only their prefix)
  const short = s.points.filter((p) => !p.stoppedEarly && p.trials + (p.timedOut ?? 0) < p.plannedTrials).length;
  const incomplete = short > 0 ? `<p><b>Partial:</b> ${short} of ${s.points.length} points lack planned trials; ${s.completedTrials} trials used (a shard or an interrupted run).</p>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(s.name)} — Faultline campaign</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><style>${CSS}</style></head><body>
<h1>${esc(s.name)}</h1><p>${esc(s.description)}</p>${incomplete}${s.runner === 'fake' ? '<p class="warn"><b>Synthetic numbers:</b> this campaign ran on the fake trial runner (machinery test), not on the simulator.</p>' : ''}
<p class="meta">runner ${esc(s.runner)} · seed ${s.seed} · ${s.points.length} points × ${s.trialsPerPoint} trials · campaign ${s.campaignHash.slice(0, 16)}<br>
Accuracy: ${esc(s.methods.accuracy)}. Rates: ${esc(s.methods.rates)}. Vulnerability: ${esc(s.methods.vulnerability)}.
${s.criticalClasses.length ? `Critical classes: ${s.criticalClasses.join(', ')} (an SDC is critical when its golden or faulty class is one of them).` : ''}<br>
${esc(trialCountLine(s))}</p>
<h2>Accuracy under faults</h2>${accuracySection(s)}
<h2>Silent data corruption</h2>${sdcSection(s)}
<h2>Outcome classes</h2>${outcomesSection(s)}
<h2>AVF per structure</h2>${avfSection(s)}
<h2>FIT per structure</h2>${fitSection(s)}
<h2>Per-structure vulnerability</h2>${structureSection(s)}
<h2>Per-layer propagation</h2>${layerSection(s)}
<h2>Overhead</h2>${overheadSection(s)}
<h2>All points</h2>${pointTable(s)}
</body></html>
`;
}
