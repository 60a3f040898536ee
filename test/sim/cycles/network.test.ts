import { describe, expect, it } from 'vitest';
import { networkCycles, networkGemms } from '../../../sim/cycles';
import type { Network } from '../../../sim/layers/types';

const relu = { kind: 'relu' } as const;
const pad0 = { top: 0, bottom: 0, left: 0, right: 0 };
// 12x12x1 -> conv 3x3 s1 pad1 (4 filters) -> maxpool 2 -> conv 3x3 s2 (8 filters) -> flatten -> dense 10
const NET: Network = {
  name: 'tiny',
  input: { h: 12, w: 12, c: 1 },
  layers: [
    { kind: 'conv2d', name: 'c1', kh: 3, kw: 3, inC: 1, outC: 4, strideH: 1, strideW: 1, padding: { top: 1, bottom: 1, left: 1, right: 1 }, weights: new Float32Array(36), bias: null, activation: relu },
    { kind: 'maxpool', name: 'p1', ph: 2, pw: 2, strideH: 2, strideW: 2, padding: pad0 },
    { kind: 'conv2d', name: 'c2', kh: 3, kw: 3, inC: 4, outC: 8, strideH: 2, strideW: 2, padding: pad0, weights: new Float32Array(288), bias: null, activation: relu },
    { kind: 'flatten', name: 'f' },
    { kind: 'dense', name: 'd', inF: 32, outF: 10, weights: new Float32Array(320), bias: null, activation: { kind: 'softmax' } },
  ],
};

describe('networkGemms', () => {
  it('lowers array layers only: conv M = Ho*Wo, K = kh*kw*inC; dense M = 1', () => {
    const r = networkGemms(NET);
    // c1: 12x12 out (pad 1) -> M=144, K=9, N=4; p1 -> 6x6x4; c2: floor((6-3)/2)+1 = 2 -> M=4, K=36, N=8; d: K=32
    expect(r.ok && r.value).toEqual([
      { name: 'c1', gemm: { M: 144, K: 9, N: 4 } },
      { name: 'c2', gemm: { M: 4, K: 36, N: 8 } },
      { name: 'd', gemm: { M: 1, K: 32, N: 10 } },
    ]);
  });
  it('batch multiplies M', () => {
    const r = networkGemms(NET, 5);
    expect(r.ok && r.value.map((g) => g.gemm.M)).toEqual([720, 20, 5]);
  });
  it('fails with the layer named when shapes do not infer', () => {
    const bad: Network = { ...NET, layers: NET.layers.map((l) => (l.kind === 'dense' ? { ...l, inF: 33 } : l)) };
    const r = networkGemms(bad);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain('"d"');
  });
  it('feeds the cycle model: c1 on 4x4 ws = ceil(9/4)*1 folds x (8+4+144-2)', () => {
    const r = networkGemms(NET);
    if (!r.ok) throw new Error(r.reason);
    const net = networkCycles(r.value, { rows: 4, cols: 4, dataflow: 'ws' });
    expect(net.layers[0].durationCycles).toBe(3 * 154);
  });
});
