/**
 * In-memory labelled image dataset shared by loaders, importers, training and evaluation.
 * Images are NHWC float32 in 0..1; labels are class indices.
 */
import type { Shape3 } from '../../sim/layers/types';

/** A labelled image set: `images` is [n][h][w][c] row-major float32 in 0..1. */
export interface Dataset {
  /** Number of images. */
  readonly n: number;
  /** Shape of one image (pixels, channels). */
  readonly shape: Shape3;
  /** [n*h*w*c] pixel values in 0..1. */
  readonly images: Float32Array;
  /** [n] class indices in 0..classes.length-1. */
  readonly labels: Uint8Array;
  /** Class names, index = label. */
  readonly classes: readonly string[];
}

/** Train/test pair produced by a deterministic split. */
export interface Split {
  readonly train: Dataset;
  readonly test: Dataset;
}

/** Pixels per image (h*w*c). */
export function imageSize(shape: Shape3): number {
  return shape.h * shape.w * shape.c;
}

/** Copies the images at `indices` (in that order) into a new dataset. */
export function subset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const sz = imageSize(ds.shape);
  const images = new Float32Array(indices.length * sz);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    images.set(ds.images.subarray(k * sz, (k + 1) * sz), i * sz);
    labels[i] = ds.labels[k]!;
  }
  return { n: indices.length, shape: ds.shape, images, labels, classes: ds.classes };
}

/** First `count` images (or all if fewer) as a view-free copy. */
export function head(ds: Dataset, count: number): Dataset {
  const n = Math.min(count, ds.n);
  return subset(ds, Array.from({ length: n }, (_, i) => i));
}

/** Number of images per class, index = label. */
export function classCounts(ds: Dataset): number[] {
  const c = new Array<number>(ds.classes.length).fill(0);
  for (const l of ds.labels) c[l]!++;
  return c;
}
