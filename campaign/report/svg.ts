/**
 * Minimal SVG chart builders for the self-contained HTML report (no DOM, no network): a line
 * chart with a log10 x axis and 95% interval bars, and a grouped bar chart. Sizes are in CSS px.
 */

/** Category colours (colour-blind friendly, Okabe-Ito). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

/** Escapes text for XML. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One point of a line series: x > 0 (log axis), y with its interval. */
export interface XY {
  readonly x: number;
  readonly y: number;
  readonly lo: number;
  readonly hi: number;
}

/** A named series. */
export interface Series {
  readonly name: string;
  readonly points: readonly XY[];
}

const W = 560, H = 320, ML = 56, MR = 150, MT = 28, MB = 44;
const fmt = (v: number): string => (Number.isFinite(v) ? String(+v.toPrecision(4)) : String(v));

function legend(names: readonly string[]): string {
  return names.map((n, i) => {
    const y = MT + 8 + i * 18;
    return `<rect x="${W - MR + 12}" y="${y - 9}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>` +
      `<text x="${W - MR + 30}" y="${y + 1}" font-size="12">${esc(n)}</text>`;
  }).join('');
}

function frame(title: string, xLabel: string, yLabel: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" role="img" aria-label="${esc(title)}">` +
    `<text x="${ML}" y="16" font-size="13" font-weight="bold">${esc(title)}</text>${body}` +
    `<text x="${(ML + W - MR) / 2}" y="${H - 6}" font-size="12" text-anchor="middle">${esc(xLabel)}</text>` +
    `<text transform="translate(14 ${(MT + H - MB) / 2}) rotate(-90)" font-size="12" text-anchor="middle">${esc(yLabel)}</text></svg>`;
}

/** Smallest 1, 2 or 5 x 10^k >= v (a round axis maximum). */
export function niceMax(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const e = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * e >= v * (1 - 1e-12)) return m * e;
  return 10 * e;
}

/** BER-style label: 1e-7, 2.5e-5, 0.5. */
export function sci(x: number): string {
  return x >= 0.01 ? String(x) : x.toExponential().replace('e-', 'e-');
}

function yAxis(yMax: number, py: (v: number) => number): string {
  let s = '';
  for (let k = 0; k <= 5; k++) {
    const v = (yMax * k) / 5, y = py(v);
    s += `<line x1="${ML}" x2="${W - MR}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${ML - 6}" y="${y + 4}" font-size="11" text-anchor="end">${fmt(v)}</text>`;
  }
  return s + `<line x1="${ML}" x2="${ML}" y1="${MT}" y2="${H - MB}" stroke="#333"/><line x1="${ML}" x2="${W - MR}" y1="${H - MB}" y2="${H - MB}" stroke="#333"/>`;
}

/** Line chart, log10 x axis (decade ticks), linear y from 0 to `yMax`, interval bars at each point. */
export function logLineChart(title: string, xLabel: string, yLabel: string, series: readonly Series[], yMax = 1): string {
  const xs = series.flatMap((s) => s.points.map((p) => p.x)).filter((x) => x > 0);
  if (xs.length === 0) return frame(title, xLabel, yLabel, `<text x="${ML + 10}" y="${MT + 30}" font-size="12">no data</text>`);
  let d0 = Math.floor(Math.log10(Math.min(...xs))), d1 = Math.ceil(Math.log10(Math.max(...xs)));
  if (d1 === d0) { d0 -= 1; d1 += 1; }
  const px = (x: number): number => ML + ((Math.log10(x) - d0) / (d1 - d0)) * (W - MR - ML);
  const py = (v: number): number => H - MB - (Math.max(0, Math.min(yMax, v)) / yMax) * (H - MB - MT);
  let body = yAxis(yMax, py);
  for (let d = d0; d <= d1; d++) {
    const x = px(10 ** d);
    body += `<line x1="${x}" x2="${x}" y1="${MT}" y2="${H - MB}" stroke="#eee"/><text x="${x}" y="${H - MB + 16}" font-size="11" text-anchor="middle">1e${d}</text>`;
  }
  series.forEach((s, i) => {
    const c = PALETTE[i % PALETTE.length];
    const pts = [...s.points].filter((p) => p.x > 0).sort((a, b) => a.x - b.x);
    body += `<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`;
    for (const p of pts) {
      const x = px(p.x).toFixed(1);
      body += `<line x1="${x}" x2="${x}" y1="${py(p.lo).toFixed(1)}" y2="${py(p.hi).toFixed(1)}" stroke="${c}" stroke-width="1.5"/>` +
        `<circle cx="${x}" cy="${py(p.y).toFixed(1)}" r="3.5" fill="${c}"><title>${esc(`${s.name}: x=${p.x}, y=${fmt(p.y)} [${fmt(p.lo)}, ${fmt(p.hi)}]`)}</title></circle>`;
    }
  });
  return frame(title, xLabel, yLabel, body + legend(series.map((s) => s.name)));
}

/** One bar: value and optional interval. */
export interface Bar {
  readonly value: number;
  readonly lo?: number;
  readonly hi?: number;
}

/** Grouped bar chart: one group per category, one bar per series; y from 0 to max(values, hi). */
export function groupedBarChart(title: string, yLabel: string, categories: readonly string[], seriesNames: readonly string[],
  values: readonly (readonly (Bar | null)[])[] /* [series][category] */): string {
  const all = values.flatMap((r) => r.flatMap((b) => (b ? [b.value, b.hi ?? b.value] : []))).filter(Number.isFinite);
  const yMax = niceMax(Math.max(1e-9, ...all));
  const py = (v: number): number => H - MB - (Math.max(0, Math.min(yMax, v)) / yMax) * (H - MB - MT);
  let body = yAxis(yMax, py);
  const gw = (W - MR - ML) / Math.max(1, categories.length);
  const bw = Math.max(2, (gw * 0.8) / Math.max(1, seriesNames.length));
  categories.forEach((cat, ci) => {
    const gx = ML + ci * gw + gw * 0.1;
    const label = cat.length > 18 ? cat.slice(0, 17) + '…' : cat;
    body += `<text x="${ML + ci * gw + gw / 2}" y="${H - MB + 16}" font-size="10" text-anchor="middle">${esc(label)}</text>`;
    seriesNames.forEach((sn, si) => {
      const b = values[si]?.[ci];
      if (!b) return;
      const c = PALETTE[si % PALETTE.length];
      const x = gx + si * bw;
      body += `<rect x="${x.toFixed(1)}" y="${py(b.value).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${(H - MB - py(b.value)).toFixed(1)}" fill="${c}"><title>${esc(`${sn} / ${cat}: ${fmt(b.value)}`)}</title></rect>`;
      if (b.lo !== undefined && b.hi !== undefined) {
        const cx = (x + bw / 2).toFixed(1);
        body += `<line x1="${cx}" x2="${cx}" y1="${py(b.lo).toFixed(1)}" y2="${py(b.hi).toFixed(1)}" stroke="#222"/>`;
      }
    });
  });
  return frame(title, '', yLabel, body + legend(seriesNames));
}
