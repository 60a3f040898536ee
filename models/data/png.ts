/**
 * Pure decoding of labelled PNG images (bytes already read) into a dataset with fast-png.
 * Handles gray, gray+alpha, RGB, RGBA and palette images at 1..16 bits; alpha is ignored.
 * All images must share one size; channels are converted to the requested count
 * (RGB -> gray by ITU-R 601 luma 0.299/0.587/0.114; gray -> RGB by replication).
 */
import { convertIndexedToRgb, decode } from 'fast-png';
import { fail, ok, type Result } from '../../sim/result';
import type { Dataset } from './dataset';
import { MAX_IMAGES } from './idx';

/** Largest accepted PNG side (pixels). */
export const PNG_MAX_SIDE = 1024;

/** One PNG with its class name. */
export interface LabelledPng {
  readonly file: string;
  readonly className: string;
  readonly bytes: Uint8Array;
}

/** Decodes one PNG to float pixels in 0..1 with `channels` (1 or 3) channels; errors name the file. */
export function decodePngPixels(file: string, bytes: Uint8Array, channels?: 1 | 3): Result<{ h: number; w: number; c: 1 | 3; px: Float32Array }> {
  // Refuse oversized images from the IHDR header before decoding allocates width x height pixels.
  if (bytes.length >= 24 && bytes[12] === 0x49 && bytes[13] === 0x48 && bytes[14] === 0x44 && bytes[15] === 0x52) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const [w0, h0] = [dv.getUint32(16, false), dv.getUint32(20, false)];
    if (w0 > PNG_MAX_SIDE || h0 > PNG_MAX_SIDE) return fail(`${file}: ${w0}x${h0} exceeds the ${PNG_MAX_SIDE}x${PNG_MAX_SIDE} limit`);
  }
  let img: ReturnType<typeof decode>;
  try {
    img = decode(bytes);
  } catch (e) {
    return fail(`${file}: not a valid PNG (${(e as Error).message})`);
  }
  const { width: w, height: h } = img;
  if (w > PNG_MAX_SIDE || h > PNG_MAX_SIDE) return fail(`${file}: ${w}x${h} exceeds the ${PNG_MAX_SIDE}x${PNG_MAX_SIDE} limit`);
  let data: ArrayLike<number> = img.data;
  let srcC = img.channels;
  let max = (1 << img.depth) - 1;
  if (img.palette) {
    data = convertIndexedToRgb(img);
    srcC = img.palette[0]!.length;
    max = 255;
  }
  const color = srcC >= 3;
  const c: 1 | 3 = channels ?? (color ? 3 : 1);
  const px = new Float32Array(h * w * c);
  for (let p = 0; p < h * w; p++) {
    const o = p * srcC;
    if (color) {
      const [r, g, b] = [data[o]! / max, data[o + 1]! / max, data[o + 2]! / max];
      if (c === 3) px.set([r, g, b], p * 3);
      else px[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    } else {
      const v = data[o]! / max;
      if (c === 3) px.fill(v, p * 3, p * 3 + 3);
      else px[p] = v;
    }
  }
  return ok({ h, w, c, px });
}

/** Builds a dataset from labelled PNGs; classes are the sorted distinct class names. */
export function pngsToDataset(items: readonly LabelledPng[], channels?: 1 | 3): Result<Dataset> {
  if (items.length === 0) return fail('png folder: expected at least one PNG image, found none');
  if (items.length > MAX_IMAGES) return fail(`png folder: ${items.length} images exceeds the limit of ${MAX_IMAGES}`);
  const classes = [...new Set(items.map((i) => i.className))].sort();
  if (classes.length > 256) return fail(`png folder: ${classes.length} classes exceeds the limit of 256`);
  let images: Float32Array | null = null;
  let shape = { h: 0, w: 0, c: 1 };
  const labels = new Uint8Array(items.length);
  for (const [k, it] of items.entries()) {
    const r = decodePngPixels(it.file, it.bytes, channels ?? (k === 0 ? undefined : (shape.c as 1 | 3)));
    if (!r.ok) return r;
    const { h, w, c, px } = r.value;
    if (!images) {
      shape = { h, w, c };
      images = new Float32Array(items.length * h * w * c);
    } else if (h !== shape.h || w !== shape.w) {
      return fail(`${it.file}: expected ${shape.w}x${shape.h} like ${items[0]!.file}, found ${w}x${h}`);
    }
    images.set(px, k * px.length);
    labels[k] = classes.indexOf(it.className);
  }
  return ok({ n: items.length, shape, images: images!, labels, classes });
}
