/**
 * The network of a declared run: the model (committed trained weights, else seeded weights), its
 * protection (models/protections loadProtected: saved protected weights, or Ranger calibrated on
 * the fly), per-layer int8 formats for `ptq` / `saq` / `qat` protections on int8 runs, and the
 * protection's overhead. Cached per process. tfjs-based calibrations always run on tfjs's cpu
 * backend, so they do not depend on which GEMM kernel the process uses.
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../sim/layers/types';
import type { ArraySpec, NumericFormat } from '../sim/types';
import type { GoldenOptions } from '../sim/engine/golden';
import { fail, ok, type Result } from '../sim/result';
import { loadModelResult } from '../models/io/load';
import { parseProtection, type ProtectionSpec } from '../models/protections/spec';
import { overheadOf, type OverheadReport } from '../models/protections/overhead';
import { onnxLayerFormats } from '../models/onnx/int8';

/** A model with its protection applied. */
export interface RunNetwork {
  readonly net: Network;
  readonly protection: ProtectionSpec;
  /** True when trained weights were loaded (committed weights, or the weights of an imported .onnx file). */
  readonly trained: boolean;
  /** H6: int8 formats of an imported .onnx model's QLinear layers (models/onnx/int8.ts), used by int8 runs. */
  readonly onnxFormats?: GoldenOptions['layerFormats'];
}

const nets = new Map<string, RunNetwork>();
const ptqs = new Map<Network, GoldenOptions>();

/** Runs `fn` with tfjs's cpu backend active, then restores the previous backend (the tfjs-wasm kernel's). */
async function onTfCpu<T>(fn: () => T): Promise<T> {
  const engine = tf.engine() as unknown as { backendInstance: unknown };
  const prev = engine.backendInstance ? tf.getBackend() : null;
  if (prev !== 'cpu') await tf.setBackend('cpu');
  await tf.ready();
  try {
    return fn();
  } finally {
    if (prev !== null && prev !== 'cpu') { await tf.setBackend(prev); await tf.ready(); }
  }
}

/** The (protected) network of a model; failures name `model` or `protection`. */
export async function runNetwork(model: string, protection: string): Promise<Result<RunNetwork>> {
  const sp = parseProtection(protection);
  if (!sp.ok) return fail(`protection: ${sp.reason}`, 'protection');
  const key = `${model}|${sp.value.id}`;
  const hit = nets.get(key);
  if (hit) return ok(hit);
  const base = loadModelResult(model, { allowUntrained: true });
  if (!base.ok) return fail(base.reason, 'model');
  let net = base.value.net;
  if (sp.value.id !== 'relu') {
    const { loadProtected } = await import('../models/protections/io');
    const r = await onTfCpu(() => loadProtected(model, sp.value.id, base.value.net));
    if (!r.ok) return fail(r.reason, 'protection');
    net = r.value.net;
  }
  const onnxFormats = base.value.onnx ? onnxLayerFormats(base.value.onnx) : null;
  const entry: RunNetwork = { net, protection: sp.value, trained: base.value.meta !== null || base.value.onnx !== undefined, ...(onnxFormats ? { onnxFormats } : {}) }; // H6: an imported .onnx file carries its own weights
  nets.set(key, entry);
  return ok(entry);
}

/** Golden options of a run: per-layer int8 Qm.n from PTQ for int8 runs of `ptq`-family protections. */
export async function goldenOptionsOf(n: RunNetwork, format: NumericFormat): Promise<GoldenOptions> {
  if (format.kind === 'int8' && !n.protection.ptq && n.onnxFormats) return { layerFormats: n.onnxFormats }; // H6: QLinear layers in int8 as the file says
  if (format.kind !== 'int8' || !n.protection.ptq) return {};
  let o = ptqs.get(n.net);
  if (!o) {
    const { calibratedPtq } = await import('../models/protections/io');
    const p = await onTfCpu(() => calibratedPtq(n.net));
    o = { layerFormats: p.layerFormats };
    ptqs.set(n.net, o);
  }
  return o;
}

/** Overhead of the protection on `spec` (null for "relu"). */
export function overheadOfRun(n: RunNetwork, spec: ArraySpec): OverheadReport | null {
  return n.protection.id === 'relu' ? null : overheadOf(n.net, n.protection, spec);
}
