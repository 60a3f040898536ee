/**
 * File I/O and campaign loading of protected models. Protected networks are saved by
 * `npm run protect` as models/weights/protected/<model>+<protection>.json + .bin (same format as
 * trained weights; bounds and weight transforms are part of the network). Protections whose
 * calibration is cheap and deterministic (`relu`, `ranger`, `ecc`, `ranger+ecc`) are also built on
 * the fly from the calibration slice when no file exists.
 */
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../../sim/layers/types';
import { fail, ok, type Result } from '../../sim/result';
import { head, subset, type Dataset, type Split } from '../data/dataset';
import { loadMnistSplit } from '../data/mnist';
import { loadFashionSplit } from '../data/fashion';
import { MODELS } from '../registry';
import { hasWeights, readWeights, saveWeights, WEIGHTS_DIR } from '../io/weights';
import { resolveModelRef } from '../io/load';
import type { WeightsMeta } from '../io/weightsFormat';
import { rangerBounds, withBounds } from './bounds';
import { profileActivations, unbounded } from './profile';
import { ptq, type PtqResult } from '../quant/ptq';
import { needsOfflineStep, parseProtection, trainSafCommand, type ProtectionSpec } from './spec';

/** Directory of saved protected networks. */
export const PROTECTED_DIR = join(WEIGHTS_DIR, 'protected');

/** 32-bit FNV-1a checksum of a network's conv/dense weights and biases (detects stale protected files). */
export function weightsChecksum(net: Network): number {
  let h = 0x811c9dc5;
  for (const l of net.layers) {
    if (l.kind !== 'conv2d' && l.kind !== 'dense') continue;
    for (const a of [l.weights, l.bias ?? new Float32Array(0)]) {
      const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193) >>> 0;
    }
  }
  return h >>> 0;
}

/** The train/test split a model was trained on: Fashion-MNIST's official split for fashion models, else the MNIST split. */
export function datasetOf(model?: string): Split {
  return MODELS.find((m) => m.id === model)?.dataset === 'fashion-mnist' ? loadFashionSplit() : loadMnistSplit();
}

/** File id of a protected model, e.g. "lenet5+proact+saf"; for an .onnx path, its file name without .onnx ("mynet+ranger"). */
export function protectedId(model: string, p: ProtectionSpec): string {
  return /\.onnx$/i.test(model) ? `${basename(onnxFile(model)).replace(/\.onnx$/i, '')}+${p.id}` : `${model}+${p.id}`;
}

/** The file of an .onnx model id (`imported:<name>.onnx` resolved to the imported-models folder). */
function onnxFile(model: string): string {
  const r = resolveModelRef(model);
  return r.ok ? r.value : model;
}

/** Folder of a model's protected files: `dir` for registry ids, the .onnx file's own folder for an imported file (its protected files sit beside it). */
export function protectedDir(model: string, dir = PROTECTED_DIR): string {
  return /\.onnx$/i.test(model) ? dirname(onnxFile(model)) : dir;
}

/**
 * Calibration set: the first `calibN` images of the model's train split. Validation set: the last `valN`
 * images of the held-out test split (campaigns evaluate the test split's head, e.g. images
 * 0..399, so keep valN <= test images - campaign slice to keep them disjoint).
 */
export function calibrationSets(calibN = 2000, valN = 500, model?: string): { calib: Dataset; val: Dataset } {
  const { train, test } = datasetOf(model);
  const calib = head(train, calibN);
  const val = subset(test, Array.from({ length: Math.min(valN, test.n) }, (_, i) => test.n - Math.min(valN, test.n) + i));
  return { calib, val };
}

/** Saves a protected network with metadata; returns the .json path. */
export function saveProtected(model: string, p: ProtectionSpec, net: Network, meta: WeightsMeta, dir = PROTECTED_DIR): string {
  return saveWeights(net, { ...meta, id: protectedId(model, p) }, dir).json;
}

/**
 * The network a campaign runs for (model, protection): the unprotected `base` for relu, a saved
 * protected file when present, else an on-the-fly Ranger calibration where that is cheap; fails
 * with the command to run otherwise.
 */
export function loadProtected(model: string, protection: string, base: Network, dirOf = PROTECTED_DIR): Result<{ net: Network; spec: ProtectionSpec }> {
  const dir = protectedDir(model, dirOf);
  const sp = parseProtection(protection);
  if (!sp.ok) return sp;
  const spec = sp.value;
  if (spec.activation === 'relu' && !needsOfflineStep(spec)) return ok({ net: base, spec });
  const id = protectedId(model, spec);
  if (hasWeights(id, dir)) {
    const r = readWeights(id, dir);
    if (!r.ok) return r;
    const want = r.value.meta.hyper?.baseChecksum;
    if (want !== undefined && want !== weightsChecksum(base)) {
      return fail(`${join(dir, id)}.json was calibrated on other "${model}" weights (checksum ${want}, current ${weightsChecksum(base)}); rerun \`npm run protect -- --model ${model} --protection ${spec.id}\``, 'protection');
    }
    return ok({ net: r.value.net, spec });
  }
  if (spec.saf && spec.activation === 'relu' && !spec.saq && !spec.qat && !spec.ecc) {
    return fail(`protection "${protection}" of model "${model}": no trained file ${join(dir, id)}.json; run \`${trainSafCommand(spec, model)}\` first`, 'protection');
  }
  if (needsOfflineStep(spec)) return fail(`protection "${protection}" of model "${model}": no calibrated file ${join(dir, id)}.json; run \`npm run protect -- --model ${model} --protection ${spec.id}\` first`, 'protection');
  if (/\.onnx$/i.test(model) && base.input.h * base.input.w * base.input.c !== 784) {
    return fail(`protection "${protection}" of model "${model}": no calibrated file ${join(dir, id)}.json and no default data for a ${base.input.h}x${base.input.w}x${base.input.c} input; run \`npm run protect -- --model ${model} --protection ${spec.id} --data <your images>\` first`, 'protection');
  }
  const { calib } = calibrationSets(2000, 500, model);
  const net = withBounds(unbounded(base), rangerBounds(profileActivations(base, calib)), 'clip');
  return ok({ net, spec });
}

/** Per-layer int8 formats of `net` from PTQ on the default calibration set (deterministic). */
export function calibratedPtq(net: Network): PtqResult {
  return ptq(net, calibrationSets().calib);
}

/**
 * Makes sure tfjs has an initialized backend before the sync calibration helpers run (worker
 * threads start with none): keeps one already set (e.g. wasm by the tfjs-wasm kernel), else cpu.
 */
export async function ensureTfBackend(): Promise<string> {
  const engine = tf.engine() as unknown as { backendName: string | null; backendInstance: unknown };
  if (!engine.backendInstance) await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}
