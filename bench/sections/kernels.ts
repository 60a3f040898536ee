/**
 * Bench (d): each kernel backend's GEMM time for 256x256x256 and for LeNet-5's layer shapes
 * (per image: conv1 784x25x6, conv2 100x150x16, fc1 1x400x120, fc2 1x120x84, fc3 1x84x10; and
 * batched over 1,000 images as the golden run issues them: conv via conv2d, dense as 1000xKxN).
 * Measured only; no targets. Also shows which backend start-up selection picks.
 */
import { createKernel, selectKernel, type GemmKernel, type KernelBackendName } from '../../sim/kernels';
import { convGeometry, gemmShape, inferShapes } from '../../sim/layers';
import { tfjsWasmDir } from '../../cli/wasm-path';
import { measure } from '../measure';
import type { BenchRow, BenchSection } from '../types';
import { loadLenet } from './_lenet';
import { seeded } from '../../sim/kernels/select';

/** Rows of section (d). `batch` images for the batched shapes. */
export async function kernelRows(batch = 1000, runs = 5): Promise<BenchRow[]> {
  const { net } = loadLenet();
  const shapes = inferShapes(net);
  if (!shapes.ok) throw new Error(shapes.reason);
  const kernels: GemmKernel[] = [];
  const skipped: string[] = [];
  for (const name of ['js', 'tfjs-wasm', 'gpujs'] as KernelBackendName[]) {
    const k = await createKernel(name, { wasmDir: tfjsWasmDir() });
    if (k.ok) kernels.push(k.value);
    else skipped.push(`${name}: ${k.reason}`);
  }
  const rows: BenchRow[] = [];
  const gemms: { name: string; M: number; K: number; N: number }[] = [{ name: '256x256x256', M: 256, K: 256, N: 256 }];
  net.layers.forEach((l, i) => {
    const g = gemmShape(l, shapes.value.layers[i].inputs[0]);
    if (g) gemms.push({ name: `${l.name} ${g.M}x${g.K}x${g.N}`, ...g });
  });
  for (const g of gemms) {
    const a = seeded(g.M * g.K, 1);
    const b = seeded(g.K * g.N, 2);
    for (const k of kernels) {
      const t = await measure(() => k.matmul(a, b, g.M, g.K, g.N), runs, 1);
      rows.push({ name: `matmul ${g.name} ${k.name}`, value: t.medianMs, unit: 'ms', runs: t.runs, extra: { gflops: ((2 * g.M * g.K * g.N) / (t.medianMs * 1e6)).toFixed(2) } });
    }
  }
  // batched, as the golden run issues them
  for (let i = 0; i < net.layers.length; i++) {
    const l = net.layers[i];
    const s = shapes.value.layers[i].inputs[0];
    if (l.kind === 'conv2d') {
      const geo = convGeometry(l, s);
      const x = seeded(batch * s.h * s.w * s.c, 3);
      for (const k of kernels) {
        const t = await measure(() => k.conv2d!(x, batch, geo, l.weights), k.name === 'tfjs-wasm' ? runs : 2, 1);
        rows.push({ name: `conv2d ${l.name} x${batch} (M=${batch * geo.outH * geo.outW}) ${k.name}`, value: t.medianMs, unit: 'ms', runs: t.runs });
      }
    } else if (l.kind === 'dense') {
      const x = seeded(batch * l.inF, 4);
      for (const k of kernels) {
        const t = await measure(() => k.matmul(x, l.weights, batch, l.inF, l.outF), runs, 1);
        rows.push({ name: `matmul ${l.name} x${batch} ${batch}x${l.inF}x${l.outF} ${k.name}`, value: t.medianMs, unit: 'ms', runs: t.runs });
      }
    }
  }
  const sel = await selectKernel({ wasmDir: tfjsWasmDir() });
  rows.push({
    name: `start-up selection: ${sel.kernel.name}`, value: 'ms' in (sel.measured[sel.kernel.name] ?? {}) ? (sel.measured[sel.kernel.name] as { ms: number }).ms : 0, unit: 'ms',
    extra: { measured: Object.entries(sel.measured).map(([k, m]) => `${k}:${'ms' in m ? m.ms.toFixed(1) : m.skipped}`).join(','), ...(skipped.length ? { skipped: skipped.join('; ') } : {}) },
  });
  sel.kernel.dispose();
  kernels.forEach((k) => k.dispose());
  return rows;
}

/** Section (d). */
export const sections: BenchSection[] = [{ name: '(d) kernel backends GEMM', run: () => kernelRows() }];
