/** Export helpers for charts and tables: SVG text, PNG via a canvas, CSV, and a download trigger. */

/** Serializes an SVG element (inline styles kept) as standalone SVG text. */
export function svgText(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  if (!clone.getAttribute('style')?.includes('background')) clone.setAttribute('style', `${clone.getAttribute('style') ?? ''};background:white`);
  return new XMLSerializer().serializeToString(clone);
}

/** CSV text of rows (RFC 4180 quoting). */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const q = (v: string | number | null): string => {
    const s = v === null ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(q).join(',')).join('\n') + '\n';
}

/** Saves a blob as a file through the browser's download mechanism. */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** One legend entry of an exported chart. */
export interface LegendItem {
  readonly label: string;
  readonly color: string;
}

/**
 * Standalone SVG text of a chart with its colour legend drawn above it (swatch + label per entry,
 * wrapped to the chart's width), so the exported file reads on its own.
 */
export function chartWithLegend(svg: SVGSVGElement, items: readonly LegendItem[], title = ''): string {
  const w = svg.width.baseVal.value || svg.getBoundingClientRect().width;
  const h = svg.height.baseVal.value || svg.getBoundingClientRect().height;
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const parts: string[] = [];
  let x = 8;
  let y = title ? 34 : 10;
  for (const it of items) {
    const width = 22 + it.label.length * 7 + 14;
    if (x + width > w && x > 8) { x = 8; y += 18; }
    parts.push(`<rect x="${x}" y="${y}" width="14" height="12" fill="${esc(it.color)}"/><text x="${x + 19}" y="${y + 10}" font-size="12" font-family="sans-serif" fill="#111">${esc(it.label)}</text>`);
    x += width;
  }
  const top = y + 20;
  const inner = svgText(svg).replace(/^<svg/, `<svg x="0" y="${top}"`);
  const head = title ? `<text x="8" y="20" font-size="14" font-weight="bold" font-family="sans-serif" fill="#111">${esc(title)}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h + top}" viewBox="0 0 ${w} ${h + top}"><rect width="100%" height="100%" fill="#fff"/>${head}${parts.join('')}${inner}</svg>`;
}

/** Renders standalone SVG text of `w` x `h` px to a PNG blob at `scale` x. */
export async function svgTextToPng(text: string, w: number, h: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((res, rej) => { img.onload = () => res(); img.onerror = () => rej(new Error('SVG did not render')); img.src = url; });
    const c = document.createElement('canvas');
    c.width = Math.ceil(w * scale);
    c.height = Math.ceil(h * scale);
    const ctx = c.getContext('2d');
    if (!ctx) throw new Error('no 2D context');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.drawImage(img, 0, 0, c.width, c.height);
    return await new Promise<Blob>((res, rej) => c.toBlob((b) => (b ? res(b) : rej(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
