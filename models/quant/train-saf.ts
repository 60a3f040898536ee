/**
 * Trains LeNet-5 / VGG-MNIST with a saturated weight transform in the loop for one numeric format
 * and saves models/weights/protected/<model>+saf[-fn][-fp16|-int8].{json,bin,log}:
 *   npx tsx models/quant/train-saf.ts --model lenet5 --format fp32 --epochs 15
 *   npx tsx models/quant/train-saf.ts --model lenet5 --format int8 --epochs 5   (QAT from <model>+saf)
 *   npx tsx models/quant/train-saf.ts --model lenet5 --format fp16 --epochs 5 --from-fp32
 * Accuracy is reported on the whole test split by the engine (hardware read path, the format).
 */
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../io/load';
import { readWeights } from '../io/weights';
import { useBackend } from '../train/backend';
import { calibrationSets, datasetOf, PROTECTED_DIR, protectedId, saveProtected } from '../protections/io';
import { DEFAULT_SAF_TRAIN, trainSaf, type Saf } from '../protections/saf';
import { parseProtection, type SafFormat } from '../protections/spec';
import { fastKernel, hwAccuracy } from './hwEval';
import { ptq } from './ptq';
import { maxValue } from '../../sim/format/format';

const d = DEFAULT_SAF_TRAIN;
const program = new Command()
  .requiredOption('--model <id>', 'lenet5 | vgg_mnist')
  .option('--fn <f>', 'tanh | arctan | softsign', 'tanh')
  .option('--format <f>', 'fp32 | fp16 | int8', 'fp32')
  .option('--epochs <n>', 'epochs (int8: QAT epochs after the fp32 SAF network)', String(d.epochs))
  .option('--batch <n>', 'batch', String(d.batch))
  .option('--lr <x>', 'Adam learning rate', String(d.lr))
  .option('--lr-decay <x>', 'learning-rate factor per epoch', String(d.lrDecay))
  .option('--seed <n>', 'shuffle seed', String(d.seed))
  .option('--init-seed <n>', 'Glorot init seed', String(d.initSeed))
  .option('--shift <n>', 'random translation of training images, pixels', String(d.shift ?? 0))
  .option('--from-fp32', 'fp16: start from the trained fp32 SAF network (as int8 always does) instead of a fresh init')
  .option('--out <dir>', 'output directory', PROTECTED_DIR);
program.parse();
const o = program.opts<Record<string, string>>();
const backend = await useBackend('wasm');
const model = o.model!;
const format = o.format as SafFormat;
const fn = o.fn as Saf;
const sp = parseProtection(`saf${fn === 'tanh' ? '' : `-${fn}`}${format === 'fp32' ? '' : `-${format}`}`);
if (!sp.ok) { console.error(sp.reason); process.exit(2); }
const arch = loadModel(model);
const { train, test } = datasetOf(model);
const { calib } = calibrationSets(2000, 500, model);
let from;
if (format === 'int8' || (format === 'fp16' && o.fromFp32)) {
  const fp = parseProtection(`saf${fn === 'tanh' ? '' : `-${fn}`}`);
  const r = readWeights(protectedId(model, fp.ok ? fp.value : sp.value), o.out);
  if (!r.ok) { console.error(`${format} starts from the fp32 SAF network: ${r.reason}`); process.exit(2); }
  from = r.value.net;
}
const opts = { epochs: Number(o.epochs), batch: Number(o.batch), lr: Number(o.lr), lrDecay: Number(o.lrDecay), seed: Number(o.seed), initSeed: Number(o.initSeed), shift: Number(o.shift) };
const t0 = Date.now();
const r = trainSaf(arch, fn, format, train, calib, test, opts, from, (l) => console.log(`  ${l}`));
const secs = (Date.now() - t0) / 1000;
const kernel = await fastKernel();
const p = format === 'int8' ? r.ptq! : undefined;
const accHw = hwAccuracy(r.net, test, kernel, format, p);
const baseHw = hwAccuracy(arch, test, kernel, format, format === 'int8' ? ptq(arch, calib) : undefined);
const clipped = p ? r.net.layers.reduce((n, l, i) => (l.kind === 'conv2d' || l.kind === 'dense' ? n + l.weights.filter((w) => Math.abs(w) > maxValue(p.formats[i]!.weight)).length : n), 0) : 0;
const command = `npx tsx models/quant/train-saf.ts ${process.argv.slice(2).join(' ')}`;
const lines = [`# ${command}`, `# backend=${backend} kernel=${kernel.name} train=${train.n} test=${test.n} calib=${calib.n} time=${secs.toFixed(1)}s`, ...r.log,
  `engine test accuracy (${format}${p ? ', per-layer PTQ formats' : ''}): ${sp.value.id} ${(accHw * 100).toFixed(2)}%, unprotected ${model} ${(baseHw * 100).toFixed(2)}% (${test.n} images)`,
  ...(p ? [`raw weights outside their stored int8 format: ${clipped}`] : [])];
for (const l of lines.slice(-3)) console.log(l);
saveProtected(model, sp.value, r.net, {
  id: protectedId(model, sp.value), architecture: model, testAccuracy: accHw, testSize: test.n, trainSize: train.n, date: new Date().toISOString(),
  command, epochs: opts.epochs, seed: opts.seed, splitSeed: 0, testFraction: 0, backend, hyper: { ...opts, engineTestAccuracyBase: baseHw },
}, o.out);
writeFileSync(join(o.out!, `${protectedId(model, sp.value)}.log`), lines.join('\n') + '\n');
console.log(`saved ${protectedId(model, sp.value)}`);
