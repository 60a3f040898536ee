import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGolden, type GoldenRun } from '../../../sim/engine/golden';
import { layerOperands, recomputeOutput } from '../../../sim/engine/golden-operands';
import { createJsKernel, createKernel, type GemmKernel } from '../../../sim/kernels';
import { FP16, FP32, int8Format, quantize, fp16FromNumber, fp16ToNumber } from '../../../sim/format';
import { referenceForward, referenceLayer } from '../../../sim/layers';
import type { Network } from '../../../sim/layers/types';
import { tfjsWasmDir } from '../../../cli/wasm-path';
import { dense, lenet, randArray, residualNet, rng } from '../layers/fixtures';

const js = createJsKernel();
const others: GemmKernel[] = [];
beforeAll(async () => {
  for (const name of ['tfjs-wasm', 'gpujs'] as const) {
    const k = await createKernel(name, { wasmDir: tfjsWasmDir() });
    if (!k.ok) throw new Error(k.reason);
    others.push(k.value);
  }
});
afterAll(() => others.forEach((k) => k.dispose()));

function must<T>(r: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-2 * scale + Math.abs(b[i])));
  return worst;
}

/** Every output of every array layer equals its array-order recomputation (exact for int8). */
function checkArrayOrder(run: GoldenRun, exact: boolean, tol = 0): number {
  let checked = 0;
  run.layers.forEach((l, i) => {
    const layer = run.network.layers[i];
    if (l.unit !== 'array' || ((layer.kind === 'dense' || layer.kind === 'conv2d') && layer.activation.kind === 'softmax')) return;
    const ops = must(layerOperands(run, i));
    const { M, N } = ops.gemm;
    for (let img = 0; img < run.n; img++) for (let m = 0; m < M; m++) for (let j = 0; j < N; j++) {
      const got = l.output[(img * M + m) * N + j];
      const want = recomputeOutput(ops, img, m, j);
      if (exact) expect(got).toBe(want);
      else expect(Math.abs(got - want)).toBeLessThanOrEqual(tol * (1 + Math.abs(want)));
      checked++;
    }
  });
  return checked;
}

describe('golden engine', () => {
  it('fp32 golden matches the plain reference forward on every layer (all backends)', () => {
    for (const net of [residualNet(3), lenet(4)]) {
      const size = net.input.h * net.input.w * net.input.c;
      const x = randArray(rng(11), 3 * size);
      const ref = must(referenceForward(net, x, 3));
      for (const k of [js, ...others]) {
        const run = must(runGolden(net, x, { format: FP32 }, k));
        expect(run.n).toBe(3);
        run.layers.forEach((l, i) => expect(maxRelErr(l.output, ref.outputs[i])).toBeLessThan(1e-4));
        expect([...run.predictions]).toEqual([...must(runGolden(net, x, { format: FP32 }, js)).predictions]);
      }
    }
  });

  it('int8 golden is bit exact against array-order recomputation, on every backend and without conv2d', () => {
    const f = int8Format(3, 4);
    const net = residualNet(7);
    const x = randArray(rng(12), 2 * 9 * 7 * 3, 2);
    const runs = [js, ...others].map((k) => must(runGolden(net, x, { format: f }, k)));
    runs.push(must(runGolden(net, x, { format: f }, others[0], { useConv2d: false })));
    for (const run of runs) {
      expect(checkArrayOrder(run, true)).toBeGreaterThan(100);
      expect(run.layers[0].exactOnKernel).toBe(true);
      for (const l of run.layers) for (const v of l.output) expect(quantize(f, v)).toBe(v);
      expect(run.layers.map((l) => [...l.output])).toEqual(runs[0].layers.map((l) => [...l.output]));
    }
    // vector layers: fp32 op on stored inputs, rounded to the format
    const run = runs[0];
    const ap = run.layers[4];
    const want = referenceLayer(net.layers[4], ap.inputs, ap.inShapes, ap.outShape, 2).map((v) => quantize(f, v));
    expect([...ap.output]).toEqual([...want]);
  });

  it('int8 falls back to an exact GEMM when fp32 sums could be inexact', () => {
    const r = rng(5);
    const net: Network = { name: 'big', input: { h: 1, w: 1, c: 3000 }, layers: [{ ...dense(r, 'fc', 3000, 4, { kind: 'linear' }), weights: randArray(r, 12000, 127) }] };
    const x = randArray(r, 2 * 3000, 127);
    const run = must(runGolden(net, x, { format: int8Format(7, 0) }, others[0]));
    expect(run.layers[0].exactOnKernel).toBe(false);
    expect(checkArrayOrder(run, true)).toBe(8);
    expect(run.layers[0].output.some((v) => v === 127 || v === -128)).toBe(true);
  });

  it('fp16 golden stores fp16 values within one fp16 ulp of the array-order result', () => {
    const net = lenet(8);
    const x = randArray(rng(13), 2 * 784);
    const run = must(runGolden(net, x, { format: FP16 }, others[0]));
    for (const l of run.layers) for (const v of l.output) expect(fp16ToNumber(fp16FromNumber(v))).toBe(v);
    expect(checkArrayOrder(run, false, 2 ** -10)).toBeGreaterThan(1000);
  });

  it('per-layer formats re-quantize inputs whose producer used another scale', () => {
    const net = residualNet(9);
    const x = randArray(rng(14), 9 * 7 * 3, 2);
    const run = must(runGolden(net, x, { format: int8Format(3, 4) }, js, {
      layerFormats: (_l, i) => (i === 2 ? { weight: int8Format(1, 6), input: int8Format(2, 5), output: int8Format(3, 4) } : undefined),
    }));
    const c2 = run.layers[2];
    expect(c2.inputs[0]).not.toBe(run.layers[1].output);
    expect([...c2.inputs[0]]).toEqual([...run.layers[1].output].map((v) => quantize(int8Format(2, 5), v)));
    expect(checkArrayOrder(run, true)).toBeGreaterThan(100);
    expect(run.layers[3].inputs[1]).toBe(c2.output); // same format downstream: no copy
  });

  it('layer operands of a dense layer read the flattened input and finish like the golden run', () => {
    const net = lenet(15);
    const x = randArray(rng(16), 2 * 784);
    const run = must(runGolden(net, x, { format: int8Format(2, 5) }, js));
    const ops = must(layerOperands(run, 5)); // fc1
    expect(ops.gemm).toEqual({ M: 1, K: 400, N: 120 });
    expect(ops.geometry).toBeNull();
    expect([...ops.inputRow(1, 0)]).toEqual([...run.layers[5].inputs[0].subarray(400, 800)]);
    expect([...ops.inputIndex(0).subarray(0, 3)]).toEqual([0, 1, 2]);
    for (let j = 0; j < 120; j++) expect(recomputeOutput(ops, 1, 0, j)).toBe(run.layers[5].output[120 + j]);
    const conv = must(layerOperands(run, 2));
    const idx = conv.inputIndex(0);
    const row = conv.inputRow(0, 0);
    idx.forEach((e, k) => expect(row[k]).toBe(e < 0 ? 0 : run.layers[2].inputs[0][e]));
  });

  it('rejects a batch that is not a whole number of images', () => {
    const res = runGolden(lenet(), new Float32Array(785), { format: FP32 }, js);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.reason).toMatch(/batch: expected a positive multiple of 784/);
    const op = layerOperands(must(runGolden(lenet(), new Float32Array(784), { format: FP32 }, js)), 1);
    expect(!op.ok && op.reason).toMatch(/does not run on the array/);
  });
});
