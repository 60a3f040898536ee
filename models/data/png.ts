/**
 * Decoding of labelled PNG images (bytes already read) into a dataset with fast-png, behind a guard
 * (`pngGuard`) that walks the chunks first: IHDR first and within limits, no chunk past the end of the
 * file, the image data inflated with node:zlib capped at the raw size the IHDR declares (a
 * decompression bomb stops there instead of filling memory), compressed ancillary chunks (iCCP, zTXt,
 * iTXt: fast-png would inflate them unbounded) dropped.
 * Handles gray, gray+alpha, RGB, RGBA and palette images at 1..16 bits; alpha is ignored.
 * All images must share one size; channels are converted to the requested count
 * (RGB -> gray by ITU-R 601 luma 0.299/0.587/0.114; gray -> RGB by replication).
 */
import { inflateSync } from 'node:zlib';
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

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const CHANNELS: Readonly<Partial<Record<number, number>>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DROPPED = new Set(['iCCP', 'zTXt', 'iTXt']);
/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

/** Bytes of filtered scanlines an image of this header inflates to (exact, interlaced or not). */
export function pngRawBytes(w: number, h: number, channels: number, depth: number, interlaced: boolean): number {
  const rows = (pw: number, ph: number): number => (pw > 0 && ph > 0 ? ph * (1 + Math.ceil((pw * channels * depth) / 8)) : 0);
  if (!interlaced) return rows(w, h);
  return ADAM7.reduce((s, [xs, ys, dx, dy]) => s + rows(Math.ceil((w - xs) / dx), Math.ceil((h - ys) / dy)), 0);
}

/**
 * Checks a PNG before decoding and returns the bytes to decode (compressed ancillary chunks removed):
 * signature, IHDR first with sides <= PNG_MAX_SIDE, chunk lengths inside the file, and the image data
 * inflating to at most the raw size the header declares.
 */
export function pngGuard(file: string, bytes: Uint8Array): Result<Uint8Array> {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) return fail(`${file}: not a valid PNG (expected the 8-byte PNG signature)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  const idat: Uint8Array[] = [];
  let head: { w: number; h: number; depth: number; color: number; interlaced: boolean } | null = null;
  let pos = 8;
  while (pos + 12 <= bytes.length) {
    const len = dv.getUint32(pos, false);
    const type = String.fromCharCode(bytes[pos + 4]!, bytes[pos + 5]!, bytes[pos + 6]!, bytes[pos + 7]!);
    if (len > bytes.length - pos - 12) return fail(`${file}: offset ${pos}: chunk ${JSON.stringify(type)} declares ${len} bytes, past the end of the ${bytes.length}-byte file`);
    if (head === null) {
      if (type !== 'IHDR' || len < 13) return fail(`${file}: offset ${pos}: expected the IHDR chunk first, found ${JSON.stringify(type)}`);
      head = { w: dv.getUint32(pos + 8, false), h: dv.getUint32(pos + 12, false), depth: bytes[pos + 16]!, color: bytes[pos + 17]!, interlaced: bytes[pos + 20] === 1 };
      if (head.w > PNG_MAX_SIDE || head.h > PNG_MAX_SIDE) return fail(`${file}: ${head.w}x${head.h} exceeds the ${PNG_MAX_SIDE}x${PNG_MAX_SIDE} limit`);
    }
    if (type === 'IDAT') idat.push(bytes.subarray(pos + 8, pos + 8 + len));
    if (!DROPPED.has(type)) kept.push(bytes.subarray(pos, pos + 12 + len));
    pos += 12 + len;
    if (type === 'IEND') break;
  }
  if (head === null) return fail(`${file}: not a valid PNG (no IHDR chunk)`);
  const ch = CHANNELS[head.color];
  if (ch === undefined || ![1, 2, 4, 8, 16].includes(head.depth)) return fail(`${file}: IHDR: colour type ${head.color} with bit depth ${head.depth} is not a PNG format`);
  const raw = pngRawBytes(head.w, head.h, ch, head.depth, head.interlaced);
  const data = new Uint8Array(idat.reduce((n, c) => n + c.length, 0));
  idat.reduce((o, c) => (data.set(c, o), o + c.length), 0);
  try {
    inflateSync(data, { maxOutputLength: Math.max(raw, 1) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return fail(`${file}: image data decompresses to more than the ${raw} bytes its ${head.w}x${head.h} header declares (a decompression bomb or a damaged file)`);
    }
    // other inflate errors (truncated data ...) are reported by the decoder below
  }
  const keptBytes = kept.reduce((n, c) => n + c.length, 0);
  if (keptBytes === bytes.length) return ok(bytes); // nothing dropped
  const out = new Uint8Array(keptBytes);
  kept.reduce((o, c) => (out.set(c, o), o + c.length), 0);
  return ok(out);
}

/** Decodes one PNG to float pixels in 0..1 with `channels` (1 or 3) channels; errors name the file. */
export function decodePngPixels(file: string, bytes: Uint8Array, channels?: 1 | 3): Result<{ h: number; w: number; c: 1 | 3; px: Float32Array }> {
  // Refuse oversized images and decompression bombs from the chunks before decoding allocates anything.
  const guarded = pngGuard(file, bytes);
  if (!guarded.ok) return guarded;
  let img: ReturnType<typeof decode>;
  try {
    img = decode(guarded.value);
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
