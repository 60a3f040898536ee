/**
 * pipeline/inputs.ts: each model reads its own dataset's test split (MNIST, Fashion-MNIST), other
 * models seeded noise without labels.
 */
import { describe, expect, it } from 'vitest';
import { inputBatch } from '../../pipeline/inputs';
import { loadFashionSplit } from '../../models/data/fashion';
import { loadMnistSplit } from '../../models/data/mnist';
import { runNetwork } from '../../pipeline/network';

describe('input batches', () => {
  it('Fashion-MNIST models get the Fashion-MNIST test split with labels, MNIST models the MNIST one', async () => {
    const fashion = await runNetwork('lenet5_fashion', 'relu');
    const mnist = await runNetwork('lenet5', 'relu');
    if (!fashion.ok || !mnist.ok) throw new Error('models');
    const f = inputBatch('lenet5_fashion', fashion.value.net, 5, 3);
    const m = inputBatch('lenet5', mnist.value.net, 5, 3);
    if (!f.ok || !m.ok) throw new Error('inputs');
    const ft = loadFashionSplit().test, mt = loadMnistSplit().test;
    expect(Array.from(f.value.labels!)).toEqual(Array.from(ft.labels.slice(5, 8)));
    expect(Array.from(f.value.batch)).toEqual(Array.from(ft.images.slice(5 * 784, 8 * 784)));
    expect(Array.from(m.value.batch)).toEqual(Array.from(mt.images.slice(5 * 784, 8 * 784)));
    expect(Array.from(f.value.batch)).not.toEqual(Array.from(m.value.batch));
    expect(f.value.total).toBe(ft.n);
    const over = inputBatch('lenet5_fashion', fashion.value.net, ft.n - 1, 2);
    expect(over.ok ? null : over.path).toBe('images.count');
  });

  it('architecture-only models get seeded noise without labels', async () => {
    const rn = await runNetwork('alexnet', 'relu');
    if (!rn.ok) throw new Error(rn.reason);
    const a = inputBatch('alexnet', rn.value.net, 0, 1);
    const b = inputBatch('alexnet', rn.value.net, 0, 1);
    if (!a.ok || !b.ok) throw new Error('inputs');
    expect(a.value.labels).toBeNull();
    expect(Array.from(a.value.batch.slice(0, 16))).toEqual(Array.from(b.value.batch.slice(0, 16)));
    expect(a.value.batch.some((v) => v !== a.value.batch[0])).toBe(true);
  });
});
