// Cross-check against SCALE-Sim v2: reads reports produced by running SCALE-Sim on the topologies and
// configs in fixtures/scalesim (see its README) and compares every layer's Total Cycles, Stall
// Cycles, Overall Util %, Mapping Efficiency %, Compute Util % and SRAM IFMAP/Filter/OFMAP counts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { networkCycles } from '../../../sim/cycles';
import { parseScaleSimConfig, parseTopology, topologyToGemms } from '../../../sim/topology';

const dir = join(__dirname, 'fixtures/scalesim');
const runs = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const table = (file: string) =>
  readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map((s) => s.trim()).filter((s) => s !== ''));

describe('cycle model equals SCALE-Sim v2 (ideal memory)', () => {
  it('has reference runs for all three dataflows', () => {
    expect(runs.length).toBeGreaterThanOrEqual(12);
    for (const df of ['ws', 'os', 'is']) expect(runs.filter((r) => r.endsWith(`_${df}`)).length).toBeGreaterThanOrEqual(4);
  });
  it.each(runs)('%s', (run) => {
    const cfg = parseScaleSimConfig(readFileSync(join(dir, run, 'config.cfg'), 'utf8'));
    if (!cfg.ok) throw new Error(cfg.reason);
    const prefix = run.split('_')[0];
    const topoFile = ({ t: 'small.csv', alexnet: 'alexnet_conv.csv' } as Record<string, string>)[prefix] ?? `${prefix}.csv`;
    const topo = parseTopology(readFileSync(join(dir, topoFile), 'utf8'));
    if (!topo.ok) throw new Error(topo.reason);
    const net = networkCycles(topologyToGemms(topo.value), cfg.value.spec);
    const compute = table(join(dir, run, 'COMPUTE_REPORT.csv'));
    const access = table(join(dir, run, 'DETAILED_ACCESS_REPORT.csv'));
    expect(net.layers).toHaveLength(compute.length);
    net.layers.forEach((l, i) => {
      const [id, total, stall, overall, mapping, util] = compute[i].map(Number);
      expect(id).toBe(i);
      expect(l.totalCycles).toBe(total);
      expect(l.stallCycles).toBe(stall);
      expect(l.overallUtilization * 100).toBeCloseTo(overall, 9);
      expect(l.mappingEfficiency * 100).toBeCloseTo(mapping, 9);
      expect(l.computeUtilization * 100).toBeCloseTo(util, 9);
      const a = access[i].map(Number);
      expect([l.sram.ifmapReads, l.sram.filterReads, l.sram.ofmapWrites]).toEqual([a[3], a[6], a[9]]);
    });
  });
});
