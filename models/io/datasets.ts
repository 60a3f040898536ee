/**
 * File-system side of the dataset importers: reads IDX (optionally gzipped), CIFAR-10 binary batches
 * and folder-per-class PNG trees, enforcing size limits before parsing with models/data.
 */
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve as resolvePath } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { readFileHead, readRegularFile } from './safeFile';
import { fail, ok, type Result } from '../../sim/result';
import type { Shape3 } from '../../sim/layers/types';
import { parseCifar10 } from '../data/cifar';
import type { Dataset } from '../data/dataset';
import { idxDeclaredBytes, idxToDataset, parseIdx } from '../data/idx';
import { type LabelledPng, pngsToDataset } from '../data/png';

/** Largest file read by an importer (bytes, after gunzip): 256 MiB. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
/** Largest gzip-compressed file read (bytes): 64 MiB (MNIST / Fashion-MNIST train images: 10-26 MB). */
export const MAX_GZIP_BYTES = 64 * 1024 * 1024;
/** Largest single PNG read (bytes): 16 MiB (a 1024x1024 RGBA 16-bit image stores 8 MiB raw). */
export const MAX_PNG_BYTES = 16 * 1024 * 1024;
/** Compressed bytes inflated to read an IDX header, and the most that prefix may inflate to. */
const HEADER_PREFIX = 4096;
const HEADER_INFLATE_MAX = 8 * 1024 * 1024;

function readLimited(path: string, maxBytes = MAX_FILE_BYTES): Result<Uint8Array> {
  const r = readRegularFile(path, { maxBytes });
  if (!r.ok) return r;
  return { ok: true, value: new Uint8Array(r.value.buffer, r.value.byteOffset, r.value.byteLength) };
}

/**
 * Reads an IDX file, gunzipping it when it starts with the gzip magic 0x1f 0x8b. A gzip file is
 * refused before it is inflated when the IDX header (read from a small inflated prefix) declares more
 * than MAX_FILE_BYTES, and inflation stops at the declared size (a stream that inflates further is a
 * decompression bomb and is refused).
 */
export function readMaybeGzip(path: string): Result<Uint8Array> {
  // the gzip magic first, so a compressed file is held to its own (smaller) limit before it is read
  const magic = readFileHead(path, 2);
  if (!magic.ok) return magic;
  const gz = magic.value.length === 2 && magic.value[0] === 0x1f && magic.value[1] === 0x8b;
  const r = gz ? readRegularFile(path, { maxBytes: MAX_GZIP_BYTES, label: `${path} (gzip)` }) : readLimited(path);
  if (!r.ok || !gz) return r;
  const b = new Uint8Array(r.value.buffer, r.value.byteOffset, r.value.byteLength);
  let head: Uint8Array;
  try {
    head = gunzipSync(b.subarray(0, HEADER_PREFIX), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: HEADER_INFLATE_MAX });
  } catch (e) {
    return fail(`${path}: invalid gzip data at the start (${(e as Error).message})`);
  }
  const declared = idxDeclaredBytes(head, path);
  if (!declared.ok) return declared;
  if (declared.value > MAX_FILE_BYTES) return fail(`${path}: the IDX header declares ${declared.value} bytes, over the ${MAX_FILE_BYTES}-byte limit; refused before decompressing`);
  try {
    const out = gunzipSync(b, { maxOutputLength: declared.value });
    return { ok: true, value: new Uint8Array(out.buffer, out.byteOffset, out.byteLength) };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return fail(`${path}: decompresses to more than the ${declared.value} bytes its IDX header declares (a decompression bomb or a damaged file)`);
    }
    return fail(`${path}: invalid gzip data (${(e as Error).message})`);
  }
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
  let total = 0;
  for (const p of paths) {
    const r = readLimited(p, MAX_FILE_BYTES - total);
    if (!r.ok) return fail(`${r.reason} (CIFAR batches: at most ${MAX_FILE_BYTES} bytes in all)`);
    total += r.value.length;
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
    let files: string[];
    try {
      files = readdirSync(join(dir, cls)).filter((f) => f.toLowerCase().endsWith('.png')).sort();
    } catch (e) {
      return fail(`${join(dir, cls)}: cannot list (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    for (const f of files) {
      const r = readLimited(join(dir, cls, f), Math.min(MAX_PNG_BYTES, MAX_FILE_BYTES - total));
      if (!r.ok) return r;
      total += r.value.length;
      if (total > MAX_FILE_BYTES) return fail(`${dir}: PNG files exceed ${MAX_FILE_BYTES} bytes in total`);
      items.push({ file: join(basename(dir), cls, f), className: cls, bytes: r.value });
    }
  }
  return pngsToDataset(items, channels);
}

const IDX_IMAGES = /images[-.]idx3[-.]ubyte(\.gz)?$/i;

/** The labels file beside an IDX images file (`t10k-images-idx3-ubyte.gz` -> `t10k-labels-idx1-ubyte.gz`). */
function idxLabelsOf(imagesPath: string): string {
  return imagesPath.replace(/images([-.])idx3([-.])ubyte/i, 'labels$1idx1$2ubyte');
}

/**
 * A labelled dataset from one path, by what is there (every read goes through the size-limited
 * importers above):
 * - an IDX images file `*images-idx3-ubyte[.gz]` (its `*labels-idx1-ubyte[.gz]` sibling is the labels);
 * - a folder holding such a pair (the `t10k` / `test` pair when there are several);
 * - a CIFAR-10 binary batch `*.bin`, or a folder with `test_batch.bin` (else its `data_batch_*.bin`);
 * - a folder of class folders of PNGs (`<dir>/<class>/*.png`), decoded to `channels` (1 or 3).
 * Failures name the path and the layouts accepted.
 */
export function loadDataPath(path: string, channels?: 1 | 3): Result<Dataset> {
  const accepted = 'expected an IDX images file (*images-idx3-ubyte[.gz]) with its labels file beside it, a CIFAR-10 .bin batch, or a folder holding one of those or one sub-folder of PNGs per class';
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    return fail(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ${accepted}`);
  }
  if (!isDir) {
    if (IDX_IMAGES.test(path)) return loadIdxDataset(path, idxLabelsOf(path));
    if (/\.bin$/i.test(path)) return loadCifar10([path]);
    return fail(`${path}: unknown data file; ${accepted}`);
  }
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch (e) {
    return fail(`${path}: cannot list (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const files = entries.filter((d) => d.isFile()).map((d) => d.name).sort();
  const idx = files.filter((f) => IDX_IMAGES.test(f) && files.includes(idxLabelsOf(f)));
  if (idx.length > 0) {
    const pick = idx.find((f) => /^(t10k|test)/i.test(f)) ?? idx[0]!;
    return loadIdxDataset(join(path, pick), join(path, idxLabelsOf(pick)));
  }
  if (files.includes('test_batch.bin')) return loadCifar10([join(path, 'test_batch.bin')]);
  const batches = files.filter((f) => /^data_batch_\d+\.bin$/.test(f));
  if (batches.length > 0) return loadCifar10(batches.map((f) => join(path, f)));
  if (entries.some((d) => d.isDirectory())) return loadPngFolder(path, channels);
  return fail(`${path}: no dataset found in the folder; ${accepted}`);
}

const loaded = new Map<string, Dataset>();

/**
 * Images `start .. start+count-1` of the dataset at `path` (loadDataPath, cached per path, size and
 * modification time) for a network whose input is `input`: the dataset's images must have that
 * shape (or, for a flat `1x1xF` input, F pixels). Failures name `images.data` (wrong shape:
 * expected vs found) or `images.start` / `images.count` (past the end).
 */
export function dataSlice(path: string, input: Shape3, start: number, count: number): Result<{ batch: Float32Array; labels: Uint8Array; total: number }> {
  let key: string;
  try {
    const st = statSync(path);
    key = `${resolvePath(path)}:${st.size}:${st.mtimeMs}:${input.c}`;
  } catch (e) {
    return fail(`images.data: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'images.data');
  }
  let ds = loaded.get(key);
  if (!ds) {
    const r = loadDataPath(path, input.c === 1 || input.c === 3 ? input.c : undefined);
    if (!r.ok) return fail(`images.data: ${r.reason}`, 'images.data');
    if (loaded.size >= 4) loaded.delete(loaded.keys().next().value!);
    loaded.set(key, (ds = r.value));
  }
  const s = ds.shape;
  const size = s.h * s.w * s.c;
  const flat = input.h === 1 && input.w === 1 && input.c === size;
  if (!flat && (s.h !== input.h || s.w !== input.w || s.c !== input.c)) {
    return fail(`images.data: the model's input is ${input.h}x${input.w}x${input.c} (HxWxC) but ${path} holds ${s.h}x${s.w}x${s.c} images (expected ${input.h}x${input.w}x${input.c}, found ${s.h}x${s.w}x${s.c})`, 'images.data');
  }
  if (start + count > ds.n) return fail(`images: expected start + count <= ${ds.n} images in ${path}, found ${start} + ${count}`, start >= ds.n ? 'images.start' : 'images.count');
  return ok({ batch: ds.images.slice(start * size, (start + count) * size), labels: ds.labels.slice(start, start + count), total: ds.n });
}
