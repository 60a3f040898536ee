/**
 * Fashion-MNIST (Xiao et al. 2017) from Debian's `dataset-fashion-mnist` package: the official
 * 60,000 training and 10,000 test images (28x28 grey, IDX files, gzipped) under
 * /usr/share/datasets/fashion-mnist (override with FAULTLINE_FASHION_DIR). The official split is
 * kept as it is (no re-splitting): accuracy is always measured on the whole 10,000-image test split.
 */
import { join } from 'node:path';
import type { Result } from '../../sim/result';
import type { Split } from './dataset';
import { loadIdxDataset } from '../io/datasets';

/** Directory of the IDX files (Debian package path unless FAULTLINE_FASHION_DIR is set). */
export const FASHION_DIR = process.env.FAULTLINE_FASHION_DIR ?? '/usr/share/datasets/fashion-mnist';
/** Class names of labels 0..9. */
export const FASHION_CLASSES: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

const cache = new Map<string, Split>();

/** Loads the official train/test split from `dir` (cached per directory); fails naming the missing file. */
export function loadFashionResult(dir = FASHION_DIR): Result<Split> {
  const hit = cache.get(dir);
  if (hit) return { ok: true, value: hit };
  const part = (p: string): ReturnType<typeof loadIdxDataset> =>
    loadIdxDataset(join(dir, `${p}-images-idx3-ubyte.gz`), join(dir, `${p}-labels-idx1-ubyte.gz`), FASHION_CLASSES);
  const train = part('train');
  if (!train.ok) return { ok: false, reason: `${train.reason} (install the Debian package dataset-fashion-mnist or set FAULTLINE_FASHION_DIR)` };
  const test = part('t10k');
  if (!test.ok) return test;
  const split: Split = { train: train.value, test: test.value };
  cache.set(dir, split);
  return { ok: true, value: split };
}

/** loadFashionResult, throwing on failure (CLIs and training). */
export function loadFashionSplit(dir = FASHION_DIR): Split {
  const r = loadFashionResult(dir);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}
