/**
 * File-system side of the dataset importers: reads IDX (optionally gzipped), CIFAR-10 binary batches
 * and folder-per-class PNG trees, enforcing size limits before parsing with models/data.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fail, type Result } from '../../sim/result';
import { parseCifar10 } from '../data/cifar';
import type { Dataset } from '../data/dataset';
import { idxToDataset, parseIdx } from '../data/idx';
import { type LabelledPng, pngsToDataset } from '../data/png';

/** Largest file read by an importer (bytes, after gunzip): 256 MiB. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

function readLimited(path: string): Result<Uint8Array> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    return fail(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (size > MAX_FILE_BYTES) return fail(`${path}: ${size} bytes exceeds the ${MAX_FILE_BYTES}-byte limit`);
  const b = readFileSync(path);
  return { ok: true, value: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) };
}

/** Reads a file and gunzips it when it starts with the gzip magic 0x1f 0x8b (output capped at MAX_FILE_BYTES). */
export function readMaybeGzip(path: string): Result<Uint8Array> {
  const r = readLimited(path);
  if (!r.ok) return r;
  const b = r.value;
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
    try {
      const out = gunzipSync(b, { maxOutputLength: MAX_FILE_BYTES });
      return { ok: true, value: new Uint8Array(out.buffer, out.byteOffset, out.byteLength) };
    } catch (e) {
      return fail(`${path}: invalid gzip data or larger than ${MAX_FILE_BYTES} bytes (${(e as Error).message})`);
    }
  }
  return r;
}

/** Loads an IDX image file and IDX label file (e.g. train-images-idx3-ubyte[.gz]) as a dataset. */
export function loadIdxDataset(imagesPath: string, labelsPath: string, classes?: readonly string[]): Result<Dataset> {
  const ib = readMaybeGzip(imagesPath);
  if (!ib.ok) return ib;
  const lb = readMaybeGzip(labelsPath);
  if (!lb.ok) return lb;
  const images = parseIdx(ib.value, imagesPath);
  if (!images.ok) return images;
  const labels = parseIdx(lb.value, labelsPath);
  if (!labels.ok) return labels;
  return idxToDataset(images.value, labels.value, classes, { images: imagesPath, labels: labelsPath });
}

/** Loads CIFAR-10 binary batch files (data_batch_1.bin ...) as one dataset. */
export function loadCifar10(paths: readonly string[]): Result<Dataset> {
  const batches: { file: string; bytes: Uint8Array }[] = [];
  for (const p of paths) {
    const r = readLimited(p);
    if (!r.ok) return r;
    batches.push({ file: p, bytes: r.value });
  }
  return parseCifar10(batches);
}

/** Loads `<dir>/<class>/*.png` (folder per class, sorted names) as a dataset with 1 or 3 channels. */
export function loadPngFolder(dir: string, channels?: 1 | 3): Result<Dataset> {
  let classDirs: string[];
  try {
    classDirs = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch (e) {
    return fail(`${dir}: cannot list (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (classDirs.length === 0) return fail(`${dir}: expected one sub-folder per class, found none`);
  const items: LabelledPng[] = [];
  let total = 0;
  for (const cls of classDirs) {
    const files = readdirSync(join(dir, cls)).filter((f) => f.toLowerCase().endsWith('.png')).sort();
    for (const f of files) {
      const r = readLimited(join(dir, cls, f));
      if (!r.ok) return r;
      total += r.value.length;
      if (total > MAX_FILE_BYTES) return fail(`${dir}: PNG files exceed ${MAX_FILE_BYTES} bytes in total`);
      items.push({ file: join(basename(dir), cls, f), className: cls, bytes: r.value });
    }
  }
  return pngsToDataset(items, channels);
}
