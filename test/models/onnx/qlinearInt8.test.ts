import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel, intTensor, node, tensor } from '../../../models/onnx/build';
import { fromNhwc, toNhwc } from '../../../models/onnx';
import { onnxLayerFormats } from '../../../models/onnx/int8';
import { runGolden } from '../../../sim/engine/golden';
import { createJsKernel } from '../../../sim/kernels/js';
import { runPipeline } from '../../../pipeline';
import { importBytes, uniform } from './ortCompare';

const INT8 = { kind: 'int8', intBits: 3, fracBits: 4 } as const;
const codes = (n: number, seed: number, lim: number): number[] => Array.from(uniform(n, seed, -lim, lim), (v) => Math.round(v));

/** QLinearConv, int8 everywhere, zero points 0, scales 2^-4 (x), 2^-6 (w), 2^-3 (y), int32 bias. Input [N,2,6,6] int8. */
const pow2Conv = (): Uint8Array => encodeModel({
  name: 'qconv_pow2', input: { name: 'x', dims: ['N', 2, 6, 6], elemType: 3 }, output: { name: 'y', dims: ['N', 4, 6, 6], elemType: 3 },
  nodes: [node('QLinearConv', ['x', 'xs', 'xz', 'w', 'ws', 'wz', 'ys', 'yz', 'b'], ['y'], { pads: [1, 1, 1, 1] })],
  initializers: [
    tensor('xs', [], [2 ** -4]), intTensor('xz', [], [0], 3), intTensor('w', [4, 2, 3, 3], codes(72, 5, 60), 3),
    tensor('ws', [], [2 ** -6]), intTensor('wz', [], [0], 3), tensor('ys', [], [2 ** -3]), intTensor('yz', [], [0], 3),
    intTensor('b', [4], [1000, -2500, 64, 0], 6),
  ],
});

describe('QLinearConv with power-of-two scales runs on the int8 array as the file says', () => {
  it('is bit-exact vs onnxruntime-node with --format int8 (ties, saturation and the bias included)', async () => {
    const bytes = pow2Conv();
    const n = 3;
    const x = codes(n * 72, 9, 80);
    const session = await ort.InferenceSession.create(bytes);
    const res = await session.run({ x: new ort.Tensor('int8', Int8Array.from(x), [n, 2, 6, 6]) });
    const want = Array.from(res['y']!.data as Int8Array);
    const imp = importBytes(bytes);
    expect(imp.notes.find((s) => s.startsWith('QLinearConv'))).toContain('computes it in int8 as the file says (input Q3.4, weights Q1.6, output Q4.3');
    const formats = onnxLayerFormats(imp);
    expect(formats).not.toBeNull();
    const g = runGolden(imp.network, toNhwc(Float32Array.from(x), imp.input.layout, n), { format: INT8 }, createJsKernel(), { layerFormats: formats! });
    if (!g.ok) throw new Error(g.reason);
    const conv = g.value.layers.find((l) => l.formats.weight.kind === 'int8' && l.formats.weight.fracBits === 6)!;
    expect(conv.formats.input).toEqual({ kind: 'int8', intBits: 3, fracBits: 4 });
    const ours = Array.from(fromNhwc(g.value.output, imp.output.layout, n));
    expect(ours).toEqual(want);
    // the case is not trivial: saturated codes and half-way accumulators (acc mod 2^7 = 64, rounded half to even) occur
    expect(want.filter((v) => v === 127 || v === -128).length).toBeGreaterThan(0);
    const fp = runGolden(imp.network, toNhwc(Float32Array.from(x), imp.input.layout, n), { format: { kind: 'fp32' } }, createJsKernel());
    if (!fp.ok) throw new Error(fp.reason);
    const accs = Array.from(fp.value.layers.find((l) => l.kind === 'conv2d')!.output, (v) => Math.round(v * 2 ** 10));
    expect(accs.filter((a) => ((a % 128) + 128) % 128 === 64).length).toBeGreaterThan(0);
    expect(want.filter((v) => v > -128 && v < 127).length).toBeGreaterThan(want.length / 2);
  });

  it('through the run pipeline: --format int8 uses those formats (golden = the int8 engine run), a psum stuck-at hits the int32 accumulator', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-qint8-'));
    const file = join(dir, 'q.onnx');
    writeFileSync(file, pow2Conv());
    const scenario = join(dir, 's.json');
    writeFileSync(scenario, JSON.stringify({ name: 's', version: 1, description: '', machine: { id: 'm', initial: 'a', states: { a: { entry: [{ type: 'injectFault', params: { target: 'pe.psum', kind: 'stuckAt1', location: { kind: 'pe', row: 0, col: 0 }, bits: [20] } }] } } } }));
    const r = await runPipeline({ model: file, format: INT8, array: { rows: 8, cols: 8, dataflow: 'ws' }, faults: { kind: 'scenario', path: scenario }, images: { start: 0, count: 2 }, kernel: 'js' });
    if (!r.ok) throw new Error(r.reason);
    const imp = importBytes(pow2Conv());
    const g = runGolden(imp.network, r.value.batch, { format: INT8 }, createJsKernel(), { layerFormats: onnxLayerFormats(imp)! });
    if (!g.ok) throw new Error(g.reason);
    expect(Array.from(r.value.golden.output)).toEqual(Array.from(g.value.output));
    expect(r.value.faulty.layers.some((l) => l.corrupted > 0)).toBe(true);
  });

  it('QLinearMatMul (int8, 2^-n scales) is bit-exact vs onnxruntime-node too', async () => {
    const bytes = encodeModel({
      name: 'qmm_pow2', input: { name: 'a', dims: ['N', 12], elemType: 3 }, output: { name: 'y', dims: ['N', 5], elemType: 3 },
      nodes: [node('QLinearMatMul', ['a', 'as', 'az', 'b', 'bs', 'bz', 'ys', 'yz'], ['y'])],
      initializers: [tensor('as', [], [2 ** -5]), intTensor('az', [], [0], 3), intTensor('b', [12, 5], codes(60, 7, 100), 3),
        tensor('bs', [], [2 ** -7]), intTensor('bz', [], [0], 3), tensor('ys', [], [2 ** -2]), intTensor('yz', [], [0], 3)],
    });
    const n = 6;
    const a = codes(n * 12, 11, 120);
    const session = await ort.InferenceSession.create(bytes);
    const res = await session.run({ a: new ort.Tensor('int8', Int8Array.from(a), [n, 12]) });
    const imp = importBytes(bytes);
    const g = runGolden(imp.network, toNhwc(Float32Array.from(a), imp.input.layout, n), { format: INT8 }, createJsKernel(), { layerFormats: onnxLayerFormats(imp)! });
    if (!g.ok) throw new Error(g.reason);
    const want = Array.from(res['y']!.data as Int8Array);
    expect(Array.from(fromNhwc(g.value.output, imp.output.layout, n))).toEqual(want);
    expect(new Set(want).size).toBeGreaterThan(10);
  });

  it('a uint8 / arbitrary-scale QLinearConv keeps the dequantized path (no int8 formats)', () => {
    const bytes = encodeModel({
      name: 'u8', input: { name: 'x', dims: ['N', 1, 3, 3], elemType: 2 }, output: { name: 'y', dims: ['N', 1, 3, 3], elemType: 2 },
      nodes: [node('QLinearConv', ['x', 'xs', 'xz', 'w', 'ws', 'wz', 'ys', 'yz'], ['y'], { pads: [1, 1, 1, 1] })],
      initializers: [tensor('xs', [], [0.02]), intTensor('xz', [], [128], 2), intTensor('w', [1, 1, 3, 3], codes(9, 1, 50), 3),
        tensor('ws', [], [0.01]), intTensor('wz', [], [0], 3), tensor('ys', [], [0.1]), intTensor('yz', [], [128], 2)],
    });
    expect(onnxLayerFormats(importBytes(bytes))).toBeNull();
  });
});
