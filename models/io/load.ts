/**
 * `loadModel(id)`: the Network for a registry id. Trained ids read models/weights/<id>.json + .bin;
 * architecture-only ids (and trained ids whose weights are missing, when `allowUntrained`) get
 * seeded He-normal weights from `materialize`. Results are cached per (id, seed). An id ending in
 * `.onnx` is a path: the file is imported (models/onnx) and runs like a shipped model. An id
 * `imported:<name>.onnx` names a file in the imported-models folder (`importedModelsDir()`:
 * `$FAULTLINE_USER_DIR/models`, default `~/.faultline/models`), which the GUI lists and writes.
 */
import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { insideFolder } from './safeFile';
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

/** Prefix of an id naming a file of the imported-models folder: `imported:mynet.onnx`. */
export const IMPORTED_PREFIX = 'imported:';
/** A file name the imported-models folder accepts (no folders, no hidden files): 1..120 characters, ending in .onnx. */
export const IMPORTED_NAME = /^[A-Za-z0-9_+-][A-Za-z0-9_.+-]{0,114}\.onnx$/;

/** The imported-models folder: `$FAULTLINE_USER_DIR/models` (default `~/.faultline/models`; beside the GUI's saved scenarios). */
export function importedModelsDir(): string {
  return join(process.env['FAULTLINE_USER_DIR'] ?? join(homedir(), '.faultline'), 'models');
}

/**
 * The file an .onnx model id names: `imported:<name>.onnx` -> that file of the imported-models folder
 * (a plain name whose real path stays inside the folder), any other id unchanged. Failures name `model`.
 */
export function resolveModelRef(model: string): Result<string> {
  if (!model.startsWith(IMPORTED_PREFIX)) return ok(model);
  const name = model.slice(IMPORTED_PREFIX.length);
  if (!IMPORTED_NAME.test(name)) return fail(`model: expected imported:<file name>.onnx (letters, digits, _ . + -), found '${model}'`, 'model');
  const r = insideFolder(name, importedModelsDir(), model);
  return r.ok ? r : fail(`model: ${r.reason}`, 'model');
}

/** One .onnx file of the imported-models folder. */
export interface ImportedModel {
  /** Model id, `imported:<file name>`. */
  readonly id: string;
  /** File name without .onnx. */
  readonly name: string;
  /** Absolute path. */
  readonly path: string;
}

/** The .onnx files of the imported-models folder (`dir`, default importedModelsDir()), sorted by name; none when the folder is missing. */
export function listImportedModels(dir = importedModelsDir()): ImportedModel[] {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isFile() && IMPORTED_NAME.test(d.name)).map((d) => d.name).sort();
  } catch {
    return [];
  }
  return names.map((n) => ({ id: `${IMPORTED_PREFIX}${n}`, name: basename(n, '.onnx'), path: join(dir, n) }));
}

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
function loadOnnx(ref: string): Result<LoadedModel> {
  const file = resolveModelRef(ref);
  if (!file.ok) return file;
  const path = file.value;
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
