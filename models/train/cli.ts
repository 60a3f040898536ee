/**
 * Training CLI: `npm run train -- --model lenet5 --epochs 10`. Trains on the deterministic MNIST
 * split, logs each epoch to stdout and models/weights/<id>.train.log, and saves
 * models/weights/<id>.json + .bin.
 */
import { Command } from 'commander';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadMnistSplit } from '../data/mnist';
import { loadFashionSplit } from '../data/fashion';
import { MODELS } from '../registry';
import { DEFAULT_SPLIT_SEED, DEFAULT_TEST_FRACTION } from '../data/split';
import { materialize } from '../nets/init';
import { getArch } from '../nets';
import { saveWeights, WEIGHTS_DIR } from '../io/weights';
import { DEFAULT_TRAIN, trainNetwork } from './train';
import { useBackend } from './backend';

const program = new Command()
  .name('train')
  .requiredOption('--model <id>', 'model id (lenet5 | vgg_mnist on MNIST; lenet5_fashion | vgg_fashion on Fashion-MNIST)')
  .option('--epochs <n>', 'epochs', String(DEFAULT_TRAIN.epochs))
  .option('--batch <n>', 'batch size', String(DEFAULT_TRAIN.batchSize))
  .option('--lr <x>', 'initial Adam learning rate', String(DEFAULT_TRAIN.learningRate))
  .option('--lr-decay <x>', 'learning-rate multiplier per epoch', String(DEFAULT_TRAIN.lrDecay))
  .option('--shift <px>', 'max random translation in pixels', String(DEFAULT_TRAIN.shift))
  .option('--rotate <deg>', 'max random rotation in degrees (bilinear affine augmentation)', '0')
  .option('--scale <x>', 'max relative random scaling, e.g. 0.1', '0')
  .option('--seed <n>', 'seed for init, shuffling and augmentation', String(DEFAULT_TRAIN.seed))
  .option('--backend <name>', 'tfjs backend: wasm (default, with our JS conv filter gradient) or cpu', 'wasm')
  .option('--out <dir>', 'output directory', WEIGHTS_DIR);
program.parse();
const o = program.opts<Record<string, string>>();

const id = o.model!;
const arch = getArch(id);
if (!arch || arch.input.h !== 28) {
  console.error(`--model: expected a trainable 28x28 model id (lenet5, vgg_mnist, lenet5_fashion, vgg_fashion), found '${id}'`);
  process.exit(2);
}
const opts = {
  epochs: Number(o.epochs), batchSize: Number(o.batch), learningRate: Number(o.lr),
  lrDecay: Number(o.lrDecay), shift: Number(o.shift), rotate: Number(o.rotate), scale: Number(o.scale), seed: Number(o.seed),
};
const backend = await useBackend(o.backend as 'cpu' | 'wasm');
const outDir = o.out!;
mkdirSync(outDir, { recursive: true });
const logPath = join(outDir, `${id}.train.log`);
const command = `npm run train -- ${process.argv.slice(2).join(' ')}`;
writeFileSync(logPath, '');
const say = (s: string): void => {
  console.log(s);
  appendFileSync(logPath, s + '\n');
};
// Fashion-MNIST models train on the official 60,000 / 10,000 split; MNIST ones on the bundled split
const fashion = MODELS.find((m) => m.id === id)?.dataset === 'fashion-mnist';
const { train, test } = fashion ? loadFashionSplit() : loadMnistSplit();
say(`# ${command}`);
say(`# model=${id} dataset=${fashion ? 'fashion-mnist (official split)' : 'mnist'} backend=${backend} train=${train.n} test=${test.n} split-seed=${fashion ? 'none' : DEFAULT_SPLIT_SEED} ${JSON.stringify(opts)} date=${new Date().toISOString()}`);
const init = materialize(arch, opts.seed);
const res = await trainNetwork(init, train, test, opts, (e) =>
  say(`epoch ${e.epoch}/${opts.epochs} loss=${e.loss.toFixed(4)} test_acc=${(e.testAccuracy * 100).toFixed(2)}% lr=${e.learningRate.toExponential(2)} time=${e.seconds.toFixed(1)}s`),
);
const last = res.log[res.log.length - 1]!;
const paths = saveWeights(res.net, {
  id, architecture: arch.name, testAccuracy: last.testAccuracy, testSize: test.n, trainSize: train.n,
  date: new Date().toISOString(), command, epochs: opts.epochs, seed: opts.seed, splitSeed: DEFAULT_SPLIT_SEED,
  testFraction: DEFAULT_TEST_FRACTION, backend, hyper: { batchSize: opts.batchSize, learningRate: opts.learningRate, lrDecay: opts.lrDecay, shift: opts.shift, rotate: opts.rotate, scale: opts.scale },
}, outDir);
say(`# final test accuracy ${(last.testAccuracy * 100).toFixed(2)}% on ${test.n} images; saved ${relative(process.cwd(), paths.json)}`);
tf.disposeVariables();
