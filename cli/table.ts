/** Plain-text table rendering for CLI output. */

/** Renders rows as aligned columns: text left-aligned, numbers right-aligned, header underlined. */
export function renderTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const numeric = header.map((_, k) => rows.every((r) => typeof r[k] === 'number' || /^-?\d+(\.\d+)?$/.test(String(r[k]))));
  const width = header.map((h, k) => Math.max(h.length, ...cells.map((r) => (r[k] ?? '').length)));
  const fmt = (r: readonly string[]) =>
    r.map((c, k) => (numeric[k] ? c.padStart(width[k]) : c.padEnd(width[k]))).join('  ').trimEnd();
  return [fmt(header), width.map((w) => '-'.repeat(w)).join('  '), ...cells.map(fmt)].join('\n');
}

/** Formats a ratio 0..1 as a percentage with `digits` decimals, e.g. 0.5625 -> "56.25". */
export function percent(x: number, digits = 2): string {
  return (x * 100).toFixed(digits);
}
