/**
 * Shared tensor helpers for batch-major NHWC Float32Arrays (n images of `size` values each):
 * argmax predictions, scaling to integer codes, and difference statistics between tensors.
 */

/** Index of the largest value in data[base .. base+len) (first one on ties; NaN never wins). */
export function argmax(data: ArrayLike<number>, base = 0, len = data.length - base): number {
  let best = 0;
  let bestV = -Infinity;
  for (let i = 0; i < len; i++) {
    const v = data[base + i];
    if (v > bestV) {
      bestV = v;
      best = i;
    }
  }
  return best;
}

/** Top-1 class per image: argmax over each image's `size` values. */
export function predictions(data: ArrayLike<number>, n: number, size: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = argmax(data, i * size, size);
  return out;
}

/** Largest |value| of the array (0 for an empty array; NaN ignored). */
export function maxAbs(data: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) {
    const a = Math.abs(data[i]);
    if (a > m) m = a;
  }
  return m;
}

/** out[i] = data[i] * factor (exact for power-of-two factors within range); new array. */
export function scaled(data: Float32Array, factor: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] * factor;
  return out;
}

/** Difference statistics between a golden and a faulty tensor of equal length. */
export interface DiffStats {
  /** Elements whose values differ (NaN vs number counts; two NaNs count as equal). */
  readonly changed: number;
  /** Largest |faulty - golden| over changed finite elements (Infinity when a value became inf/NaN). */
  readonly maxAbsDelta: number;
  /** ||faulty - golden||_2 / ||golden||_2 (Infinity when golden is all zero and something changed). */
  readonly relL2: number;
}

/** Compares two tensors element-wise. */
export function diffStats(golden: ArrayLike<number>, faulty: ArrayLike<number>): DiffStats {
  let changed = 0;
  let maxD = 0;
  let num = 0;
  let den = 0;
  for (let i = 0; i < golden.length; i++) {
    const g = golden[i];
    const f = faulty[i];
    den += g * g;
    if (g === f || (Number.isNaN(g) && Number.isNaN(f))) continue;
    changed++;
    const d = Math.abs(f - g);
    maxD = Number.isFinite(d) ? Math.max(maxD, d) : Infinity;
    num += Number.isFinite(d) ? d * d : Infinity;
  }
  const relL2 = changed === 0 ? 0 : den === 0 ? Infinity : Math.sqrt(num / den);
  return { changed, maxAbsDelta: maxD, relL2 };
}
