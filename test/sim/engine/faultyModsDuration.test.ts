/**
 * An SEU's duration in a PE register (sim/engine/faultyReadEnd.ts, docs/README-faults.md section 2):
 * in a stationary register the flip is seen only by the MACs that read it in [start, start+d); a
 * flip of a moving value is carried by the dataflow whatever its duration. Every run is checked
 * against the cycle reference (test/reference/cycleSim.ts) bit for bit.
 */
import { describe, expect, it } from 'vitest';
import type { FaultRecord } from '../../../sim/faults/types';
import type { ArraySpec } from '../../../sim/types';
import { planRun } from '../../../sim/engine/faultyPlan';
import { layerBits, runBoth, seeded, spec, convNet, type Checked } from './faultyHelpers';

// conv 2x2 on 6x6x2 -> 2 channels: GEMM M = 25 output pixels, K = 8 terms, N = 2 columns. On a 4x3
// array: two row folds (k 0..3, 4..7), one column fold; ws T = M = 25.
const net = convNet(6, 6, 2, 2, 2);
const images = seeded(72, 11);
const M = 25;
const N = 2;

function run(s: ArraySpec, faults: FaultRecord[]): Checked {
  const c = runBoth(net, s, images, faults);
  const b = layerBits(c, 0, 0);
  expect(b.engine, 'engine == reference').toEqual(b.reference);
  return c;
}

/** Output indices (m*N + n) that differ from golden. */
function changed(c: Checked): number[] {
  const b = layerBits(c, 0, 0);
  return b.engine.flatMap((v, i) => (v !== b.golden[i] ? [i] : []));
}

const reg = (target: FaultRecord['target'], row: number, col: number, start: number, duration?: number, bits = [30]): FaultRecord => ({
  target, kind: 'seu', bits, location: { kind: 'pe', row, col }, window: duration === undefined ? { start } : { start, end: start + duration },
});

describe('SEU duration in a stationary register (ws weight)', () => {
  const s = spec(4, 3, 'ws');
  const df = planRun(net, s).layers[0].df!;
  const { R, T } = df.geometry;
  const [i, j] = [1, 0];
  // the own word of PE (i, j) is read by the MAC of output pixel t at fold cycle R + t + i + j
  const read = (t: number): number => R + t + i + j;
  const start = read(6);

  it('changes exactly the outputs whose MAC reads the register in [start, start+d)', () => {
    expect(df.rowFolds).toBe(2);
    expect(T).toBe(M);
    for (const d of [1, 3, 7]) {
      const c = run(s, [reg('pe.weight', i, j, start, d)]);
      const inWindow = Array.from({ length: T }, (_, t) => t).filter((t) => read(t) >= start && read(t) < start + d);
      expect(inWindow).toHaveLength(d);
      expect(changed(c), `d = ${d}`).toEqual(inWindow.map((t) => t * N + j));
      expect(c.engine.faultTouches[0]).toBe(d);
    }
  });

  it('a duration reaching the reload (the fold end) equals the flip without a duration', () => {
    const forever = run(s, [reg('pe.weight', i, j, start)]);
    const long = run(s, [reg('pe.weight', i, j, start, df.foldCycles)]);
    expect(layerBits(long, 0, 0).engine).toEqual(layerBits(forever, 0, 0).engine);
    expect(changed(forever)).toEqual(Array.from({ length: T - 6 }, (_, q) => (6 + q) * N + j));
    // a shorter one differs from both
    expect(changed(run(s, [reg('pe.weight', i, j, start, 4)])).length).toBeLessThan(changed(forever).length);
  });

  it('a flip of a word passing through during the preload is carried to its row: the duration undoes nothing', () => {
    // fold cycle 0: PE (0, 0) holds the word of row R-1; it reaches its register and is read by every MAC
    const one = run(s, [reg('pe.weight', 0, 0, 0, 1)]);
    const forever = run(s, [reg('pe.weight', 0, 0, 0)]);
    expect(changed(one)).toEqual(Array.from({ length: T }, (_, t) => t * N));
    expect(layerBits(one, 0, 0).engine).toEqual(layerBits(forever, 0, 0).engine);
  });

  it('a moving register (ws input) carries the flip whatever the duration', () => {
    const c = run(s, [reg('pe.input', 1, 0, read(6), 1)]);
    expect(changed(c)).toEqual([6 * N, 6 * N + 1]); // read by PE (1, 0), passed on to PE (1, 1)
    expect(layerBits(c, 0, 0).engine).toEqual(layerBits(run(s, [reg('pe.input', 1, 0, read(6))]), 0, 0).engine);
  });

  it('a stuck-at over the register still wins after the flip ends (composition unchanged)', () => {
    const stuck: FaultRecord = { target: 'pe.weight', kind: 'stuckAt1', bits: [30], location: { kind: 'pe', row: i, col: j }, window: { start: start - 2, end: start + 2 } };
    const both = run(s, [stuck, reg('pe.weight', i, j, start, 6)]);
    const only = run(s, [stuck]);
    expect(layerBits(both, 0, 0).engine).toEqual(layerBits(only, 0, 0).engine);
    expect(changed(only).length).toBeGreaterThan(0);
  });
});

describe('SEU duration in the other stationary registers', () => {
  it('is input register: only the MACs reading it in [start, start+d)', () => {
    const s = spec(4, 3, 'is');
    const df = planRun(net, s).layers[0].df!;
    const { R } = df.geometry;
    // is: PE (i, j) holds in[m0+j][k0+i]; MAC of column t (n = t) at R + t + i + j; T = N = 2
    const c = run(s, [reg('pe.input', 2, 1, R + 2 + 1, 1)]);
    expect(changed(c)).toEqual([1 * N + 0]); // m = j = 1, n = t = 0
    const all = run(s, [reg('pe.input', 2, 1, R + 2 + 1)]);
    expect(changed(all)).toEqual([1 * N + 0, 1 * N + 1]);
  });

  it('os psum: an idle value (the initial zero, the final sum) loses the flip at the end; a flip between MACs is carried', () => {
    const s = spec(4, 3, 'os');
    const df = planRun(net, s).layers[0].df!;
    const L = df.foldCycles;
    const [i, j] = [2, 1];
    const out = (i + 0) * N + j; // fold 0: m = i, n = j
    // initial zero held over fold cycles 0 .. i+j-1, read by the first MAC at i+j
    expect(changed(run(s, [reg('pe.psum', i, j, 0, i + j - 1)]))).toEqual([]);
    expect(changed(run(s, [reg('pe.psum', i, j, 0, i + j)]))).toEqual([out]);
    // final sum held after the last MAC (i+j+T-1) until the drain at L-1
    const last = i + j + df.geometry.T - 1;
    expect(last).toBeLessThan(L - 2);
    expect(changed(run(s, [reg('pe.psum', i, j, last + 1, L - 1 - (last + 1))]))).toEqual([]);
    expect(changed(run(s, [reg('pe.psum', i, j, last + 1, L - (last + 1))]))).toEqual([out]);
    // between MACs: read by the next MAC, carried with a duration of 1
    expect(changed(run(s, [reg('pe.psum', i, j, i + j + 1, 1)]))).toEqual([out]);
  });
});
