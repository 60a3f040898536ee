/**
 * File side of tfjs LayersModel import/export: reads model.json and its .bin shards from disk
 * (shard paths must stay inside the model's folder; size-limited), and writes a tf.LayersModel as
 * model.json + one shard via tf.io.withSaveHandler (tfjs' own 'file://' needs tfjs-node).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Network } from '../../sim/layers/types';
import { fail, type Result } from '../../sim/result';
import { importTfjsModel } from './tfjsImport';
import { readRegularFile, readTextFileSafe } from './safeFile';
import { parseJsonText } from '../../scenarios/json';

/** Largest model.json accepted (bytes). */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
/** Largest total shard size accepted (bytes): 1 GiB. */
export const MAX_SHARD_BYTES = 1024 * 1024 * 1024;

/**
 * Imports `<dir>/model.json` and the shards its weightsManifest names as a Network. model.json and
 * every shard must be regular files; shards are resolved inside the model's folder (a `..` path or a
 * symlink leading out of it is refused) and their total size is checked before each read.
 */
export function loadTfjsModel(modelJsonPath: string): Result<Network> {
  const text = readTextFileSafe(modelJsonPath, { maxBytes: MAX_MODEL_JSON_BYTES });
  if (!text.ok) return text;
  const parsed = parseJsonText(text.value, modelJsonPath);
  if (!parsed.ok) return fail(parsed.reason.replace('not valid JSON', 'invalid JSON'));
  const json = parsed.value;
  const dir = dirname(resolve(modelJsonPath));
  const shards = new Map<string, Uint8Array>();
  const manifest = (json as { weightsManifest?: { paths?: unknown[] }[] } | null)?.weightsManifest;
  let total = 0;
  for (const [g, group] of (Array.isArray(manifest) ? manifest : []).entries()) {
    for (const [k, p] of (Array.isArray(group?.paths) ? group.paths : []).entries()) {
      if (typeof p !== 'string' || p.length === 0) return fail(`${modelJsonPath}: weightsManifest[${g}].paths[${k}]: expected a shard file name, found ${JSON.stringify(p)?.slice(0, 60)}`);
      if (shards.has(p)) continue;
      const b = readRegularFile(p, { maxBytes: MAX_SHARD_BYTES - total, inside: dir, label: `${modelJsonPath}: shard '${p}'` });
      if (!b.ok) return b;
      total += b.value.length;
      shards.set(p, new Uint8Array(b.value.buffer, b.value.byteOffset, b.value.byteLength));
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
