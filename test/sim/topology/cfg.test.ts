import { describe, expect, it } from 'vitest';
import { cycleReportCsv, parseScaleSimConfig, REPORT_COLUMNS, splitCsvLine } from '../../../sim/topology';
import { networkCycles } from '../../../sim/cycles';

// configs/google.cfg of SCALE-Sim v2, with our limit on ArrayHeight/Width (256) respected.
const GOOGLE = `[general]
run_name = GoogleTPU_v1_ws

[architecture_presets]
ArrayHeight:    256
ArrayWidth:     256
IfmapSramSzkB:    6144
FilterSramSzkB:   6144
OfmapSramSzkB:    2048
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Dataflow : ws
Bandwidth : 10
MemoryBanks: 1

[run_presets]
InterfaceBandwidth: CALC
`;

const fails = (text: string) => {
  const r = parseScaleSimConfig(text);
  if (r.ok) throw new Error('expected a failure');
  return r;
};

describe('parseScaleSimConfig', () => {
  it('reads SCALE-Sim\'s google.cfg', () => {
    const r = parseScaleSimConfig(GOOGLE);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual({
      runName: 'GoogleTPU_v1_ws',
      spec: { rows: 256, cols: 256, dataflow: 'ws', sram: { weightKiB: 6144, ifmapKiB: 6144, ofmapKiB: 2048, banks: 1 }, format: { kind: 'fp32' } },
      offsets: { ifmap: 0, filter: 10000000, ofmap: 20000000 },
      bandwidth: [10],
      interfaceBandwidth: 'CALC',
    });
  });
  it('keys are case-insensitive, "=" works, comments are skipped, optional keys default', () => {
    const r = parseScaleSimConfig('# c\n[ARCHITECTURE_PRESETS]\narrayheight = 8\n; c\nARRAYWIDTH: 4\ndataflow=OS\n');
    expect(r.ok && r.value.spec).toMatchObject({ rows: 8, cols: 4, dataflow: 'os', sram: { weightKiB: 64, banks: 1 } });
  });
  it('names the line and key of bad values', () => {
    expect(fails(GOOGLE.replace('ArrayHeight:    256', 'ArrayHeight:    512'))).toMatchObject({
      line: 5, column: 'ArrayHeight', reason: 'line 5, column "ArrayHeight": expected an integer in 1..256, found 512',
    });
    expect(fails(GOOGLE.replace('Dataflow : ws', 'Dataflow : rs'))).toMatchObject({ line: 13, column: 'Dataflow' });
    expect(fails(GOOGLE.replace('OfmapSramSzkB:    2048', 'OfmapSramSzkB:    big'))).toMatchObject({ line: 9, column: 'OfmapSramSzkB' });
    expect(fails(GOOGLE.replace('MemoryBanks: 1', 'MemoryBanks: 0')).reason).toBe('line 15, column "MemoryBanks": expected an integer in 1..1024, found 0');
    expect(fails(GOOGLE.replace('InterfaceBandwidth: CALC', 'InterfaceBandwidth: FAST'))).toMatchObject({ line: 18 });
    expect(fails(GOOGLE.replace('Bandwidth : 10', 'Bandwidth : ten'))).toMatchObject({ line: 14, column: 'Bandwidth' });
  });
  it('rejects structural problems with their line', () => {
    expect(fails('[architecture_presets]\nArrayWidth: 4\nDataflow: ws\n')).toMatchObject({ line: 1, column: 'ArrayHeight' });
    expect(fails('ArrayHeight: 4\n')).toMatchObject({ line: 1 });
    expect(fails('[general]\nrun_name = x\n').reason).toContain('[architecture_presets]');
    expect(fails('[architecture_presets]\nArrayHeight: 4\nArrayHeight: 5\n')).toMatchObject({ line: 3 });
    expect(fails('[architecture_presets]\njust text\n')).toMatchObject({ line: 2 });
    expect(fails(`[architecture_presets]\n${'a'.repeat(2000)}: 1\n`)).toMatchObject({ line: 2 });
  });
});

describe('cycleReportCsv', () => {
  it('starts with SCALE-Sim\'s COMPUTE_REPORT columns and round-trips through splitCsvLine', () => {
    const net = networkCycles(
      [{ name: 'a', gemm: { M: 36, K: 18, N: 5 } }, { name: 'b,"quoted"', gemm: { M: 25, K: 36, N: 20 } }],
      { rows: 4, cols: 8, dataflow: 'ws' },
    );
    const lines = cycleReportCsv(net).trimEnd().split('\n');
    expect(lines[0].split(',').slice(0, 6)).toEqual(['LayerID', 'Total Cycles', 'Stall Cycles', 'Overall Util %', 'Mapping Efficiency %', 'Compute Util %']);
    expect(lines).toHaveLength(3);
    const row = splitCsvLine(lines[2]);
    expect(row).toHaveLength(REPORT_COLUMNS.length);
    const col = (h: string) => row[REPORT_COLUMNS.findIndex((c) => c.header === h)];
    expect(col('Layer Name')).toBe('b,"quoted"');
    // 27 folds x 39 cycles, starting after layer a's 250 cycles
    expect([col('Total Cycles'), col('Start Cycle'), col('Folds')]).toEqual(['1052', '250', '27']);
    expect(Number(col('Mapping Efficiency %'))).toBeCloseTo(83.33333333333334, 10);
  });
});
