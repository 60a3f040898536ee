/**
 * File I/O for trained weights: models/weights/<id>.json + <id>.bin (format in weightsFormat.ts).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Network } from '../../sim/layers/types';
import { fail, type Result } from '../../sim/result';
import { decodeWeights, encodeWeights, MAX_BIN_BYTES, type WeightsDoc, type WeightsMeta } from './weightsFormat';

/** Largest weights document (<id>.json) read, bytes (64 MiB). */
export const MAX_DOC_BYTES = 64 * 1024 * 1024;

/** Absolute path of the committed weights directory (models/weights). */
export const WEIGHTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'weights');

/** Writes <dir>/<id>.json and <dir>/<id>.bin; returns the two paths. */
export function saveWeights(net: Network, meta: WeightsMeta, dir = WEIGHTS_DIR): { json: string; bin: string } {
  mkdirSync(dir, { recursive: true });
  const { doc, bin } = encodeWeights(net, meta);
  const json = join(dir, `${meta.id}.json`);
  const binPath = join(dir, `${meta.id}.bin`);
  writeFileSync(binPath, bin);
  writeFileSync(json, JSON.stringify(doc, null, 1) + '\n');
  return { json, bin: binPath };
}

/** True when <dir>/<id>.json and .bin both exist. */
export function hasWeights(id: string, dir = WEIGHTS_DIR): boolean {
  return existsSync(join(dir, `${id}.json`)) && existsSync(join(dir, `${id}.bin`));
}

/** Reads <dir>/<id>.json + .bin into a Network and its metadata. */
export function readWeights(id: string, dir = WEIGHTS_DIR): Result<{ net: Network; meta: WeightsMeta }> {
  const jsonPath = join(dir, `${id}.json`);
  const binPath = join(dir, `${id}.bin`);
  if (!existsSync(jsonPath) || !existsSync(binPath)) return fail(`${jsonPath}: no trained weights for '${id}'`);
  // sizes before reading: the document at most 64 MiB, the .bin at most MAX_BIN_BYTES; regular files only
  const [js, bs] = [statSync(jsonPath), statSync(binPath)];
  if (!js.isFile() || !bs.isFile()) return fail(`${jsonPath}: expected regular files ${id}.json and ${id}.bin`);
  if (js.size > MAX_DOC_BYTES) return fail(`${jsonPath}: ${js.size} bytes exceeds the ${MAX_DOC_BYTES}-byte limit`);
  if (bs.size > MAX_BIN_BYTES) return fail(`${binPath}: ${bs.size} bytes exceeds the ${MAX_BIN_BYTES}-byte limit`);
  let doc: WeightsDoc;
  try {
    doc = JSON.parse(readFileSync(jsonPath, 'utf8')) as WeightsDoc;
  } catch (e) {
    return fail(`${jsonPath}: invalid JSON (${(e as Error).message})`);
  }
  const bytes = readFileSync(binPath);
  const r = decodeWeights(doc, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), jsonPath.replace(/\.json$/, ''));
  return r.ok ? { ok: true, value: { net: r.value, meta: doc.meta } } : r;
}
