/**
 * Reading an .onnx file: a regular file of at most MAX_ONNX_BYTES (models/io/safeFile: no
 * devices, FIFOs or folders; size checked from fstat), decoded and converted to a Network.
 */
import { basename } from 'node:path';
import { ok, type Result } from '../../sim/result';
import { readRegularFile } from '../io/safeFile';
import { convertModel, type OnnxImport } from './convert';
import { decodeModel } from './proto';

/** Largest .onnx file read, bytes (1 GiB; protobuf itself stops at 2 GiB). */
export const MAX_ONNX_BYTES = 1 << 30;

/** True when a model argument names an ONNX file rather than a registry id. */
export function isOnnxPath(model: string): boolean {
  return /\.onnx$/i.test(model);
}

/** Reads, decodes and converts an .onnx file; failures name the file and the node or field. */
export function importOnnxFile(path: string, maxBytes = MAX_ONNX_BYTES): Result<OnnxImport> {
  const bytes = readRegularFile(path, { maxBytes, label: path });
  if (!bytes.ok) return bytes;
  const model = decodeModel(new Uint8Array(bytes.value.buffer, bytes.value.byteOffset, bytes.value.byteLength), path);
  if (!model.ok) return model;
  const r = convertModel(model.value, basename(path).replace(/\.onnx$/i, ''));
  return r.ok ? ok(r.value) : { ...r, reason: `${path}: ${r.reason}` };
}
