/**
 * Imported networks give bit-identical golden and faulty results on every GEMM backend (js,
 * tfjs-wasm, gpujs webasm), as shipped ones do: the MobileNet block (grouped convs lowered to one
 * GEMM per group, folded BNs, ReLU6) and the residual head (concat, leaky relu, softmax).
 */
import { describe, expect, it } from 'vitest';
import { tfjsWasmDir } from '../../../cli/wasm-path';
import { toNhwc } from '../../../models/onnx';
import { runWithFaults } from '../../../sim/engine/run';
import { createKernel, type KernelBackendName } from '../../../sim/kernels';
import type { ArraySpec } from '../../../sim/types';
import { importBytes, uniform } from './ortCompare';
import { mobilenetBlock, residualHead } from './models';

const spec: ArraySpec = { rows: 4, cols: 4, dataflow: 'ws', format: { kind: 'fp32' }, sram: { weightKiB: 4, ifmapKiB: 4, ofmapKiB: 4, banks: 2 } };
const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('imported networks on every kernel', () => {
  for (const [label, model, dims, seed] of [['MobileNet block', mobilenetBlock, [2, 8, 12, 12], 4], ['residual head', residualHead, [3, 4, 6, 6], 5]] as const) {
    it(`${label}: golden and faulty outputs bit-identical on js, tfjs-wasm, gpujs`, async () => {
      const imp = importBytes(model());
      const n = dims[0];
      const images = toNhwc(uniform(dims.reduce((a, b) => a * b, 1), seed, -2, 2), imp.input.layout, n);
      const outs: { golden: number[]; faulty: number[][] }[] = [];
      for (const name of ['js', 'tfjs-wasm', 'gpujs'] as KernelBackendName[]) {
        const k = await createKernel(name, { wasmDir: tfjsWasmDir(), gpuMode: 'webasm' });
        if (!k.ok) throw new Error(k.reason);
        const r = runWithFaults({
          network: imp.network, spec, images, kernel: k.value,
          faults: [{ target: 'pe.psum', kind: 'stuckAt1', location: { kind: 'pe', row: 1, col: 0 }, bits: [26], window: { start: 0 } }],
        });
        if (!r.ok) throw new Error(r.reason);
        const last = imp.network.layers.length - 1;
        outs.push({ golden: bits(r.value.golden.output), faulty: Array.from({ length: n }, (_, i) => bits(r.value.faulty.output(last, i))) });
        expect(r.value.faulty.layers.some((l) => l.corrupted > 0)).toBe(true);
      }
      expect(outs[1]).toEqual(outs[0]);
      expect(outs[2]).toEqual(outs[0]);
    });
  }
});
