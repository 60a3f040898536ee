/**
 * Markdown table of a protections campaign: one row per protection, one column per BER with the
 * mean top-1 accuracy and its 95% interval over trials (from summary.json), plus the overhead
 * columns each trial reported (extra parameters, bytes, cycles per inference).
 * `npx tsx models/protections/table.ts out/ber/summary.json` prints it.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface PointLike {
  readonly protection: string;
  readonly fault: unknown;
  readonly key: string;
  readonly trials: number;
  readonly goldenAccuracy?: number;
  readonly accuracy: { readonly mean: number; readonly lo: number; readonly hi: number };
  readonly overhead: { readonly extraParams: number; readonly extraBytes: number; readonly extraCycles: number } | null;
}

/** The BER of a point key ("...:per-bit:0.0001"), or NaN. */
function berOf(key: string): number {
  return Number(key.slice(key.lastIndexOf(':') + 1));
}

const pct = (x: number): string => (x * 100).toFixed(1);

/** Builds the markdown table from summary points (rows in first-seen protection order). */
export function protectionTable(points: readonly PointLike[]): string {
  const bers = [...new Set(points.map((p) => berOf(p.key)))].sort((a, b) => a - b);
  const prots = [...new Set(points.map((p) => p.protection))];
  const head = `| protection | ${bers.map((b) => `BER ${b.toExponential(0)}`).join(' | ')} | extra params | extra bytes | extra cycles |`;
  const sep = `|---|${bers.map(() => '---').join('|')}|---|---|---|`;
  const rows = prots.map((pr) => {
    const ps = points.filter((p) => p.protection === pr);
    const cells = bers.map((b) => {
      const p = ps.find((q) => berOf(q.key) === b);
      return p && p.trials > 0 ? `${pct(p.accuracy.mean)} [${pct(p.accuracy.lo)}, ${pct(p.accuracy.hi)}]` : '—';
    });
    const o = ps.find((p) => p.overhead)?.overhead;
    return `| ${pr} | ${cells.join(' | ')} | ${o ? o.extraParams : 0} | ${o ? o.extraBytes : 0} | ${o ? o.extraCycles : 0} |`;
  });
  return [head, sep, ...rows].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) { console.error('usage: tsx models/protections/table.ts <summary.json>'); process.exit(2); }
  const s = JSON.parse(readFileSync(file, 'utf8')) as { points: PointLike[]; trialsPerPoint: number };
  console.log(protectionTable(s.points));
  console.log(`\n(top-1 accuracy %, mean [95% t interval] over ${s.trialsPerPoint} trials per point)`);
}
