/**
 * `loadModel(id)`: the Network for a registry id. Trained ids read models/weights/<id>.json + .bin;
 * architecture-only ids (and trained ids whose weights are missing, when `allowUntrained`) get
 * seeded He-normal weights from `materialize`. Results are cached per (id, seed). An id ending in
 * `.onnx` is a path: the file is imported (models/onnx) and runs like a shipped model.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Network } from '../../sim/layers/types';
import { fail, ok, type Result } from '../../sim/result';
import { getArch } from '../nets';
import { DEFAULT_INIT_SEED, materialize } from '../nets/init';
import { MODELS } from '../registry';
import type { WeightsMeta } from './weightsFormat';
import { readWeights, WEIGHTS_DIR } from './weights';
import { importOnnxFile, isOnnxPath } from '../onnx/file';
import type { OnnxImport } from '../onnx/convert';

/** Options of `loadModelResult`. */
export interface LoadOptions {
  /** Seed for architecture-only weights. */
  readonly seed?: number;
  /** Weights directory (default models/weights). */
  readonly dir?: string;
  /** Fall back to seeded weights when a trained model's files are missing (default false). */
  readonly allowUntrained?: boolean;
}

/** A loaded model: network plus training metadata (null for seeded weights and imported files). */
export interface LoadedModel {
  readonly net: Network;
  readonly meta: WeightsMeta | null;
  /** Set for a model imported from an .onnx file: its input/output layouts and import notes. */
  readonly onnx?: OnnxImport;
}

const cache = new Map<string, LoadedModel>();

/** Loads a model by registry id, returning a failure naming the id or file when it cannot. */
export function loadModelResult(id: string, opts: LoadOptions = {}): Result<LoadedModel> {
  if (isOnnxPath(id)) return loadOnnx(id);
  const info = MODELS.find((m) => m.id === id);
  const arch = getArch(id);
  if (!info || !arch) return fail(`model: expected one of ${MODELS.map((m) => m.id).join(', ')}, found '${id}'`, 'model');
  const seed = opts.seed ?? DEFAULT_INIT_SEED;
  const key = `${id}:${seed}:${opts.dir ?? ''}:${opts.allowUntrained ?? false}`;
  const hit = cache.get(key);
  if (hit) return ok(hit);
  let loaded: LoadedModel;
  if (info.trained) {
    const r = readWeights(id, opts.dir ?? WEIGHTS_DIR);
    if (r.ok) loaded = { net: r.value.net, meta: r.value.meta };
    else if (opts.allowUntrained) loaded = { net: materialize(arch, seed), meta: null };
    else return r;
  } else {
    loaded = { net: materialize(arch, seed), meta: null };
  }
  cache.set(key, loaded);
  return ok(loaded);
}

/** An .onnx file as a model (cached per path, size and modification time). The file name is the id. */
function loadOnnx(path: string): Result<LoadedModel> {
  let key: string;
  try {
    const st = statSync(path);
    key = `onnx:${resolve(path)}:${st.size}:${st.mtimeMs}`;
  } catch (e) {
    return fail(`model: cannot read ONNX file ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'model');
  }
  const hit = cache.get(key);
  if (hit) return ok(hit);
  const r = importOnnxFile(path);
  if (!r.ok) return fail(`model: ${r.reason}`, 'model');
  const loaded: LoadedModel = { net: r.value.network, meta: null, onnx: r.value };
  cache.set(key, loaded);
  return ok(loaded);
}

/** Loads a model's Network by registry id; throws with the failure reason when it cannot. */
export function loadModel(id: string, opts: LoadOptions = {}): Network {
  const r = loadModelResult(id, opts);
  if (!r.ok) throw new Error(r.reason);
  return r.value.net;
}

/** Drops cached models (frees ResNet-50's ~100 MB). */
export function clearModelCache(): void {
  cache.clear();
}
