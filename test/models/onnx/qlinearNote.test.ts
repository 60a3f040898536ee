import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../models/onnx/proto';
import { convertModel } from '../../../models/onnx/convert';
import { encodeModel, intTensor, node, tensor } from '../../../models/onnx/build';
import { qlinearConv } from './models';

function notesOf(bytes: Uint8Array): readonly string[] {
  const m = decodeModel(bytes);
  if (!m.ok) throw new Error(m.reason);
  const c = convertModel(m.value);
  if (!c.ok) throw new Error(c.reason);
  return c.value.notes;
}

/** QLinearConv with int8 input/output and per-tensor power-of-two scales, zero points 0 (the only case Qm.n could hold). */
const pow2Conv = (): Uint8Array => encodeModel({
  name: 'pow2', input: { name: 'x', dims: ['N', 1, 4, 4], elemType: 3 }, output: { name: 'y', dims: ['N', 2, 4, 4], elemType: 3 },
  nodes: [node('QLinearConv', ['x', 'xs', 'xz', 'w', 'ws', 'wz', 'ys', 'yz'], ['y'], { pads: [1, 1, 1, 1] })],
  initializers: [
    tensor('xs', [], [2 ** -4]), intTensor('xz', [], [0], 3), intTensor('w', [2, 1, 3, 3], Array.from({ length: 18 }, (_, i) => i - 9), 3),
    tensor('ws', [], [2 ** -6]), intTensor('wz', [], [0], 3), tensor('ys', [], [2 ** -3]), intTensor('yz', [], [0], 3),
  ],
});

describe('QLinear import notes: what the array computes and why it is not --format int8', () => {
  it('names each departure from Qm.n of a uint8 / per-channel / arbitrary-scale QLinearConv', () => {
    const note = notesOf(qlinearConv()).find((n) => n.startsWith('QLinearConv'));
    expect(note).toBeDefined();
    expect(note).toContain('on dequantized values');
    expect(note).toContain('input scale 0.029999');
    expect(note).toContain('input is uint8');
    expect(note).toContain('input zero point 120 is not 0');
    expect(note).toContain('3 per-channel weight scales');
    expect(note).toContain('output zero point 100 is not 0');
  });

  it('says when the layer maps onto --format int8 (int8, zero points 0, per-tensor 2^-n scales)', () => {
    const note = notesOf(pow2Conv()).find((n) => n.startsWith('QLinearConv'));
    expect(note).toContain('with --format int8 the array computes it in int8 as the file says (input Q3.4, weights Q1.6, output Q4.3');
    expect(note).not.toContain('not 2^-n');
  });
});
