/**
 * Bench (onnx): ResNet-18 (seeded weights) exported to ONNX (models/onnx/export.ts), re-imported,
 * and run three ways side by side on the same images: onnxruntime-node (CPU) on the file, the
 * golden engine on the imported network (the selected kernel) and the golden engine on the shipped
 * architecture. No target: onnxruntime-node is a reference, not a kernel (GemmKernel is
 * synchronous and InferenceSession.run is asynchronous). Rows report the predictions' agreement.
 */
import * as ort from 'onnxruntime-node';
import { loadModel } from '../../models/io/load';
import { convertModel, decodeModel } from '../../models/onnx';
import { networkToOnnx } from '../../models/onnx/export';
import { runGolden } from '../../sim/engine/golden';
import { selectKernel } from '../../sim/kernels';
import { tfjsWasmDir } from '../../cli/wasm-path';
import { makeRng } from '../../models/rng';
import { median } from '../measure';
import type { BenchRow, BenchSection } from '../types';

const argmax = (y: ArrayLike<number>, n: number, c: number): number[] =>
  Array.from({ length: n }, (_, i) => {
    let b = 0;
    for (let j = 1; j < c; j++) if (y[i * c + j] > y[i * c + b]) b = j;
    return b;
  });

/** NHWC batch -> NCHW. */
function toNchw(x: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let ch = 0; ch < c; ch++) {
    out[((i * c + ch) * h + y) * w + xx] = x[((i * h + y) * w + xx) * c + ch];
  }
  return out;
}

/** Rows of section (onnx) for `batches` image counts, `runs` interleaved rounds each. */
export async function onnxRows(batches: readonly number[] = [1, 8], runs = 3): Promise<BenchRow[]> {
  const shipped = loadModel('resnet18');
  const bytes = networkToOnnx(shipped);
  if (!bytes.ok) throw new Error(bytes.reason);
  const t0 = performance.now();
  const m = decodeModel(bytes.value);
  if (!m.ok) throw new Error(m.reason);
  const imp = convertModel(m.value);
  if (!imp.ok) throw new Error(imp.reason);
  const importMs = performance.now() - t0;
  const net = imp.value.network;
  const { h, w, c } = net.input;
  const sel = await selectKernel({ wasmDir: tfjsWasmDir() });
  const session = await ort.InferenceSession.create(bytes.value);
  const rows: BenchRow[] = [{ name: 'resnet18 ONNX import (decode + convert)', value: importMs, unit: 'ms', runs: 1, extra: { bytes: bytes.value.length, layers: net.layers.length, notes: imp.value.notes.length } }];
  const rng = makeRng(15);
  for (const n of batches) {
    const images = Float32Array.from({ length: n * h * w * c }, () => rng.float());
    const feed = { input: new ort.Tensor('float32', toNchw(images, n, h, w, c), [n, c, h, w]) };
    const to: number[] = [];
    const tg: number[] = [];
    let ortOut: Float32Array | null = null;
    let gold: Int32Array | null = null;
    await session.run(feed);
    for (let r = 0; r < runs; r++) {
      let s = performance.now();
      ortOut = (await session.run(feed)).output.data as Float32Array;
      to.push(performance.now() - s);
      s = performance.now();
      const g = runGolden(net, images, { format: { kind: 'fp32' } }, sel.kernel);
      tg.push(performance.now() - s);
      if (!g.ok) throw new Error(g.reason);
      gold = g.value.predictions;
    }
    const ref = runGolden(shipped, images, { format: { kind: 'fp32' } }, sel.kernel);
    if (!ref.ok) throw new Error(ref.reason);
    const po = argmax(ortOut!, n, 1000);
    const pg = Array.from(gold!);
    const ps = Array.from(ref.value.predictions);
    const base = { name: 'onnxruntime-node run', value: median(to) };
    rows.push({
      name: `resnet18 imported, golden ${n} image(s) (${sel.kernel.name})`, value: median(tg), unit: 'ms', runs, baseline: base, ratio: median(tg) / base.value,
      extra: { 'same top-1 as onnxruntime': `${pg.filter((p, i) => p === po[i]).length}/${n}`, 'same top-1 as shipped net': `${pg.filter((p, i) => p === ps[i]).length}/${n}` },
    });
  }
  return rows;
}

export const sections: BenchSection[] = [{ name: '(onnx) ResNet-18 imported from ONNX vs onnxruntime-node', run: () => onnxRows() }];
