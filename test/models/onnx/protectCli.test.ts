import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModel, node, tensor } from '../../../models/onnx/build';
import { CIFAR_RECORD_BYTES } from '../../../models/data/cifar';
import { executeRun } from '../../../cli/commands/run';
import { EXAMPLES_DIR } from '../../../scenarios/io/catalog';
import { uniform } from './ortCompare';

const scenario = join(EXAMPLES_DIR, 'psum-msb-stuck-at-1.json');
const root = process.cwd();

/** `npm run protect -- args` in a child process. */
function protect(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'models/protections/cli.ts', ...args, '--backend', 'cpu'], { cwd: root, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A CIFAR-shaped net: conv 3->4 3x3 stride 2 + Relu, Flatten, Gemm -> 10. Input [N,3,32,32]. */
function cifarNet(): Uint8Array {
  return encodeModel({
    name: 'cifar_small', input: { name: 'x', dims: ['N', 3, 32, 32] }, output: { name: 'y', dims: ['N', 10] },
    nodes: [
      node('Conv', ['x', 'w', 'b'], ['c'], { strides: [2, 2], kernel_shape: [3, 3] }),
      node('Relu', ['c'], ['r']),
      node('Flatten', ['r'], ['f']),
      node('Gemm', ['f', 'g', 'gb'], ['l'], { transB: 1 }),
      node('Softmax', ['l'], ['y'], { axis: 1 }),
    ],
    initializers: [tensor('w', [4, 3, 3, 3], uniform(108, 1, -0.5, 0.5)), tensor('b', [4], uniform(4, 2, -0.1, 0.1)),
      tensor('g', [10, 4 * 15 * 15], uniform(9000, 3, -0.1, 0.1)), tensor('gb', [10], uniform(10, 4, -0.1, 0.1))],
  });
}

/** `n` CIFAR-10 records with seeded pixels and labels k % 10. */
function cifarBatch(n: number): Uint8Array {
  const b = new Uint8Array(n * CIFAR_RECORD_BYTES);
  let s = 12345;
  for (let i = 0; i < b.length; i++) { s = (Math.imul(s, 1103515245) + 12345) >>> 0; b[i] = s >>> 24; }
  for (let k = 0; k < n; k++) b[k * CIFAR_RECORD_BYTES] = k % 10;
  return b;
}

describe('npm run protect on an .onnx model', () => {
  it('LeNet-5 (28x28x1) calibrates Ranger on MNIST and saves <name>+ranger beside the file; run --protection ranger uses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-prot-onnx-'));
    const model = join(dir, 'mynet.onnx');
    copyFileSync(resolve('models/onnx/examples/lenet5.onnx'), model);
    const r = protect(['--model', model, '--protection', 'ranger', '--calib', '300', '--val', '200']);
    expect(r.out).toContain('saved');
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, 'mynet+ranger.json'))).toBe(true);
    expect(existsSync(join(dir, 'mynet+ranger.bin'))).toBe(true);
    const meta = JSON.parse(readFileSync(join(dir, 'mynet+ranger.json'), 'utf8')) as { meta: { hyper: { valAccuracyAfter: number } } };
    expect(meta.meta.hyper.valAccuracyAfter).toBeGreaterThan(0.9);
    const plain = await executeRun({ model, scenario, images: '3' });
    const o = await executeRun({ model, scenario, images: '3', protection: 'ranger' });
    expect(o.protection).toBe('ranger');
    // the stuck-at psum MSB gives ~1e38 deltas in conv1; Ranger's saved bounds clip them to the profiled range
    expect(plain.faulty.layers[0]!.maxAbsDelta).toBeGreaterThan(1e30);
    expect(o.faulty.layers[0]!.corrupted).toBeGreaterThan(0);
    expect(o.faulty.layers[0]!.maxAbsDelta).toBeLessThan(100);
    expect(o.goldenPredictions).toEqual(plain.goldenPredictions);
  }, 300_000);

  it('a 32x32x3 net refuses to calibrate without --data, calibrates Ranger, FitAct, Clip-Act and ProAct on a CIFAR batch, and runs with them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-prot-cifar-'));
    const model = join(dir, 'small.onnx');
    writeFileSync(model, cifarNet());
    const bin = join(dir, 'test_batch.bin');
    writeFileSync(bin, cifarBatch(40));
    const none = protect(['--model', model, '--protection', 'ranger']);
    expect(none.status).toBe(2);
    expect(none.out).toContain('--data: required');
    const wrong = protect(['--model', resolve('models/onnx/examples/lenet5.onnx'), '--protection', 'ranger', '--data', bin, '--out', dir]);
    expect(wrong.status).toBe(2);
    expect(wrong.out).toContain('expected 28x28x1, found 32x32x3');
    const r = protect(['--model', model, '--protection', 'ranger,fitact,clipact,proact', '--data', bin, '--calib', '30', '--val', '10', '--fitact-epochs', '1', '--proact-epochs', '1']);
    expect(r.out).toContain('calibrating on the first 30, validating on the last 10');
    expect(r.status).toBe(0);
    for (const p of ['ranger', 'fitact', 'clipact', 'proact']) expect(existsSync(join(dir, `small+${p}.json`))).toBe(true);
    for (const p of ['ranger', 'fitact', 'clipact', 'proact']) {
      const o = await executeRun({ model, scenario, images: '2', protection: p, data: bin });
      expect(o.protection).toBe(p);
      expect(o.labels).toEqual([0, 1]);
    }
    // without a saved file and without MNIST-shaped input, an on-the-fly Ranger is refused with the command to run
    const other = join(dir, 'other.onnx');
    writeFileSync(other, cifarNet());
    const err = await executeRun({ model: other, scenario, images: '1', protection: 'ranger', data: bin }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('--data <your images>');
  }, 300_000);
});
