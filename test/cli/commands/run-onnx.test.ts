import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeRun, formatRun } from '../../../cli/commands/run';
import { CliError } from '../../../cli/errors';
import { EXAMPLES_DIR } from '../../../scenarios/io/catalog';
import { encodeIdxUbyte } from '../../../models/data/idx';
import { CIFAR_RECORD_BYTES } from '../../../models/data/cifar';
import { loadMnistSplit } from '../../../models/data/mnist';
import { encode } from 'fast-png';

const ONNX = join('models', 'onnx', 'examples', 'lenet5.onnx');
const scenario = join(EXAMPLES_DIR, 'psum-msb-stuck-at-1.json');

/** An IDX pair of MNIST test images `from .. from+n-1`, written as uint8 (the IDX importer reads them back / 255). */
function idxFolder(from: number, n: number): { dir: string; labels: number[] } {
  const test = loadMnistSplit().test;
  const px = new Uint8Array(n * 784);
  for (let i = 0; i < px.length; i++) px[i] = Math.round(test.images[from * 784 + i]! * 255);
  const labels = Array.from(test.labels.slice(from, from + n), (l) => (l + 3) % 10); // not MNIST's labels: proves where they come from
  const dir = mkdtempSync(join(tmpdir(), 'fl-onnx-idx-'));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), encodeIdxUbyte([n, 28, 28], px));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdxUbyte([n], Uint8Array.from(labels)));
  return { dir, labels };
}

describe('faultline run --model x.onnx', () => {
  it('labels the model as imported (file, input shape) and feeds the MNIST test split to a 28x28x1 input, like the shipped LeNet-5', async () => {
    const o = await executeRun({ model: ONNX, scenario, images: '4' });
    const shipped = await executeRun({ model: 'lenet5', scenario, images: '4' });
    expect(o.imported).toEqual({ file: ONNX, input: { h: 28, w: 28, c: 1 } });
    expect(o.labels).toEqual(shipped.labels);
    expect(o.goldenPredictions).toEqual(shipped.goldenPredictions);
    const text = formatRun(o);
    expect(text).toContain(`imported from ${ONNX}, input 28x28x1`);
    expect(text).not.toContain('seeded random weights');
    expect(text).toContain('images: MNIST test split');
  }, 120_000);

  it('--data takes the images and labels from an IDX folder (the labels of the file, not MNIST\'s)', async () => {
    const { dir, labels } = idxFolder(10, 3);
    const o = await executeRun({ model: ONNX, scenario, images: '3', data: dir });
    expect(o.labels).toEqual(labels);
    const plain = await executeRun({ model: ONNX, scenario, images: '13' });
    // uint8 rounding of the pixels keeps LeNet-5's top-1 on these images
    expect(o.goldenPredictions).toEqual(plain.goldenPredictions.slice(10, 13));
    expect(formatRun(o)).toContain(`images: ${dir} (images 0..2)`);
    // the images file itself works too
    const f = await executeRun({ model: ONNX, scenario, images: '2', data: join(dir, 't10k-images-idx3-ubyte') });
    expect(f.labels).toEqual(labels.slice(0, 2));
  }, 120_000);

  it('--data takes a folder of class folders of PNGs (sorted class names are the labels)', async () => {
    const test = loadMnistSplit().test;
    const dir = mkdtempSync(join(tmpdir(), 'fl-onnx-png-'));
    for (const [cls, k] of [['a', 20], ['b', 21]] as const) {
      mkdirSync(join(dir, cls));
      const px = Uint8Array.from(test.images.subarray(k * 784, (k + 1) * 784), (v) => Math.round(v * 255));
      writeFileSync(join(dir, cls, 'x.png'), encode({ width: 28, height: 28, data: px, channels: 1, depth: 8 }));
    }
    const o = await executeRun({ model: ONNX, scenario, images: '2', data: dir });
    expect(o.labels).toEqual([0, 1]);
    const plain = await executeRun({ model: ONNX, scenario, images: '22' });
    expect(o.goldenPredictions).toEqual(plain.goldenPredictions.slice(20, 22));
  }, 120_000);

  it('refuses data of another shape with expected vs found, and more images than the file holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-onnx-cifar-'));
    const bin = join(dir, 'test_batch.bin');
    writeFileSync(bin, new Uint8Array(2 * CIFAR_RECORD_BYTES));
    const err = await executeRun({ model: ONNX, scenario, images: '1', data: bin }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toMatch(/^--data: .*expected 28x28x1, found 32x32x3/);
    const { dir: idx } = idxFolder(0, 2);
    const many = await executeRun({ model: ONNX, scenario, images: '3', data: idx }).catch((e: unknown) => e);
    expect((many as Error).message).toContain('start + count <= 2 images');
    const none = await executeRun({ model: ONNX, scenario, images: '1', data: join(dir, 'missing') }).catch((e: unknown) => e);
    expect((none as Error).message).toMatch(/^--data: cannot read/);
    mkdirSync(join(dir, 'empty'));
    const empty = await executeRun({ model: ONNX, scenario, images: '1', data: join(dir, 'empty') }).catch((e: unknown) => e);
    expect((empty as Error).message).toContain('no dataset found');
  }, 120_000);
});
