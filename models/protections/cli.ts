/**
 * `npm run protect -- --model lenet5 --protection proact+saf`: runs the protection's calibration /
 * training on the deterministic MNIST calibration slice, prints the log and the overhead report,
 * and saves models/weights/protected/<model>+<protection>.json + .bin (and a .log beside it).
 * A combination with `saf` starts from the saved SAF network `<model>+saf[-fn]` (trained with the
 * transform in the loop by models/quant/train-saf.ts), read from the output directory or else
 * models/weights/protected.
 * `--model path/net.onnx --data <images>` calibrates an imported network on the user's data (IDX /
 * CIFAR-10 / PNG folder, models/io/datasets.ts loadDataPath: the first --calib images calibrate, the
 * last --val validate) and saves path/net+<protection>.json + .bin beside the .onnx file, where
 * `run` / campaigns / the GUI find them (models/protections/io.ts protectedDir).
 */
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../io/load';
import { useBackend } from '../train/backend';
import { parseArraySpec } from '../../sim/array/spec';
import { calibrationSets, PROTECTED_DIR, protectedDir, protectedId, saveProtected, weightsChecksum } from './io';
import { readWeights } from '../io/weights';
import { loadDataPath } from '../io/datasets';
import { head, subset, type Dataset } from '../data/dataset';
import { overheadOf } from './overhead';
import { protectNetwork } from './protect';
import { DEFAULT_FITACT, DEFAULT_PROACT } from './boundTrain';
import { parseProtection, trainSafCommand, type ProtectionSpec } from './spec';
import type { Network } from '../../sim/layers/types';

const program = new Command()
  .name('protect')
  .requiredOption('--model <id>', 'trained model id (lenet5 | vgg_mnist) or a path to an .onnx file')
  .requiredOption('--protection <ids>', 'comma-separated protection ids, e.g. ranger,fitact,proact+saf')
  .option('--calib <n>', 'calibration images (train split head)', '2000')
  .option('--val <n>', 'validation images (test split tail, disjoint from campaign slices up to 1000)', '500')
  .option('--fitact-epochs <n>', 'FitAct: most epochs over the calibration set (authors: 100)', String(DEFAULT_FITACT.maxEpochs))
  .option('--proact-epochs <n>', 'ProAct: most epochs per weight-decay value (authors: 100 + 5)', String(DEFAULT_PROACT.epochsPerDecay))
  .option('--proact-decays <list>', 'ProAct: comma-separated weight decays swept in order (authors: 4e-5,4e-6,...,4e-15)', DEFAULT_PROACT.decays.map((d) => d.toExponential(0)).join(','))
  .option('--backend <name>', 'tfjs backend: wasm or cpu', 'wasm')
  .option('--data <path>', 'calibrate on these images: IDX images file, CIFAR-10 .bin, or a folder (default: the model\'s split; MNIST for 28x28x1 .onnx models)')
  .option('--out <dir>', `output directory (default ${PROTECTED_DIR}; the .onnx file's folder for an .onnx model)`);
program.parse();
const o = program.opts<Record<string, string>>();
const backend = await useBackend(o.backend as 'cpu' | 'wasm');
const model = o.model!;
const base = loadModel(model);
o.out ??= protectedDir(model, PROTECTED_DIR);

/** Calibration (head) and validation (tail) images of the --data set, shape-checked against the network input. */
function userSets(path: string, calibN: number, valN: number): { calib: Dataset; val: Dataset } {
  const c = base.input.c === 1 || base.input.c === 3 ? base.input.c : undefined;
  const r = loadDataPath(path, c);
  if (!r.ok) { console.error(`--data: ${r.reason}`); process.exit(2); }
  let ds = r.value;
  const s = ds.shape;
  const i = base.input;
  if (s.h * s.w * s.c !== i.h * i.w * i.c || (!(i.h === 1 && i.w === 1) && (s.h !== i.h || s.w !== i.w || s.c !== i.c))) {
    console.error(`--data: the model's input is ${i.h}x${i.w}x${i.c} (HxWxC) but ${path} holds ${s.h}x${s.w}x${s.c} images (expected ${i.h}x${i.w}x${i.c}, found ${s.h}x${s.w}x${s.c})`);
    process.exit(2);
  }
  if (i.h === 1 && i.w === 1 && (s.h !== 1 || s.w !== 1)) ds = { ...ds, shape: i }; // flat input: the same pixels in order
  const nv = Math.min(valN, Math.floor(ds.n / 2));
  const nc = Math.min(calibN, ds.n - nv);
  console.log(`  --data ${path}: ${ds.n} images of ${s.h}x${s.w}x${s.c}, calibrating on the first ${nc}, validating on the last ${nv}`);
  return { calib: head(ds, nc), val: subset(ds, Array.from({ length: nv }, (_, k) => ds.n - nv + k)) };
}
const onnxDefault = /\.onnx$/i.test(model) && base.input.h * base.input.w * base.input.c !== 784;
if (o.data === undefined && onnxDefault) {
  console.error(`--data: required for ${model}: its input is ${base.input.h}x${base.input.w}x${base.input.c}, not MNIST's 28x28x1 (an IDX images file, CIFAR-10 .bin, or a folder of those or of class folders of PNGs)`);
  process.exit(2);
}
const { calib, val } = o.data !== undefined ? userSets(o.data, Number(o.calib), Number(o.val)) : calibrationSets(Number(o.calib), Number(o.val), model);
/** The saved SAF network a `saf` combination starts from (`<model>+saf[-fn]` in the output directory, else the protected-weights directory), or undefined for specs without saf. */
function safNetOf(spec: ProtectionSpec): Network | undefined {
  if (!spec.saf) return undefined;
  const part = spec.id.split('+').find((p) => p.startsWith('saf'))!;
  const sp = parseProtection(part);
  if (!sp.ok) { console.error(sp.reason); process.exit(2); }
  const dirs = [...new Set([o.out!, protectedDir(model, PROTECTED_DIR)])];
  const tries = dirs.map((d) => readWeights(protectedId(model, sp.value), d));
  const r = tries.find((x) => x.ok) ?? tries[0]!;
  if (!r.ok) {
    console.error(`--protection ${spec.id}: starts from the trained SAF network ${protectedId(model, sp.value)} (looked in ${dirs.join(', ')}): ${r.reason}; train it with \`${trainSafCommand(spec, model)}\``);
    process.exit(2);
  }
  return r.value.net;
}
const spec16 = parseArraySpec({ rows: 16, cols: 16, dataflow: 'ws', format: { kind: 'fp32' } });
if (!spec16.ok) throw new Error(spec16.reason);
for (const id of o.protection!.split(',')) {
  const sp = parseProtection(id);
  if (!sp.ok) { console.error(sp.reason); process.exit(2); }
  const t0 = Date.now();
  const safNet = safNetOf(sp.value);
  const run = () => protectNetwork(base, sp.value, calib, val, {
    ...(safNet ? { safNet } : {}),
    fitact: { ...DEFAULT_FITACT, maxEpochs: Number(o.fitactEpochs) },
    proact: { ...DEFAULT_PROACT, epochsPerDecay: Number(o.proactEpochs), decays: o.proactDecays!.split(',').map(Number) },
    onLog: (l) => console.log(`  ${l}`),
  });
  let r: ReturnType<typeof run>;
  try { r = run(); } catch (e) { console.error(`--protection ${sp.value.id}: ${(e as Error).message.replaceAll('<model>', model)}`); process.exit(2); }
  const secs = (Date.now() - t0) / 1000;
  const ov = overheadOf(r.net, sp.value, spec16.value);
  const epochs = sp.value.activation === 'fitact' ? ` --fitact-epochs ${o.fitactEpochs}` : sp.value.activation === 'proact' ? ` --proact-epochs ${o.proactEpochs} --proact-decays ${o.proactDecays}` : '';
  const command = `npm run protect -- --model ${model} --protection ${sp.value.id} --calib ${o.calib} --val ${o.val}${epochs} --backend ${o.backend}${o.data !== undefined ? ` --data ${o.data}` : ''}`;
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
