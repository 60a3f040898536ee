import { describe, expect, it } from 'vitest';
import { classCounts } from '../../../models/data/dataset';
import { loadMnistAll, loadMnistSplit } from '../../../models/data/mnist';
import { stratifiedSplit } from '../../../models/data/split';

describe('bundled MNIST', () => {
  it('loads all 10,000 digits of the mnist package in 0..1', () => {
    const ds = loadMnistAll();
    expect(ds.n).toBe(10000);
    expect(ds.images.length).toBe(10000 * 784);
    expect(classCounts(ds)).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    let min = Infinity, max = -Infinity;
    for (const v of ds.images) { if (v < min) min = v; if (v > max) max = v; }
    expect(min).toBe(0);
    expect(max).toBeLessThanOrEqual(1);
  });

  it('splits deterministically, stratified and disjoint', () => {
    const a = loadMnistSplit();
    const b = loadMnistSplit();
    expect([a.train.n, a.test.n]).toEqual([8499, 1501]);
    expect(a.test.labels).toEqual(b.test.labels);
    expect(a.test.images).toEqual(b.test.images);
    const all = loadMnistAll();
    classCounts(a.test).forEach((c, i) => expect(Math.abs(c - classCounts(all)[i]! * 0.15)).toBeLessThanOrEqual(0.5));
    // disjoint: no test image equals a train image at the same hash (images are distinct samples)
    const key = (d: typeof a.train, i: number): string => Array.from(d.images.subarray(i * 784, i * 784 + 784)).join(',');
    const trainKeys = new Set(Array.from({ length: a.train.n }, (_, i) => key(a.train, i)));
    let overlap = 0;
    for (let i = 0; i < 200; i++) if (trainKeys.has(key(a.test, i))) overlap++;
    expect(overlap).toBe(0);
    const c = stratifiedSplit(all, 0.15, 99);
    expect(c.test.labels).not.toEqual(a.test.labels);
  });
});
