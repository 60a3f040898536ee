/**
 * File side of tfjs LayersModel import/export: reads model.json and its .bin shards from disk
 * (shard paths must stay inside the model's folder; size-limited), and writes a tf.LayersModel as
 * model.json + one shard via tf.io.withSaveHandler (tfjs' own 'file://' needs tfjs-node).
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import type { Network } from '../../sim/layers/types';
import { fail, type Result } from '../../sim/result';
import { importTfjsModel } from './tfjsImport';

/** Largest model.json accepted (bytes). */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
/** Largest total shard size accepted (bytes): 1 GiB. */
export const MAX_SHARD_BYTES = 1024 * 1024 * 1024;

/** Imports `<dir>/model.json` and the shards its weightsManifest names as a Network. */
export function loadTfjsModel(modelJsonPath: string): Result<Network> {
  let size: number;
  try {
    size = statSync(modelJsonPath).size;
  } catch (e) {
    return fail(`${modelJsonPath}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (size > MAX_MODEL_JSON_BYTES) return fail(`${modelJsonPath}: ${size} bytes exceeds the ${MAX_MODEL_JSON_BYTES}-byte limit`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(modelJsonPath, 'utf8'));
  } catch (e) {
    return fail(`${modelJsonPath}: invalid JSON (${(e as Error).message})`);
  }
  const dir = dirname(resolve(modelJsonPath));
  const shards = new Map<string, Uint8Array>();
  const manifest = (json as { weightsManifest?: { paths?: unknown[] }[] })?.weightsManifest;
  let total = 0;
  for (const group of Array.isArray(manifest) ? manifest : []) {
    for (const p of Array.isArray(group?.paths) ? group.paths : []) {
      const rel = String(p);
      const full = resolve(dir, rel);
      const r = relative(dir, full);
      if (r.startsWith('..') || isAbsolute(r)) return fail(`${modelJsonPath}: shard path '${rel}' leaves the model folder`);
      try {
        total += statSync(full).size;
      } catch {
        return fail(`${modelJsonPath}: shard '${rel}' not found next to model.json`);
      }
      if (total > MAX_SHARD_BYTES) return fail(`${modelJsonPath}: shards exceed ${MAX_SHARD_BYTES} bytes`);
      const b = readFileSync(full);
      shards.set(rel, new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    }
  }
  return importTfjsModel(json, shards, modelJsonPath);
}

/** Saves a tf.LayersModel as `<dir>/model.json` + `<dir>/group1-shard1of1.bin`; returns the model.json path. */
export async function saveTfjsModel(model: tf.LayersModel, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, 'model.json');
  await model.save(tf.io.withSaveHandler(async (a) => {
    const data = a.weightData;
    const bytes = data === undefined ? new Uint8Array(0) : new Uint8Array(Array.isArray(data) ? await new Blob(data).arrayBuffer() : data);
    writeFileSync(join(dir, 'group1-shard1of1.bin'), bytes);
    writeFileSync(jsonPath, JSON.stringify({
      format: 'layers-model', generatedBy: a.generatedBy ?? 'faultline', convertedBy: null,
      modelTopology: a.modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs ?? [] }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.length } };
  }));
  return jsonPath;
}
