/**
 * ProAct bounds on an existing SAF network (the saved `<model>+saf` file, not a new SAF fine-tune):
 *   npx tsx models/protections/proactOnSaf.ts --model lenet5 --calib 8500 --val 1500 --epochs 1
 * (default decays: the authors' sweep 4e-5 … 4e-15, boundTrain.ts DEFAULT_PROACT). Saves
 * models/weights/protected/<model>+proact+saf.json/.bin/.log (zeroing ProAct bounds, boundTrain.ts),
 * the log ending with the accuracy after training and each layer's bound against its profiled max.
 */
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../io/load';
import { useBackend } from '../train/backend';
import { DEFAULT_PROACT, proact } from './boundTrain';
import { boundSummary } from './bounds';
import { accuracyOf, logitsOf } from './data';
import { TfNetwork } from './tfForward';
import { calibrationSets, loadProtected, PROTECTED_DIR, saveProtected, weightsChecksum } from './io';
import { profileActivations } from './profile';
import { parseProtection } from './spec';

const o = new Command().name('proact-on-saf').requiredOption('--model <id>', 'model id')
  .option('--calib <n>', 'training images (train split head)', '2000').option('--val <n>', 'validation images (test split tail)', '1500')
  .option('--decays <list>', "weight decays swept (default: the authors' 4e-5 … 4e-15)", DEFAULT_PROACT.decays.map((d) => d.toExponential(0)).join(',')).option('--epochs <n>', 'epochs per decay', '1')
  .parse().opts<Record<string, string>>();
const backend = await useBackend('wasm');
const model = o.model!;
const base = loadModel(model);
const saf = loadProtected(model, 'saf', base);
if (!saf.ok) { console.error(saf.reason); process.exit(2); }
const spec = parseProtection('proact+saf');
if (!spec.ok) throw new Error(spec.reason);
const { calib, val } = calibrationSets(Number(o.calib), Number(o.val), model);
const t0 = Date.now();
const log: string[] = [];
const profile = profileActivations(saf.value.net, calib);
log.push(`profile of ${model}+saf on ${calib.n} images: ${profile.map((p) => `${p.name} max ${p.max.toFixed(3)}`).join(', ')}`);
const r = proact(saf.value.net, profile, calib, val, { ...DEFAULT_PROACT, epochsPerDecay: Number(o.epochs), decays: o.decays!.split(',').map(Number), onEpoch: (l) => { log.push(l); console.log(l); } });
const tfn = new TfNetwork(r.net);
const after = accuracyOf(logitsOf(tfn, val), val.labels);
tfn.dispose();
log.push(`proact on the saved ${model}+saf weights: ${r.steps.length} epochs; start ${(r.start * 100).toFixed(2)}%, unbounded ${(r.baseline * 100).toFixed(2)}%, after ${(after * 100).toFixed(2)}% on ${val.n} images`);
log.push(`bounds: ${boundSummary(r.net, profile)}`);
const command = `npx tsx models/protections/proactOnSaf.ts ${process.argv.slice(2).join(' ')}`;
const lines = [`# ${command}`, `# backend=${backend} calib=${calib.n} val=${val.n} time=${((Date.now() - t0) / 1000).toFixed(1)}s`, ...log];
saveProtected(model, spec.value, r.net, {
  id: `${model}+proact+saf`, architecture: model, testAccuracy: null, testSize: 0, trainSize: calib.n, date: new Date().toISOString(),
  command, epochs: 0, seed: 0, splitSeed: 0, testFraction: 0, backend, hyper: { valAccuracyBefore: r.start, valAccuracyAfter: after, baseChecksum: weightsChecksum(base) },
});
writeFileSync(join(PROTECTED_DIR, `${model}+proact+saf.log`), lines.join('\n') + '\n');
console.log(lines.join('\n'));
