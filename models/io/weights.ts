/**
 * File I/O for trained weights: models/weights/<id>.json + <id>.bin (format in weightsFormat.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Network } from '../../sim/layers/types';
import { fail, type Result } from '../../sim/result';
import { decodeWeights, encodeWeights, MAX_BIN_BYTES, type WeightsDoc, type WeightsMeta } from './weightsFormat';
import { readRegularFile, readTextFileSafe } from './safeFile';
import { parseJsonText } from '../../scenarios/json';

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

/** Weight file ids: letters, digits, _ . + - (no path separators, not "." or ".."). */
const ID = /^(?!\.{1,2}$)[A-Za-z0-9_.+-]{1,128}$/;

/** Reads <dir>/<id>.json + .bin into a Network and its metadata (regular files inside `dir` only, sizes checked first). */
export function readWeights(id: string, dir = WEIGHTS_DIR): Result<{ net: Network; meta: WeightsMeta }> {
  if (!ID.test(id)) return fail(`weights id: expected letters, digits, _ . + - (no path), found ${JSON.stringify(id).slice(0, 80)}`, 'id');
  const jsonPath = join(dir, `${id}.json`);
  const binPath = join(dir, `${id}.bin`);
  if (!existsSync(jsonPath) || !existsSync(binPath)) return fail(`${jsonPath}: no trained weights for '${id}'`);
  // regular files inside the weights folder, the document at most 64 MiB, the .bin at most MAX_BIN_BYTES
  const text = readTextFileSafe(`${id}.json`, { maxBytes: MAX_DOC_BYTES, inside: dir, label: jsonPath });
  if (!text.ok) return text;
  const bytes = readRegularFile(`${id}.bin`, { maxBytes: MAX_BIN_BYTES, inside: dir, label: binPath });
  if (!bytes.ok) return bytes;
  const doc = parseJsonText(text.value, jsonPath);
  if (!doc.ok) return doc;
  const b = bytes.value;
  const r = decodeWeights(doc.value as WeightsDoc, new Uint8Array(b.buffer, b.byteOffset, b.byteLength), jsonPath.replace(/\.json$/, ''));
  return r.ok ? { ok: true, value: { net: r.value, meta: (doc.value as WeightsDoc).meta } } : r;
}
