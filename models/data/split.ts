/**
 * Deterministic stratified train/test split: within each class the indices are shuffled with a
 * seeded xoroshiro128+ and the first round(count*testFraction) go to the test set. Both sets are then
 * ordered by a second seeded shuffle so classes are interleaved.
 */
import { makeRng, shuffleInPlace } from '../rng';
import { type Dataset, type Split, subset } from './dataset';

/** Default seed of the MNIST split used by training and every evaluation (documented in README-models). */
export const DEFAULT_SPLIT_SEED = 20240501;
/** Default share of each class held out for test (0..1). */
export const DEFAULT_TEST_FRACTION = 0.15;

/** Splits `ds` per class; same (ds, testFraction, seed) always gives the same split. */
export function stratifiedSplit(ds: Dataset, testFraction = DEFAULT_TEST_FRACTION, seed = DEFAULT_SPLIT_SEED): Split {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`testFraction: expected a number in (0,1), found ${testFraction}`);
  const rng = makeRng(seed);
  const byClass: number[][] = ds.classes.map(() => []);
  for (let i = 0; i < ds.n; i++) byClass[ds.labels[i]!]!.push(i);
  const train: number[] = [];
  const test: number[] = [];
  for (const idx of byClass) {
    shuffleInPlace(idx, rng);
    const nTest = Math.round(idx.length * testFraction);
    test.push(...idx.slice(0, nTest));
    train.push(...idx.slice(nTest));
  }
  shuffleInPlace(train, rng);
  shuffleInPlace(test, rng);
  return { train: subset(ds, train), test: subset(ds, test) };
}
