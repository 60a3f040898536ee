/**
 * sim.inspect PE registers (electron/services/sim/inspect.ts + inspectRegs.ts) on a kept run of the
 * psum stuck-at-1 example (bit 30 of PE (3, 5)): faulty psum differs in bit 30 where the PE is
 * active, a PE without faults matches golden, a PE with no MAC reports idle, and the golden psum
 * matches an independent array-order recompute from the layer's golden operands.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../../../electron/services/sim/pipeline';
import { inspect } from '../../../../electron/services/sim/inspect';
import { InspectRequest, RunRequest } from '../../../../ipc/sim-schemas';
import { layerOperands } from '../../../../sim/engine/golden-operands';

const root = join(import.meta.dirname, '../../../..');
const text = readFileSync(join(root, 'scenarios', 'examples', 'psum-msb-stuck-at-1.json'), 'utf8');
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const bitsOf = (v: number): number => { f32[0] = v; return u32[0]; };

async function keptRun(dataflow: 'ws' | 'os' | 'is') {
  const req = RunRequest.parse({ model: 'lenet5', scenario: { text, file: 'psum.json' }, array: { rows: 16, cols: 16, dataflow, format: 'fp32' }, images: 1 });
  return (await run(req, `t-${dataflow}`, () => {})).kept;
}

describe('sim.inspect PE registers', () => {
  it('ws: psum stuck-at-1 on PE (3, 5) shows in bit 30, PE (3, 4) matches golden, idle at fill', async () => {
    const kept = await keptRun('ws');
    const L = kept.plan.layers.findIndex((l) => l.unit === 'array');
    const lr = kept.plan.layers[L];
    const R = lr.df!.geometry.R;
    const ops = layerOperands(kept.golden, L);
    if (!ops.ok) throw new Error(ops.reason);
    const N = ops.value.gemm.N;
    const w = ops.value.golden.weights!;
    const a = ops.value.accumulator;
    // independent array-order partial sum of (m, n) after terms 0..k
    const psum = (m: number, k: number, n: number): number => {
      const xs = ops.value.inputRow(0, m);
      let acc = a.zero;
      for (let q = 0; q <= k; q++) acc = a.mac(acc, a.weightOperand(w[q * N + n]), a.inputOperand(xs[q]));
      return acc;
    };
    const ask = (row: number, col: number, cycle: number) => inspect(kept, InspectRequest.parse({ runId: 'x', cycle, target: { kind: 'pe', row, col } }));
    // fold 0: PE (i, j) performs MAC (m = t, k = i, n = j) at fold cycle R + t + i + j
    const at = (t: number, i: number, j: number): number => lr.start + lr.folds[0].startCycle + R + t + i + j;
    let t = 0;
    while (t < lr.df!.geometry.T - 1 && psum(t, 3, 5) === 0) t++;
    const hit = ask(3, 5, at(t, 3, 5));
    const p = hit.values.find((v) => v.label.startsWith('psum register'))!;
    expect(p.label).toContain(`out(${t}, 5) after k = 0..3`);
    expect(p.golden).toBe(psum(t, 3, 5));
    expect(p.golden).not.toBe(0);
    expect(p.diffBits).toContain(30);
    expect(bitsOf(p.faulty!)).toBe((bitsOf(p.golden!) | (1 << 30)) >>> 0);
    const x = hit.values.find((v) => v.label.startsWith('input register'))!;
    expect(x.golden).toBe(ops.value.inputRow(0, t)[3]);
    const wr = hit.values.find((v) => v.label.startsWith('weight register'))!;
    expect(wr.golden).toBe(w[3 * N + 5]);
    expect(wr.faulty).toBe(wr.golden);

    const clean = ask(3, 4, at(t, 3, 4));
    const pc = clean.values.find((v) => v.label.startsWith('psum register'))!;
    expect(pc.golden).toBe(psum(t, 3, 4));
    expect(pc.faulty).toBe(pc.golden);
    expect(pc.diffBits).toEqual([]);

    // fold cycle 0 is weight preload: no MAC anywhere
    const idle = ask(3, 5, lr.start + lr.folds[0].startCycle);
    expect(idle.values.length).toBe(3);
    for (const v of idle.values) {
      expect(v.golden).toBeNull();
      expect(v.note).toMatch(/^idle/);
    }
  }, 120_000);

  it('os and is: the psum register of PE (3, 5) carries the stuck bit at an active cycle', async () => {
    for (const df of ['os', 'is'] as const) {
      const kept = await keptRun(df);
      const L = kept.plan.layers.findIndex((l) => l.unit === 'array');
      const lr = kept.plan.layers[L];
      const geo = lr.df!.geometry;
      const first = kept.plan.strategy.macCycle(geo, 3, 5, 0);
      const cycle = lr.start + lr.folds[0].startCycle + first + 1;
      const r = inspect(kept, InspectRequest.parse({ runId: 'x', cycle, target: { kind: 'pe', row: 3, col: 5 } }));
      const p = r.values.find((v) => v.label.startsWith('psum register'))!;
      expect(p.golden, df).not.toBeNull();
      expect(bitsOf(p.faulty!) & (1 << 30), df).not.toBe(0);
      expect(r.values.filter((v) => v.golden !== null).length, df).toBe(3);
    }
  }, 120_000);

  it('saf: the weight register holds f(w) (the transform sits on the SRAM-to-PE read path); a stuck bit 30 there is not clipped', async () => {
    const doc = JSON.parse(text) as { machine: { states: { stuck: { entry: { params: { target: string } }[] } } } };
    doc.machine.states.stuck.entry[0]!.params.target = 'pe.weight';
    const req = RunRequest.parse({ model: 'lenet5', protection: 'saf', scenario: { text: JSON.stringify(doc), file: 'w.json' }, array: { rows: 16, cols: 16, dataflow: 'ws', format: 'fp32' }, images: 1 });
    const kept = (await run(req, 't-saf', () => {})).kept;
    const L = kept.plan.layers.findIndex((l) => l.unit === 'array');
    const lr = kept.plan.layers[L];
    const R = lr.df!.geometry.R;
    const ops = layerOperands(kept.golden, L);
    if (!ops.ok) throw new Error(ops.reason);
    const N = ops.value.gemm.N;
    const eff = ops.value.golden.weights!; // transformed weights (what the PEs multiply)
    const stored = kept.golden.layers[L].storedWeights!;
    expect(eff[3 * N + 5]).not.toBe(stored[3 * N + 5]);
    const r = inspect(kept, InspectRequest.parse({ runId: 'x', cycle: lr.start + lr.folds[0].startCycle + R + 3 + 5, target: { kind: 'pe', row: 3, col: 5 } }));
    const wr = r.values.find((v) => v.label.startsWith('weight register'))!;
    expect(wr.golden).toBe(eff[3 * N + 5]);
    expect(Math.abs(wr.golden!)).toBeLessThanOrEqual(1);
    expect(bitsOf(wr.faulty!)).toBe((bitsOf(wr.golden!) | (1 << 30)) >>> 0);
    expect(Math.abs(wr.faulty!)).toBeGreaterThan(1e30);
  }, 120_000);
});
