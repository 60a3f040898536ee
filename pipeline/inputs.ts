/**
 * Input images of a run: the user's dataset when `data` names one (models/io/datasets.ts dataSlice:
 * IDX / CIFAR-10 / PNG folder, shape-checked), else the MNIST test split for MNIST models and for
 * imported .onnx models whose input is 784 pixels (28x28x1 or flat), the Fashion-MNIST test split
 * for Fashion-MNIST models, else seeded uniform noise in [0, 1) (no labels), the same for every shell.
 */
import type { Network } from '../sim/layers/types';
import { fail, ok, type Result } from '../sim/result';
import { MODELS } from '../models/registry';
import { loadMnistSplit } from '../models/data/mnist';
import { loadFashionResult } from '../models/data/fashion';
import type { Split } from '../models/data/dataset';
import { dataSlice } from '../models/io/datasets';
import { isOnnxPath } from '../models/onnx/file';

/** A batch of images (NHWC, batch-major) and their labels (null for noise). */
export interface InputBatch {
  readonly batch: Float32Array;
  readonly labels: Uint8Array | null;
  /** Images in the dataset (0 for noise). */
  readonly total: number;
}

let mnist: Split | null = null;

/** The MNIST splits, loaded once per process. */
export function mnistSplit(): Split {
  mnist ??= loadMnistSplit();
  return mnist;
}

/** Dataset of a model id ("none" for architecture-only and unknown models). */
export function datasetOf(model: string): string {
  return MODELS.find((m) => m.id === model)?.dataset ?? 'none';
}

/** Images `start .. start+count-1` for `model` (from the dataset at `data` when given); failures name `images.start` / `images.count` / `images.data`. */
export function inputBatch(model: string, net: Network, start: number, count: number, data?: string): Result<InputBatch> {
  if (!Number.isInteger(count) || count < 1) return fail(`images.count: expected an integer >= 1, found ${count}`, 'images.count');
  if (!Number.isInteger(start) || start < 0) return fail(`images.start: expected an integer >= 0, found ${start}`, 'images.start');
  if (data !== undefined) return dataSlice(data, net.input, start, count);
  const size = net.input.h * net.input.w * net.input.c;
  const slice = (test: Split['test'], what: string): Result<InputBatch> => {
    if (start + count > test.n) return fail(`images: expected start + count <= ${test.n} ${what} test images, found ${start} + ${count}`, start >= test.n ? 'images.start' : 'images.count');
    return ok({ batch: test.images.slice(start * size, (start + count) * size), labels: test.labels.slice(start, start + count), total: test.n });
  };
  if ((datasetOf(model) === 'mnist' || isOnnxPath(model)) && size === 784) return slice(mnistSplit().test, 'MNIST');
  if (datasetOf(model) === 'fashion-mnist' && size === 784) {
    const f = loadFashionResult(); // cached per process
    if (!f.ok) return fail(`images: ${f.reason}`, 'images');
    return slice(f.value.test, 'Fashion-MNIST');
  }
  let s = (0x9e3779b9 + start) >>> 0;
  const batch = new Float32Array(count * size);
  for (let i = 0; i < batch.length; i++) {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    batch[i] = s / 2 ** 32;
  }
  return ok({ batch, labels: null, total: 0 });
}
