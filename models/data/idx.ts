/**
 * Pure IDX parser (the MNIST / Fashion-MNIST file format): 2 zero bytes, a type byte
 * (0x08 ubyte, 0x09 sbyte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), a dimension count,
 * then one big-endian uint32 per dimension and the big-endian data. Gzip is handled in models/io.
 */
import { fail, ok, type Result } from '../../sim/result';
import type { Dataset } from './dataset';

/** Largest number of elements accepted in one IDX file (2^28 = 268M). */
export const IDX_MAX_ELEMENTS = 1 << 28;
/** Largest number of images accepted from IDX / CIFAR / PNG sources. */
export const MAX_IMAGES = 1_000_000;

/** A parsed IDX tensor. */
export interface IdxTensor {
  /** Type byte from the header. */
  readonly type: number;
  /** Dimension sizes. */
  readonly dims: readonly number[];
  /** Values converted to numbers (row-major). */
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Readonly<Partial<Record<number, { size: number; name: string }>>> = {
  0x08: { size: 1, name: 'ubyte' }, 0x09: { size: 1, name: 'sbyte' }, 0x0b: { size: 2, name: 'int16' },
  0x0c: { size: 4, name: 'int32' }, 0x0d: { size: 4, name: 'float32' }, 0x0e: { size: 8, name: 'float64' },
};

const hex = (n: number): string => '0x' + n.toString(16).padStart(2, '0');

/**
 * Reads only the IDX header and returns the file size it declares (header + elements x type size,
 * bytes), so a compressed file can be refused before it is inflated. Needs the first 4 + 4 x dims bytes.
 */
export function idxDeclaredBytes(bytes: Uint8Array, file = 'idx'): Result<number> {
  if (bytes.length < 4) return fail(`${file}: offset 0: expected a 4-byte IDX header, found ${bytes.length} bytes`);
  if (bytes[0] !== 0 || bytes[1] !== 0) return fail(`${file}: offset 0: expected magic 0x00 0x00, found ${hex(bytes[0]!)} ${hex(bytes[1]!)}`);
  const t = TYPES[bytes[2]!];
  if (!t) return fail(`${file}: offset 2: expected a type byte in {0x08,0x09,0x0b,0x0c,0x0d,0x0e}, found ${hex(bytes[2]!)}`);
  const nd = bytes[3]!;
  if (nd < 1 || nd > 8) return fail(`${file}: offset 3: expected 1..8 dimensions, found ${nd}`);
  if (bytes.length < 4 + 4 * nd) return fail(`${file}: offset 4: expected ${nd} dimension sizes (${4 * nd} bytes), found ${bytes.length - 4} bytes`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let count = 1;
  for (let i = 0; i < nd; i++) count *= dv.getUint32(4 + 4 * i, false);
  return ok(4 + 4 * nd + count * t.size);
}

/** Parses IDX bytes; `file` names the source in error messages. */
export function parseIdx(bytes: Uint8Array, file = 'idx'): Result<IdxTensor> {
  if (bytes.length < 4) return fail(`${file}: offset 0: expected a 4-byte IDX header, found ${bytes.length} bytes`);
  if (bytes[0] !== 0 || bytes[1] !== 0) return fail(`${file}: offset 0: expected magic 0x00 0x00, found ${hex(bytes[0]!)} ${hex(bytes[1]!)}`);
  const type = bytes[2]!;
  const t = TYPES[type];
  if (!t) return fail(`${file}: offset 2: expected a type byte in {0x08,0x09,0x0b,0x0c,0x0d,0x0e}, found ${hex(type)}`);
  const nd = bytes[3]!;
  if (nd < 1 || nd > 8) return fail(`${file}: offset 3: expected 1..8 dimensions, found ${nd}`);
  const header = 4 + 4 * nd;
  if (bytes.length < header) return fail(`${file}: offset 4: expected ${nd} dimension sizes (${4 * nd} bytes), found ${bytes.length - 4} bytes`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < nd; i++) {
    const d = dv.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  if (count > IDX_MAX_ELEMENTS) return fail(`${file}: dims ${dims.join('x')} = ${count} elements exceeds the limit of ${IDX_MAX_ELEMENTS}`);
  const expected = header + count * t.size;
  if (bytes.length !== expected) {
    return fail(`${file}: offset ${header}: expected ${count * t.size} data bytes for ${t.name} ${dims.join('x')} (file size ${expected}), found file size ${bytes.length}`);
  }
  let data: IdxTensor['data'];
  switch (type) {
    case 0x08: data = bytes.slice(header, expected); break;
    case 0x09: data = new Int8Array(bytes.slice(header, expected).buffer); break;
    default: {
      const Ctor = type === 0x0b ? Int16Array : type === 0x0c ? Int32Array : type === 0x0d ? Float32Array : Float64Array;
      const a = new Ctor(count);
      for (let i = 0; i < count; i++) {
        const o = header + i * t.size;
        a[i] = type === 0x0b ? dv.getInt16(o, false) : type === 0x0c ? dv.getInt32(o, false) : type === 0x0d ? dv.getFloat32(o, false) : dv.getFloat64(o, false);
      }
      data = a;
    }
  }
  return ok({ type, dims, data });
}

/** Builds a dataset from an IDX image tensor ([n,h,w] or [n,h,w,c] ubyte, scaled by 1/255) and label tensor ([n] ubyte). */
export function idxToDataset(images: IdxTensor, labels: IdxTensor, classes?: readonly string[], files = { images: 'images', labels: 'labels' }): Result<Dataset> {
  if (images.type !== 0x08) return fail(`${files.images}: expected ubyte (0x08) images, found type ${hex(images.type)}`);
  if (images.dims.length !== 3 && images.dims.length !== 4) return fail(`${files.images}: expected 3 or 4 dimensions [n,h,w(,c)], found ${images.dims.length}`);
  if (labels.type !== 0x08 || labels.dims.length !== 1) return fail(`${files.labels}: expected a 1-D ubyte label vector, found type ${hex(labels.type)} with ${labels.dims.length} dimensions`);
  const [n, h, w] = images.dims as [number, number, number];
  const c = images.dims[3] ?? 1;
  if (labels.dims[0] !== n) return fail(`${files.labels}: expected ${n} labels (one per image), found ${labels.dims[0]}`);
  if (n > MAX_IMAGES) return fail(`${files.images}: ${n} images exceeds the limit of ${MAX_IMAGES}`);
  let maxLabel = 0;
  for (const l of labels.data) maxLabel = Math.max(maxLabel, l);
  const names = classes ?? Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  if (maxLabel >= names.length) return fail(`${files.labels}: label ${maxLabel} out of range for ${names.length} classes`);
  const px = new Float32Array(images.data.length);
  for (let i = 0; i < px.length; i++) px[i] = images.data[i]! / 255;
  return ok({ n, shape: { h, w, c }, images: px, labels: Uint8Array.from(labels.data), classes: names });
}

/** Encodes a ubyte tensor as IDX bytes (used by tests and exports). */
export function encodeIdxUbyte(dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const dv = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
