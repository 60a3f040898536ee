/**
 * `catalog.models` and `model.import`: the shipped models plus the user's imported ONNX files.
 * Imported models are the `.onnx` files of the imported-models folder (models/io/load.ts
 * `importedModelsDir()`: `$FAULTLINE_USER_DIR/models`, default `~/.faultline/models`); a file copied
 * there appears in the picker as `imported:<file name>`. `model.import` ("Open ONNX..." in the
 * GUI) checks the bytes with the importer (every operator converted) before writing them there.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { listModels } from '../../models/registry';
import { IMPORTED_NAME, IMPORTED_PREFIX, importedModelsDir, listImportedModels } from '../../models/io/load';
import { writeFileAtomic } from '../../models/io/safeFile';
import { decodeModel } from '../../models/onnx/proto';
import { convertModel } from '../../models/onnx/convert';

/** One entry of the model picker (ipc/contract.ts ModelSummary). */
export interface ModelEntry {
  readonly id: string;
  readonly name: string;
  readonly dataset: 'mnist' | 'fashion-mnist' | 'cifar10' | 'imagenet' | 'none';
  readonly trained: boolean;
  readonly description: string;
}

/** Largest .onnx file `model.import` takes, bytes (its base64 must fit the 1 MiB IPC message; copy larger files into the folder). */
export const MAX_IMPORT_BYTES = 700 * 1024;

/** Shipped models (registry order), then the imported .onnx files sorted by name. */
export function listAllModels(dir = importedModelsDir()): ModelEntry[] {
  const shipped: ModelEntry[] = listModels().map((m) => ({ id: m.id, name: m.name, dataset: m.dataset, trained: m.trained, description: m.description }));
  const imported: ModelEntry[] = listImportedModels(dir).map((m) => ({
    id: m.id, name: `${m.name} (ONNX)`, dataset: 'none', trained: true, description: `imported from ${m.path}`,
  }));
  return [...shipped, ...imported];
}

/** A file name for the folder from a user's file name: unsafe characters become _, ".onnx" appended when missing. */
export function importedFileName(name: string): string {
  const stem = name.replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9_.+-]/g, '_').replace(/^[.]+/, '_').slice(0, 110) || 'model';
  return `${stem}.onnx`;
}

/**
 * Checks `base64` bytes with the ONNX importer and writes them as `<dir>/<name>.onnx` (atomically).
 * Throws an Error naming the file and the problem (size, an unsupported operator...).
 */
export function importModel(req: { readonly name: string; readonly data: string }, dir = importedModelsDir()): { id: string; name: string } {
  const bytes = Buffer.from(req.data, 'base64');
  if (bytes.length === 0) throw new Error(`${req.name}: empty file`);
  if (bytes.length > MAX_IMPORT_BYTES) throw new Error(`${req.name}: ${bytes.length} bytes, over the ${MAX_IMPORT_BYTES}-byte limit of Open ONNX; copy the file into ${dir} instead`);
  const file = importedFileName(req.name);
  if (!IMPORTED_NAME.test(file)) throw new Error(`${req.name}: not a usable file name`);
  const model = decodeModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), req.name);
  if (!model.ok) throw new Error(model.reason);
  const conv = convertModel(model.value, file.replace(/\.onnx$/, ''));
  if (!conv.ok) throw new Error(`${req.name}: ${conv.reason}`);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, file), bytes);
  return { id: `${IMPORTED_PREFIX}${file}`, name: file.replace(/\.onnx$/, '') };
}
