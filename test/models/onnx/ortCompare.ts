/**
 * Test helper: run one ONNX model through onnxruntime-node (the reference) and through the
 * importer + golden engine (fp32, js kernel), on the same NCHW batch.
 */
import * as ort from 'onnxruntime-node';
import { convertModel, decodeModel, fromNhwc, toNhwc, type OnnxImport } from '../../../models/onnx';
import { runGolden, type GoldenRun } from '../../../sim/engine/golden';
import { createJsKernel } from '../../../sim/kernels/js';
import { makeRng } from '../../../models/rng';

/** Seeded uniform values in [lo, hi). */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = makeRng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r.float());
}

/** Imports model bytes; throws with the refusal reason. */
export function importBytes(bytes: Uint8Array): OnnxImport {
  const m = decodeModel(bytes);
  if (!m.ok) throw new Error(m.reason);
  const r = convertModel(m.value);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

/** Results of both runtimes on one batch (outputs in ONNX order). */
export interface Compared {
  readonly ort: Float32Array;
  readonly ours: Float32Array;
  readonly imported: OnnxImport;
  readonly golden: GoldenRun;
  /** Largest |ours - ort|. */
  readonly maxErr: number;
}

/** Runs `bytes` on NCHW input `x` of dims `dims` in both runtimes. */
export async function compareWithOrt(bytes: Uint8Array, x: Float32Array, dims: readonly number[], type: 'float32' | 'uint8' = 'float32'): Promise<Compared> {
  const session = await ort.InferenceSession.create(bytes);
  const feed = type === 'uint8' ? new ort.Tensor('uint8', Uint8Array.from(x), [...dims]) : new ort.Tensor('float32', x, [...dims]);
  const res = await session.run({ [session.inputNames[0]]: feed });
  const want = Float32Array.from(res[session.outputNames[0]].data as ArrayLike<number>);
  const imported = importBytes(bytes);
  const n = dims.length > 1 ? dims[0] : 1;
  const g = runGolden(imported.network, toNhwc(x, imported.input.layout, n), { format: { kind: 'fp32' } }, createJsKernel());
  if (!g.ok) throw new Error(g.reason);
  const ours = fromNhwc(g.value.output, imported.output.layout, n);
  let maxErr = ours.length === want.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(ours.length, want.length); i++) maxErr = Math.max(maxErr, Math.abs(ours[i] - want[i]));
  return { ort: want, ours, imported, golden: g.value, maxErr };
}
