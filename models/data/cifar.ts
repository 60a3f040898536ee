/**
 * Pure CIFAR-10 binary batch parser: records of 1 label byte + 3072 pixel bytes
 * (1024 red, 1024 green, 1024 blue, each 32x32 row-major). Output is NHWC 32x32x3 in 0..1.
 */
import { fail, ok, type Result } from '../../sim/result';
import type { Dataset } from './dataset';
import { MAX_IMAGES } from './idx';

/** Bytes per CIFAR-10 record (1 label + 3*32*32 pixels). */
export const CIFAR_RECORD_BYTES = 3073;
/** CIFAR-10 class names, index = label. */
export const CIFAR10_CLASSES: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Parses one or more CIFAR-10 binary batches (each named in errors) into one dataset. */
export function parseCifar10(batches: readonly { file: string; bytes: Uint8Array }[]): Result<Dataset> {
  let n = 0;
  for (const b of batches) {
    if (b.bytes.length === 0 || b.bytes.length % CIFAR_RECORD_BYTES !== 0) {
      const full = Math.floor(b.bytes.length / CIFAR_RECORD_BYTES) * CIFAR_RECORD_BYTES;
      return fail(`${b.file}: offset ${full}: expected a whole number of ${CIFAR_RECORD_BYTES}-byte records, found ${b.bytes.length} bytes (${b.bytes.length % CIFAR_RECORD_BYTES} trailing)`);
    }
    n += b.bytes.length / CIFAR_RECORD_BYTES;
  }
  if (n > MAX_IMAGES) return fail(`cifar10: ${n} images exceeds the limit of ${MAX_IMAGES}`);
  const images = new Float32Array(n * 3072);
  const labels = new Uint8Array(n);
  let k = 0;
  for (const b of batches) {
    for (let r = 0; r < b.bytes.length / CIFAR_RECORD_BYTES; r++, k++) {
      const o = r * CIFAR_RECORD_BYTES;
      const label = b.bytes[o]!;
      if (label > 9) return fail(`${b.file}: offset ${o}: expected a label byte 0..9, found ${label}`);
      labels[k] = label;
      for (let p = 0; p < 1024; p++) {
        for (let ch = 0; ch < 3; ch++) images[k * 3072 + p * 3 + ch] = b.bytes[o + 1 + ch * 1024 + p]! / 255;
      }
    }
  }
  return ok({ n, shape: { h: 32, w: 32, c: 3 }, images, labels, classes: CIFAR10_CLASSES });
}
