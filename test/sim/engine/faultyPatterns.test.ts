/** The fault patterns of issue 4 on small layers, fast engine vs the cycle reference (ground truth). */
import { describe, expect, it } from 'vitest';
import type { ArraySpec, Dataflow } from '../../../sim/types';
import type { FaultRecord } from '../../../sim/faults/types';
import { planRun } from '../../../sim/engine/faultyPlan';
import { cycleOf } from '../../../sim/engine/timeline';
import { runBoth, layerBits, seeded, spec, tinyNet, denseNet, convNet, type Checked } from './faultyHelpers';

const FLOWS: Dataflow[] = ['ws', 'os', 'is'];

/** Engine == reference on every layer and image; returns per-image "differs from golden" of `layer`. */
function agree(c: Checked, layer: number): boolean[] {
  const n = c.golden.n;
  for (let L = 0; L < c.golden.layers.length; L++) {
    for (let i = 0; i < n; i++) {
      const b = layerBits(c, L, i);
      expect(b.engine).toEqual(b.reference);
    }
  }
  return Array.from({ length: n }, (_, i) => {
    const b = layerBits(c, layer, i);
    return JSON.stringify(b.engine) !== JSON.stringify(b.golden);
  });
}

const seu = (target: FaultRecord['target'], location: FaultRecord['location'], start: number, bits = [30]): FaultRecord =>
  ({ target, kind: 'seu', location, bits, window: { start } });

describe('transient SRAM flip persists until the word is rewritten', () => {
  for (const df of FLOWS) {
    const net = tinyNet(4, 'linear');
    const images = seeded(2 * 72, 9);
    it(`weights reloaded per inference: only the inference of the flip is hit (${df})`, () => {
      const s = spec(4, 3, df, { kind: 'fp32' }, 0.5); // 128 words < 162 weights: not resident
      const plan = planRun(net, s);
      const c = runBoth(net, s, images, [seu('weightSram', { kind: 'address', address: 5 }, cycleOf(plan, 0, 0) )]);
      expect(c.engine.layout.weightsResident).toBe(false);
      expect(agree(c, 0)).toEqual([true, false]);
    });
    it(`resident weights: the flip persists into every later inference (${df})`, () => {
      const s = spec(4, 3, df, { kind: 'fp32' }, 4);
      const plan = planRun(net, s);
      const c = runBoth(net, s, images, [seu('weightSram', { kind: 'address', address: 5 }, cycleOf(plan, 0, 0))]);
      expect(c.engine.layout.weightsResident).toBe(true);
      expect(agree(c, 0)).toEqual([true, true]);
    });
    it(`a flip after the word's last read in the layer is masked, then overwritten (${df})`, () => {
      const s = spec(4, 3, df, { kind: 'fp32' }, 0.5);
      const plan = planRun(net, s);
      const fc = plan.layers.find((l) => l.name === 'fc')!;
      // conv weight word 5 flipped while the fc layer runs: conv already read it, next inference rewrites it
      const c = runBoth(net, s, images, [seu('weightSram', { kind: 'address', address: 5 }, fc.start + 1)]);
      expect(agree(c, 0)).toEqual([false, false]);
    });
  }
});

describe('stuck-at holds from its start cycle on', () => {
  for (const df of FLOWS) {
    it(`ifmap stuck-at-1 from the second inference (${df})`, () => {
      const net = convNet(5, 5, 2, 4, 3);
      const s = spec(4, 3, df);
      const plan = planRun(net, s);
      const rec: FaultRecord = { target: 'ifmapSram', kind: 'stuckAt1', location: { kind: 'address', address: 12 }, bits: [30], window: { start: cycleOf(plan, 1, 0) } };
      const c = runBoth(net, s, seeded(3 * 50, 5), [rec]);
      expect(agree(c, 0)).toEqual([false, true, true]);
    });
    it(`ofmap stuck-at-0 on the sign bit during one layer, repaired after (${df})`, () => {
      const net = tinyNet(6, 'linear');
      const s = spec(4, 3, df);
      const plan = planRun(net, s);
      const conv = plan.layers[0];
      const rec: FaultRecord = { target: 'ofmapSram', kind: 'stuckAt0', location: { kind: 'address', address: 7 }, bits: [31], window: { start: conv.start, end: conv.start + conv.cycles + 1 } };
      const c = runBoth(net, s, seeded(2 * 72, 6), [rec]);
      const golden7 = c.golden.layers[0].output[7];
      const hit = agree(c, 0);
      expect(hit[0]).toBe(golden7 < 0);
      expect(hit[1]).toBe(false);
    });
  }
});

describe('row-stream register: a corrupted value reaches the PEs to its right', () => {
  for (const df of FLOWS) {
    it(`${df}: flip in PE(1,0) hits every used column; in PE(1,2) only the last`, () => {
      const net = convNet(4, 4, 2, 3, 2); // M = 9, K = 8, N = 3
      const s = spec(4, 3, df);
      const plan = planRun(net, s);
      const R = 4;
      const reg = df === 'is' ? 'pe.weight' : 'pe.input';
      // ws: in[t=2][k0+1] at R+t+i+j; is: w[k0+1][t=2] at R+t+i+j; os: in[m0+1][k=2] at k+i+j
      const at = (j: number): number => cycleOf(plan, 0, 0, 0, df === 'os' ? 2 + 1 + j : R + 2 + 1 + j);
      for (const [j, cols] of [[0, [0, 1, 2]], [2, [2]]] as const) {
        const c = runBoth(net, s, seeded(32, 8), [seu(reg, { kind: 'pe', row: 1, col: j }, at(j))]);
        expect(agree(c, 0)).toEqual([true]);
        const idx = Array.from(c.engine.diffs[0][0].indices);
        const N = 3;
        // outputs (m, n): ws/os fix the row's m (ws: t=2, os: m0+1) and vary n over the columns; is varies m
        const expected = df === 'is' ? cols.map((jj) => jj * N + 2) : cols.map((jj) => (df === 'ws' ? 2 : 1) * N + jj);
        expect(idx).toEqual(expected);
      }
    });
  }
});

describe('psum corruption reaches every later accumulation of that output', () => {
  for (const df of FLOWS) {
    it(`${df}: flip of the first partial sum changes the final output`, () => {
      const net = denseNet(10, 3); // K = 10 > R: several row folds carry the psum on
      const s = spec(4, 3, df);
      const plan = planRun(net, s);
      // ws: psum (t=0, n=1) after row 0 at R + 0 + 0 + 1; os: PE(0,1) after step 0 at 0+0+1; is: column 0 (m=0), filter t=1
      const cyc = df === 'os' ? 1 : df === 'ws' ? 4 + 1 : 4 + 1;
      const loc = df === 'is' ? { kind: 'pe' as const, row: 0, col: 0 } : { kind: 'pe' as const, row: 0, col: 1 };
      const c = runBoth(net, s, seeded(10, 3), [seu('pe.psum', loc, cycleOf(plan, 0, 0, 0, cyc), [29])]);
      expect(agree(c, 0)).toEqual([true]);
      expect(Array.from(c.engine.diffs[0][0].indices)).toEqual([1]);
    });
  }
});

describe('a stuck PE corrupts its output column in every fold', () => {
  it('ws: weight register of PE(1,1) stuck at 1 hits n = 1, 4, 7 (every column fold), all row folds', () => {
    const net = convNet(3, 3, 3, 8, 2); // M = 4, K = 12 (4 row folds on 3 rows), N = 8 (3 column folds)
    const s = spec(3, 3, 'ws');
    const rec: FaultRecord = { target: 'pe.weight', kind: 'stuckAt1', location: { kind: 'pe', row: 1, col: 1 }, bits: [30], window: { start: 0 } };
    const c = runBoth(net, s, seeded(2 * 27, 4), [rec]);
    expect(agree(c, 0)).toEqual([true, true]);
    for (const d of c.engine.diffs[0]) {
      const ns = [...new Set(Array.from(d.indices, (e) => e % 8))].sort();
      expect(ns).toEqual([1, 4, 7]);
      expect(d.indices.length).toBe(4 * 3);
    }
  });
});

describe('masked faults leave the output bit-exactly golden', () => {
  for (const df of FLOWS) {
    it(`${df}: flipped weight whose input is always 0`, () => {
      const net = denseNet(6, 4);
      const s = spec(3, 2, df);
      const images = seeded(2 * 6, 12);
      images[2] = 0;
      images[8] = 0; // input k = 2 is 0 in both images
      const c = runBoth(net, s, images, [seu('weightSram', { kind: 'address', address: 2 * 4 + 1 }, 0, [30])]);
      expect(agree(c, 0)).toEqual([false, false]);
      expect(c.engine.touchedImages).toEqual([0, 1]);
      expect(c.engine.layers[0].maskedInArray).toBe(2);
    });
    it(`${df}: psum flip of an output that ReLU clamps to 0`, () => {
      const net = denseNet(5, 3);
      const layer = { ...net.layers[0], activation: { kind: 'relu' as const } };
      const relu = { ...net, layers: [layer] };
      const s = spec(8, 3, df); // one fold: K = 5 rows
      const images = seeded(5, 2);
      const pre = runBoth(net, s, images, []).golden.layers[0].output; // the linear twin: pre-activation
      const n = [0, 1, 2].reduce((a, b) => (pre[b] < pre[a] ? b : a));
      expect(pre[n]).toBeLessThan(0);
      // last accumulation step of output (0, n): ws/is at row 4 (R + t + i + j), os at step 4 (k + i + j)
      const cyc = df === 'ws' ? 8 + 0 + 4 + n : df === 'is' ? 8 + n + 4 + 0 : 4 + 0 + n;
      const loc = df === 'is' ? { kind: 'pe' as const, row: 4, col: 0 } : df === 'ws' ? { kind: 'pe' as const, row: 4, col: n } : { kind: 'pe' as const, row: 0, col: n };
      const c = runBoth(relu, s, images, [seu('pe.psum', loc, cyc, [0])]);
      expect(agree(c, 0)).toEqual([false]);
      expect(c.engine.layers[0].maskedByActivation).toBe(1);
      expect(c.engine.layers[0].masker).toBe('relu');
    });
  }
});

describe('multi-bit upsets and clusters', () => {
  for (const df of FLOWS) {
    it(`${df}: 3 adjacent bits of a weight word, a 1x3 word cluster, a 2x2 PE psum cluster`, () => {
      const net = tinyNet(8, 'linear');
      const s: ArraySpec = spec(4, 3, df);
      const plan = planRun(net, s);
      const recs: FaultRecord[] = [
        { target: 'weightSram', kind: 'mbu', location: { kind: 'address', address: 3 }, bits: [20, 21, 22], window: { start: 0 } },
        { target: 'ifmapSram', kind: 'mbu', location: { kind: 'address', address: 10 }, bits: [27, 28], window: { start: cycleOf(plan, 0, 0, 1) }, cluster: { rows: 1, cols: 3 } },
        { target: 'pe.psum', kind: 'mbu', location: { kind: 'pe', row: 1, col: 1 }, bits: [25, 26], window: { start: cycleOf(plan, 1, 0, 0, 9) }, cluster: { rows: 2, cols: 2 } },
      ];
      const c = runBoth(net, s, seeded(2 * 72, 14), recs);
      expect(c.faults.length).toBe(1 + 3 + 4);
      expect(agree(c, 0)).toEqual([true, true]);
    });
  }
  it('random locations and bits are reproducible from the seed', () => {
    const s = spec(4, 3, 'ws');
    const recs: FaultRecord[] = [
      { target: 'pe.input', kind: 'seu', location: { kind: 'random' }, bits: [], window: { start: 40 } },
      { target: 'weightSram', kind: 'mbu', location: { kind: 'random' }, bits: [3, 4], window: { start: 0 }, cluster: { rows: 1, cols: 2 } },
    ];
    const a = runBoth(tinyNet(), s, seeded(72, 1), recs, 42);
    const b = runBoth(tinyNet(), s, seeded(72, 1), recs, 42);
    const d = runBoth(tinyNet(), s, seeded(72, 1), recs, 43);
    expect(b.faults).toEqual(a.faults);
    expect(d.faults).not.toEqual(a.faults);
    expect(agree(a, 3)).toEqual(agree(b, 3));
  });
});
