/**
 * Damaged .onnx bytes (random byte edits and truncations of the LeNet-5 export, a graph edited
 * field by field) never throw out of decodeModel + convertModel: each is a model or a failure
 * value with a reason.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { convertModel, decodeModel } from '../../../models/onnx';
import { inferShapes } from '../../../sim/layers/shapes';

const { onnx } = onnxProto;
const BYTES = new Uint8Array(readFileSync('models/onnx/examples/lenet5.onnx'));

function judge(bytes: Uint8Array): 'ok' | 'refused' {
  const m = decodeModel(bytes);
  if (!m.ok) {
    expect(m.reason.length).toBeGreaterThan(0);
    return 'refused';
  }
  const r = convertModel(m.value);
  if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
  else expect(inferShapes(r.value.network).ok).toBe(true);
  return r.ok ? 'ok' : 'refused';
}

describe('ONNX import of damaged files', () => {
  it('random byte edits and truncations: a model or a failure value, never an exception', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(BYTES.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.option(fc.nat(BYTES.length)), (edits, cut) => {
        const b = BYTES.slice(0, cut ?? BYTES.length);
        for (const [i, v] of edits) if (i < b.length) b[i] = v;
        judge(b);
      }),
      { numRuns: 150, seed: 15 },
    );
  });

  it('graph edits (dims, attributes, inputs, op types): a model or a failure value, never an exception', () => {
    const base = onnx.ModelProto.decode(BYTES);
    fc.assert(
      fc.property(fc.nat(100), fc.nat(100), fc.integer({ min: -3, max: 70000 }), fc.constantFrom('dims', 'ints', 'input', 'op', 'drop'), (ni, ai, v, what) => {
        const m = onnx.ModelProto.decode(BYTES);
        const g = m.graph!;
        const node = g.node![ni % g.node!.length];
        const init = g.initializer![ai % g.initializer!.length];
        if (what === 'dims') init.dims![0] = v;
        if (what === 'ints' && node.attribute!.length > 0) node.attribute![ai % node.attribute!.length].ints = [v, v];
        if (what === 'input') node.input![0] = `x${v}`;
        if (what === 'op') node.opType = ['Conv', 'Gemm', 'MaxPool', 'Flatten', 'Softmax', 'Reshape'][v % 6]!;
        if (what === 'drop') g.node!.splice(ni % g.node!.length, 1);
        judge(onnx.ModelProto.encode(m).finish());
      }),
      { numRuns: 300, seed: 15 },
    );
    expect(base.graph!.node!.length).toBeGreaterThan(0);
  });
});
