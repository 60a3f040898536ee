/**
 * Per-layer cycle report as CSV. The first six columns carry SCALE-Sim v2's COMPUTE_REPORT.csv names
 * and meaning; the SRAM columns carry its DETAILED_ACCESS_REPORT.csv names; the rest are Faultline's.
 */
import type { LayerCycles, NetworkCycles } from '../cycles/cycles';

/** One report column: CSV header and how to get its value from a layer report. */
export interface ReportColumn {
  readonly header: string;
  readonly value: (l: LayerCycles, index: number) => string | number;
}

const pct = (x: number): number => x * 100;

/** Report columns, in order. */
export const REPORT_COLUMNS: readonly ReportColumn[] = [
  { header: 'LayerID', value: (_l, i) => i },
  { header: 'Total Cycles', value: (l) => l.totalCycles },
  { header: 'Stall Cycles', value: (l) => l.stallCycles },
  { header: 'Overall Util %', value: (l) => pct(l.overallUtilization) },
  { header: 'Mapping Efficiency %', value: (l) => pct(l.mappingEfficiency) },
  { header: 'Compute Util %', value: (l) => pct(l.computeUtilization) },
  { header: 'Layer Name', value: (l) => l.name },
  { header: 'Start Cycle', value: (l) => l.startCycle },
  { header: 'Duration Cycles', value: (l) => l.durationCycles },
  { header: 'Row Folds', value: (l) => l.plan.rowFolds },
  { header: 'Col Folds', value: (l) => l.plan.colFolds },
  { header: 'Folds', value: (l) => l.plan.folds },
  { header: 'Fold Cycles', value: (l) => l.plan.foldCycles },
  { header: 'M', value: (l) => l.plan.gemm.M },
  { header: 'K', value: (l) => l.plan.gemm.K },
  { header: 'N', value: (l) => l.plan.gemm.N },
  { header: 'Sr', value: (l) => l.plan.mapping.Sr },
  { header: 'Sc', value: (l) => l.plan.mapping.Sc },
  { header: 'T', value: (l) => l.plan.mapping.T },
  { header: 'MACs', value: (l) => l.macs },
  { header: 'SRAM IFMAP Reads', value: (l) => l.sram.ifmapReads },
  { header: 'SRAM Filter Reads', value: (l) => l.sram.filterReads },
  { header: 'SRAM OFMAP Writes', value: (l) => l.sram.ofmapWrites },
];

function cell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The report as CSV text: a header line and one line per layer, "\n" line ends. */
export function cycleReportCsv(net: NetworkCycles): string {
  const lines = [REPORT_COLUMNS.map((c) => c.header).join(',')];
  net.layers.forEach((l, i) => lines.push(REPORT_COLUMNS.map((c) => cell(c.value(l, i))).join(',')));
  return `${lines.join('\n')}\n`;
}

/** Splits one line of a report written by cycleReportCsv back into cells (quotes handled). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}
