/**
 * Accuracy as the hardware computes it: the engine's golden run (`runGolden`, the same call a
 * campaign trial makes) in fp32, fp16 or int8 with per-layer Qm.n, on the tfjs-wasm GEMM kernel
 * when it loads (identical results to the JS kernel, faster) or the JS kernel. Node-side helper of
 * the SAF / SAQ scripts.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runGolden } from '../../sim/engine/golden';
import { createJsKernel } from '../../sim/kernels';
import { createKernel } from '../../sim/kernels/select';
import type { GemmKernel } from '../../sim/kernels/types';
import { FP16, FP32, int8Format } from '../../sim/format/format';
import type { Network } from '../../sim/layers/types';
import type { Dataset } from '../data/dataset';
import type { PtqResult } from './ptq';

/** The tfjs-wasm GEMM kernel, or the JS kernel when it does not load. */
export async function fastKernel(): Promise<GemmKernel> {
  const wasmDir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
  const r = await createKernel('tfjs-wasm', { wasmDir });
  return r.ok ? r.value : createJsKernel();
}

/** Top-1 accuracy (0..1) of `net` on `ds` in the engine: fp32, fp16, or int8 with the PTQ formats `p`. */
export function hwAccuracy(net: Network, ds: Dataset, kernel: GemmKernel, format: 'fp32' | 'fp16' | 'int8', p?: PtqResult): number {
  if (format === 'int8' && !p) throw new Error('hwAccuracy int8: expected per-layer formats');
  const spec = { format: format === 'fp32' ? FP32 : format === 'fp16' ? FP16 : int8Format(3, 4) };
  const g = runGolden(net, ds.images, spec, kernel, p ? { layerFormats: p.layerFormats } : {});
  if (!g.ok) throw new Error(g.reason);
  let c = 0;
  g.value.predictions.forEach((v, i) => { if (v === ds.labels[i]) c++; });
  return c / ds.n;
}
