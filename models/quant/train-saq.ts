/**
 * QAT and SAQ (FlatENN) for int8 from the trained fp32 model, with the flatness measured:
 *   npx tsx models/quant/train-saq.ts --model lenet5 --epochs 5 --rho 0.1
 * Trains <model>+qat (rho 0) and <model>+saq (rho > 0) with the same start, seed and batches, then
 * reports for the PTQ'd base, QAT and SAQ: engine int8 test accuracy, the sharpness S(r) =
 * max_{||eps||2 <= r} L(Q(w)+eps) - L(Q(w)) (5 projected-ascent steps) and the mean loss increase
 * along 10 random directions of norm r, on the first 1,000 training images, for several radii r;
 * and how many int8 weight codes SAQ moves against QAT. Writes <model>+{qat,saq}.{json,bin,log}.
 */
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { head } from '../data/dataset';
import { loadModel } from '../io/load';
import { useBackend } from '../train/backend';
import { calibrationSets, datasetOf, PROTECTED_DIR, protectedId, saveProtected, weightsChecksum } from '../protections/io';
import { codeDifference, DEFAULT_SAQ, quantizedLoss, randomSharpness, sharpness, trainQuantized } from '../protections/saq';
import { parseProtection } from '../protections/spec';
import type { Network } from '../../sim/layers/types';
import { fastKernel, hwAccuracy } from './hwEval';
import { ptq, type PtqResult } from './ptq';

const d = DEFAULT_SAQ;
const program = new Command()
  .requiredOption('--model <id>', 'lenet5 | vgg_mnist')
  .option('--epochs <n>', 'epochs over the training split', String(d.epochs))
  .option('--batch <n>', 'batch', String(d.batch))
  .option('--lr <x>', 'Adam learning rate', String(d.lr))
  .option('--lr-decay <x>', 'learning-rate factor per epoch', String(d.lrDecay))
  .option('--seed <n>', 'shuffle seed', String(d.seed))
  .option('--rho <x>', 'SAM radius on the quantized weights', String(d.rho))
  .option('--shift <n>', 'random translation of training images, pixels', String(d.shift ?? 0))
  .option('--radii <list>', 'radii of the sharpness report', '0.05,0.1,0.5,1')
  .option('--out <dir>', 'output directory', PROTECTED_DIR);
program.parse();
const o = program.opts<Record<string, string>>();
const backend = await useBackend('wasm');
const model = o.model!;
const base = loadModel(model);
const { train, test } = datasetOf(model);
const { calib } = calibrationSets(2000, 500, model);
const probe = head(train, 1000);
const kernel = await fastKernel();
const radii = o.radii!.split(',').map(Number);
const command = `npx tsx models/quant/train-saq.ts ${process.argv.slice(2).join(' ')}`;
const fmt = (p: PtqResult) => p.formats.map((f) => (f.weight.kind === 'int8' ? `Q${f.weight.intBits}.${f.weight.fracBits}` : f.weight.kind)).join(' ');

function measure(name: string, net: Network, p: PtqResult, out: string[]): void {
  const acc = hwAccuracy(net, test, kernel, 'int8', p);
  const q = quantizedLoss(net, p, probe);
  try {
    const cells = radii.map((r) => {
      const s = sharpness(q.loss, q.eps, r, 5);
      const rnd = randomSharpness(q.loss, q.eps, r, 10, 5);
      return `r=${r}: S=${s.sharpness.toFixed(4)} random=${rnd.toFixed(4)}`;
    });
    const l0 = q.loss().dataSync()[0]!;
    out.push(`${name}: engine int8 test ${(acc * 100).toFixed(2)}% (${test.n} images); formats ${fmt(p)}; probe loss ${l0.toFixed(4)}; sharpness ${cells.join('; ')}`);
  } finally {
    q.dispose();
  }
}

const basePtq = ptq(base, calib);
const summary: string[] = [`# ${command}`, `# backend=${backend} kernel=${kernel.name} train=${train.n} test=${test.n} probe=${probe.n} (sharpness on train images 0..${probe.n - 1})`];
measure('ptq (base)', base, basePtq, summary);
console.log(summary.at(-1));
const trained: Record<string, { net: Network; ptq: PtqResult; log: string[]; secs: number }> = {};
for (const [id, rho] of [['qat', 0], ['saq', Number(o.rho)]] as const) {
  const opts = { epochs: Number(o.epochs), batch: Number(o.batch), lr: Number(o.lr), lrDecay: Number(o.lrDecay), seed: Number(o.seed), rho, shift: Number(o.shift) };
  const log: string[] = [];
  const t0 = Date.now();
  const r = trainQuantized(base, train, calib, opts, (e, l, lr) => { const s = `${id} epoch ${e}/${opts.epochs} loss=${l.toFixed(4)} lr=${lr.toExponential(2)}`; log.push(s); console.log(s); });
  const secs = (Date.now() - t0) / 1000;
  log.push(`${id}: ${rho > 0 ? `SAM ascent rho=${rho} on the quantized weights` : 'no SAM'}; trained with formats ${fmt(r.trainedWith)}, PTQ after training ${fmt(r.ptq)}`);
  trained[id] = { net: r.net, ptq: r.ptq, log, secs };
}
const lines: string[] = [];
for (const id of ['qat', 'saq'] as const) measure(id, trained[id]!.net, trained[id]!.ptq, lines);
const dq = codeDifference(trained.qat!.net, trained.qat!.ptq, trained.saq!.net, trained.saq!.ptq);
const db = codeDifference(base, basePtq, trained.qat!.net, trained.qat!.ptq);
lines.push(`int8 codes SAQ vs QAT: ${dq.changed}/${dq.total} differ (${(100 * dq.changed / dq.total).toFixed(2)}%), mean |diff| ${dq.meanAbs.toFixed(2)} LSB, max ${dq.maxAbs.toFixed(0)}`);
lines.push(`int8 codes QAT vs PTQ base: ${db.changed}/${db.total} differ (${(100 * db.changed / db.total).toFixed(2)}%), mean |diff| ${db.meanAbs.toFixed(2)} LSB`);
for (const l of lines) console.log(l);
for (const id of ['qat', 'saq'] as const) {
  const sp = parseProtection(id);
  if (!sp.ok) throw new Error(sp.reason);
  const t = trained[id]!;
  const all = [...summary, `# time=${t.secs.toFixed(1)}s`, ...t.log, ...lines];
  saveProtected(model, sp.value, t.net, {
    id: protectedId(model, sp.value), architecture: model, testAccuracy: null, testSize: test.n, trainSize: train.n, date: new Date().toISOString(),
    command, epochs: Number(o.epochs), seed: Number(o.seed), splitSeed: 0, testFraction: 0, backend,
    hyper: { lr: Number(o.lr), batch: Number(o.batch), lrDecay: Number(o.lrDecay), rho: id === 'saq' ? Number(o.rho) : 0, baseChecksum: weightsChecksum(base) },
  }, o.out);
  writeFileSync(join(o.out!, `${protectedId(model, sp.value)}.log`), all.join('\n') + '\n');
}
console.log('saved');
