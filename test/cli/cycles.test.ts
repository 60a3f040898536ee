import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cyclesTable, runCycles, shippedTopologies } from '../../cli/commands/cycles';
import { CliError } from '../../cli/errors';
import { REPORT_COLUMNS, splitCsvLine } from '../../sim/topology';

const run = promisify(execFile);
const root = join(__dirname, '../..');
const bin = join(root, 'bin/faultline.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'faultline-cli-'));

async function faultline(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, ...args], { cwd: root });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('faultline cycles (process)', () => {
  it('runs topologies/alexnet.csv on 32x32 ws, prints the table and writes the CSV', async () => {
    const out = join(tmp, 'alexnet.csv');
    const r = await faultline('cycles', '--topology', 'topologies/alexnet.csv', '--array', '32x32', '--dataflow', 'ws', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('array 32x32 ws, 8 layers');
    // conv1: K=363, N=96 -> 12x3 folds of 2*32+32+3025-2 = 3119 cycles; Total = 36*3119 - 1
    expect(r.stdout).toMatch(/conv1\s+3025\s+363\s+96\s+12x3\s+3119\s+112283/);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    const conv1 = splitCsvLine(lines[1]);
    const col = (h: string) => conv1[REPORT_COLUMNS.findIndex((c) => c.header === h)];
    expect([col('Layer Name'), col('Total Cycles'), col('Folds'), col('Fold Cycles')]).toEqual(['conv1', '112283', '36', '3119']);
  });
  it('reports file:line: message and exits 2 on a bad topology', async () => {
    const bad = join(tmp, 'bad.csv');
    writeFileSync(bad, 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nC1,8,8,3,3,2,5,1,\nC2,8,8,9,3,2,5,1,\n');
    const r = await faultline('cycles', '--topology', bad);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`${bad}:3: column "Filter Height": expected an integer in 1..8, found 9`);
  });
  it('exits 2 on an unknown option', async () => {
    const r = await faultline('cycles', '--model', 'lenet5', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });
});

describe('runCycles (in process)', () => {
  it('--config supplies array and dataflow; --array/--dataflow override it', () => {
    const cfg = join(tmp, 'a.cfg');
    writeFileSync(cfg, '[general]\nrun_name = t\n[architecture_presets]\nArrayHeight: 8\nArrayWidth: 4\nDataflow: os\n');
    expect(runCycles({ model: 'lenet5', config: cfg }).net.array).toEqual({ rows: 8, cols: 4, dataflow: 'os' });
    expect(runCycles({ model: 'lenet5', config: cfg, array: '2x3', dataflow: 'is' }).net.array).toEqual({ rows: 2, cols: 3, dataflow: 'is' });
    expect(runCycles({ model: 'lenet5' }).net.array).toEqual({ rows: 16, cols: 16, dataflow: 'ws' });
  });
  it('errors are CliErrors with located messages', () => {
    const cfg = join(tmp, 'b.cfg');
    writeFileSync(cfg, '[architecture_presets]\nArrayHeight: 999\nArrayWidth: 4\nDataflow: os\n');
    const err = (f: () => unknown) => {
      try { f(); } catch (e) { expect(e).toBeInstanceOf(CliError); return (e as CliError).message; }
      throw new Error('expected a CliError');
    };
    expect(err(() => runCycles({ model: 'lenet5', config: cfg }))).toBe(`${cfg}:2: column "ArrayHeight": expected an integer in 1..256, found 999`);
    expect(err(() => runCycles({ model: 'nope' }))).toContain('--model: expected one of');
    expect(err(() => runCycles({}))).toContain('exactly one of');
    expect(err(() => runCycles({ model: 'lenet5', dataflow: 'xs' }))).toContain("--dataflow: expected 'ws' | 'os' | 'is'");
  });
  it('every shipped topology runs on every dataflow and the table has one line per layer', () => {
    expect(shippedTopologies()).toEqual(['alexnet', 'lenet5', 'resnet18', 'resnet50', 'vgg16']);
    for (const t of shippedTopologies()) {
      for (const dataflow of ['ws', 'os', 'is']) {
        const { net } = runCycles({ topology: join(root, 'topologies', `${t}.csv`), array: '128x128', dataflow });
        expect(net.totals.durationCycles).toBeGreaterThan(0);
        expect(cyclesTable(net).split('\n')).toHaveLength(net.layers.length + 4);
      }
    }
  });
  it('--model uses the model registry; its nets match the shipped SCALE-Sim topologies', () => {
    // topologies/alexnet.csv is the 2012 paper's single-tower AlexNet; the registry's is torchvision's
    // (64/192/384/256/256 filters), so only the other four must agree cycle for cycle.
    for (const id of ['lenet5', 'vgg16', 'resnet18', 'resnet50']) {
      const a = runCycles({ model: id, array: '32x16', dataflow: 'os' }).net;
      const b = runCycles({ topology: join(root, 'topologies', `${id}.csv`), array: '32x16', dataflow: 'os' }).net;
      expect(a.totals).toEqual(b.totals);
    }
  });
});
