import { describe, expect, it } from 'vitest';
import { inferShapes, gemmShape } from '../../../sim/layers';
import type { Network } from '../../../sim/layers/types';
import { lenet, residualNet, conv, rng, pad } from './fixtures';

describe('shape inference', () => {
  it('infers LeNet-5 shapes and GEMM lowering', () => {
    const net = lenet();
    const s = inferShapes(net);
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    expect(s.value.layers.map((l) => [l.output.h, l.output.w, l.output.c])).toEqual([
      [28, 28, 6], [14, 14, 6], [10, 10, 16], [5, 5, 16], [1, 1, 400], [1, 1, 120], [1, 1, 84], [1, 1, 10],
    ]);
    const g = net.layers.map((l, i) => gemmShape(l, s.value.layers[i].inputs[0]));
    expect(g).toEqual([{ M: 784, K: 25, N: 6 }, null, { M: 100, K: 150, N: 16 }, null, null, { M: 1, K: 400, N: 120 }, { M: 1, K: 120, N: 84 }, { M: 1, K: 84, N: 10 }]);
  });

  it('infers residual shapes with padding, strides and asymmetric padding', () => {
    const s = inferShapes(residualNet());
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    const outs = s.value.layers.map((l) => [l.output.h, l.output.w, l.output.c]);
    // avgpool 3x3 s2 p1 on 9x7 -> 5x4; conv 2x3 s2 pad(b1,l1) on 5x4 -> floor((5+1-2)/2)+1=3, floor((4+1-3)/2)+1=2
    expect(outs[4]).toEqual([5, 4, 4]);
    expect(outs[5]).toEqual([3, 2, 5]);
    expect(s.value.layers[3].inputIndices).toEqual([1, 2]);
  });

  it('reports mismatches naming the layer and field', () => {
    const r = rng(3);
    const bad: Network = { name: 'bad', input: { h: 8, w: 8, c: 2 }, layers: [conv(r, 'a', 3, 3, 3, 4, 1, pad(0))] };
    const res = inferShapes(bad);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.reason).toMatch(/layer "a".*inC: expected the input's 2 channels, found 3/);
      expect(res.path).toBe('layers[0].inC');
    }
    const unknown: Network = { name: 'u', input: { h: 4, w: 4, c: 1 }, layers: [{ kind: 'add', name: 'x', inputs: ['input', 'nope'], activation: { kind: 'linear' } }] };
    const u = inferShapes(unknown);
    expect(!u.ok && u.reason).toMatch(/"nope"/);
    const tooBig: Network = { name: 't', input: { h: 2, w: 2, c: 1 }, layers: [conv(r, 'k', 3, 3, 1, 1, 1, pad(0))] };
    expect(inferShapes(tooBig).ok).toBe(false);
    const bound: Network = { name: 'b', input: { h: 4, w: 4, c: 1 }, layers: [conv(r, 'k', 3, 3, 1, 2, 1, pad(1), { kind: 'clip', bound: new Float32Array(3) })] };
    const bres = inferShapes(bound);
    expect(!bres.ok && bres.path).toBe('layers[0].activation.bound');
    expect(!bres.ok && bres.reason).toMatch(/expected a number, 2 per-channel bounds or 32 per-element bounds \(4x4x2\), found 3/);
    const perElement: Network = { ...bound, layers: [conv(r, 'k', 3, 3, 1, 2, 1, pad(1), { kind: 'clip', bound: new Float32Array(4 * 4 * 2) })] };
    expect(inferShapes(perElement).ok).toBe(true);
  });
});
