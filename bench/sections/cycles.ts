/**
 * Bench (a): cycle-only simulation time of ResNet-50 and AlexNet on a 128x128 array, each dataflow,
 * from topology CSV text to the per-layer report (parse + lowering + cycle model). Target < 50 ms.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { networkCycles } from '../../sim/cycles';
import { parseTopology, topologyToGemms } from '../../sim/topology';
import type { Dataflow } from '../../sim/types';
import { measure } from '../measure';
import { meetsTarget, type BenchRow, type BenchSection } from '../types';

const TOPOLOGIES = join(dirname(fileURLToPath(import.meta.url)), '../../topologies');
const TARGET_MS = 50;

function simulate(csv: string, dataflow: Dataflow) {
  const t = parseTopology(csv);
  if (!t.ok) throw new Error(t.reason);
  return networkCycles(topologyToGemms(t.value), { rows: 128, cols: 128, dataflow });
}

/** Rows of section (a): one per (network, dataflow). */
export async function cycleRows(nets = ['resnet50', 'alexnet'], runs = 15): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const net of nets) {
    const csv = readFileSync(join(TOPOLOGIES, `${net}.csv`), 'utf8');
    for (const dataflow of ['ws', 'os', 'is'] as const) {
      const report = simulate(csv, dataflow);
      const timing = await measure(() => simulate(csv, dataflow), runs, 3);
      const target = { kind: 'max', value: TARGET_MS } as const;
      rows.push({
        name: `${net} 128x128 ${dataflow}`,
        value: timing.medianMs,
        unit: 'ms',
        runs: timing.runs,
        target,
        pass: meetsTarget(timing.medianMs, undefined, target),
        extra: {
          layers: report.layers.length,
          cycles: report.totals.durationCycles,
          folds: report.totals.folds,
          util: `${(report.totals.utilization * 100).toFixed(1)}%`,
        },
      });
    }
  }
  return rows;
}

/** The cycle-model bench section. */
export const sections: BenchSection[] = [{ name: '(a) cycle model, 128x128 array', run: () => cycleRows() }];
