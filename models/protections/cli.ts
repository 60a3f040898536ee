/**
 * `npm run protect -- --model lenet5 --protection proact+saf`: runs the protection's calibration /
 * training on the deterministic MNIST calibration slice, prints the log and the overhead report,
 * and saves models/weights/protected/<model>+<protection>.json + .bin (and a .log beside it).
 */
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../io/load';
import { useBackend } from '../train/backend';
import { parseArraySpec } from '../../sim/array/spec';
import { calibrationSets, PROTECTED_DIR, protectedId, saveProtected, weightsChecksum } from './io';
import { overheadOf } from './overhead';
import { protectNetwork } from './protect';
import { DEFAULT_FITACT, DEFAULT_PROACT } from './boundTrain';
import { parseProtection } from './spec';

const program = new Command()
  .name('protect')
  .requiredOption('--model <id>', 'trained model id (lenet5 | vgg_mnist)')
  .requiredOption('--protection <ids>', 'comma-separated protection ids, e.g. ranger,fitact,proact+saf')
  .option('--calib <n>', 'calibration images (train split head)', '2000')
  .option('--val <n>', 'validation images (test split tail, disjoint from campaign slices up to 1000)', '500')
  .option('--fitact-epochs <n>', 'FitAct: most epochs over the calibration set (authors: 100)', String(DEFAULT_FITACT.maxEpochs))
  .option('--proact-epochs <n>', 'ProAct: most epochs per weight-decay value (authors: 100 + 5)', String(DEFAULT_PROACT.epochsPerDecay))
  .option('--backend <name>', 'tfjs backend: wasm or cpu', 'wasm')
  .option('--out <dir>', 'output directory', PROTECTED_DIR);
program.parse();
const o = program.opts<Record<string, string>>();
const backend = await useBackend(o.backend as 'cpu' | 'wasm');
const model = o.model!;
const base = loadModel(model);
const { calib, val } = calibrationSets(Number(o.calib), Number(o.val), model);
const spec16 = parseArraySpec({ rows: 16, cols: 16, dataflow: 'ws', format: { kind: 'fp32' } });
if (!spec16.ok) throw new Error(spec16.reason);
for (const id of o.protection!.split(',')) {
  const sp = parseProtection(id);
  if (!sp.ok) { console.error(sp.reason); process.exit(2); }
  const t0 = Date.now();
  const r = protectNetwork(base, sp.value, calib, val, {
    fitact: { ...DEFAULT_FITACT, maxEpochs: Number(o.fitactEpochs) },
    proact: { ...DEFAULT_PROACT, epochsPerDecay: Number(o.proactEpochs) },
    onLog: (l) => console.log(`  ${l}`),
  });
  const secs = (Date.now() - t0) / 1000;
  const ov = overheadOf(r.net, sp.value, spec16.value);
  const epochs = sp.value.activation === 'fitact' ? ` --fitact-epochs ${o.fitactEpochs}` : sp.value.activation === 'proact' ? ` --proact-epochs ${o.proactEpochs}` : '';
  const command = `npm run protect -- --model ${model} --protection ${sp.value.id} --calib ${o.calib} --val ${o.val}${epochs} --backend ${o.backend}`;
  const lines = [`# ${command}`, `# backend=${backend} calib=${calib.n} val=${val.n} time=${secs.toFixed(1)}s`, ...r.log,
    `overhead (16x16 ws fp32): ${JSON.stringify(ov)}`];
  for (const l of lines) console.log(l);
  const json = saveProtected(model, sp.value, r.net, {
    id: protectedId(model, sp.value), architecture: model, testAccuracy: null, testSize: 0, trainSize: calib.n, date: new Date().toISOString(),
    command, epochs: 0, seed: 0, splitSeed: 0, testFraction: 0, backend, hyper: { valAccuracyBefore: r.accuracyBefore, valAccuracyAfter: r.accuracyAfter, baseChecksum: weightsChecksum(base) },
  }, o.out);
  writeFileSync(join(o.out!, `${protectedId(model, sp.value)}.log`), lines.join('\n') + '\n');
  console.log(`saved ${json}`);
}
