/**
 * Paired reproduction of the protection papers on static weight-SRAM faults:
 *   npx tsx models/protections/repro.ts --model lenet5 --fault-model rrelu --trials 100 --name lenet5-rrelu
 * For every BER and trial one seed (campaign seed, BER index, trial; never the protection) drives
 * `corruptStored` (models/protections/exposure.ts) on every protection's stored parameters, so all
 * protections see the same faults at a trial: identical weight/bias positions and bits, bounds
 * after them. Each corrupted network runs through the engine's golden path (`runGolden`, the same
 * call a campaign trial makes for a weightSram BER point) on a slice of the test split. Writes the
 * per-trial accuracies (JSON) and a Markdown table (mean / median [95% bootstrap interval of the
 * mean] share of catastrophic trials) under models/protections/results/ (per-protection caches
 * <name>.<protection>.json are reused while the parameters and the network's checksum match).
 */
import { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGolden, type GoldenRun } from '../../sim/engine/golden';
import { createJsKernel } from '../../sim/kernels';
import { createKernel } from '../../sim/kernels/select';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { FP32 } from '../../sim/format/format';
import type { Network } from '../../sim/layers/types';
import { loadModel } from '../io/load';
import type { Dataset } from '../data/dataset';
import { subset } from '../data/dataset';
import { corruptStored, type StoredBerDefinition } from './exposure';
import { boundsOf, withBounds } from './bounds';
import { datasetOf, loadProtected, PROTECTED_DIR, weightsChecksum } from './io';
import { formatCell, pairedDiff, pointStats } from './reproStats';

const RRELU_BERS = '1e-7,3e-7,1e-6,3e-6,1e-5,3e-5';
const program = new Command()
  .name('repro')
  .requiredOption('--model <id>', 'model id (lenet5, vgg_mnist, lenet5_fashion, vgg_fashion)')
  .option('--protections <ids>', "comma-separated protection ids ('ranger-zero': Ranger's bounds with zeroing)", 'relu,ranger,ranger-zero,clipact,fitact,proact')
  .option('--fault-model <m>', "'rrelu' (Q15.16, floor(numel x 32 x BER) per tensor, biases) or 'per-bit' (fp32, each bit with probability BER)", 'rrelu')
  .option('--bers <list>', 'comma-separated BERs (default: the authors\' 1e-7..3e-5 for rrelu, 1e-7..1e-4 for per-bit)')
  .option('--trials <n>', 'trials per BER (the same faults for every protection)', '100')
  .option('--start <n>', 'first test image', '0')
  .option('--count <n>', 'test images per trial', '300')
  .option('--threshold <x>', 'catastrophic: trial accuracy below this (0..1)', '0.5')
  .option('--seed <n>', 'seed', '1')
  .option('--pair <a,b>', 'paired comparison b - a (e.g. fitact,proact)', 'fitact,proact')
  .option('--kernel <name>', 'GEMM backend: tfjs-wasm (default) or js', 'tfjs-wasm')
  .option('--dir <path>', 'protected weights directory', PROTECTED_DIR)
  .option('--fresh', 'recompute every protection even when a cached result matches')
  .option('--name <s>', 'output name (models/protections/results/<name>.json/.md)');
program.parse();
const o = program.opts<Record<string, string | undefined>>();
const model = o.model!;
const def = o.faultModel as StoredBerDefinition;
if (def !== 'rrelu' && def !== 'per-bit') { console.error(`--fault-model: expected rrelu or per-bit, found ${def}`); process.exit(2); }
const bers = (o.bers ?? (def === 'rrelu' ? RRELU_BERS : '1e-7,1e-6,1e-5,3e-5,1e-4')).split(',').map(Number);
const trials = Number(o.trials), seed = Number(o.seed), threshold = Number(o.threshold);
const split = datasetOf(model);
const test: Dataset = subset(split.test, Array.from({ length: Math.min(Number(o.count), split.test.n - Number(o.start)) }, (_, i) => Number(o.start) + i));
const base = loadModel(model);
// every GEMM backend gives identical results; tfjs-wasm is ~7x faster than plain JS on LeNet
const wasmDir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
const kernel = (o.kernel === 'js' ? null : await createKernel('tfjs-wasm', { wasmDir }).then((r) => (r.ok ? r.value : null))) ?? createJsKernel();
const protections = o.protections!.split(',');
const nets = new Map<string, Network>();
for (const p of protections) {
  // 'ranger-zero' (not a protection id): Ranger's layer-wise profiled bounds with zeroing instead of
  // saturation, to show what the zeroing alone does
  const r = loadProtected(model, p === 'ranger-zero' ? 'ranger' : p, base, o.dir);
  if (!r.ok) { console.error(r.reason); process.exit(2); }
  nets.set(p, p === 'ranger-zero' ? withBounds(r.value.net, boundsOf(r.value.net), 'clipZero') : r.value.net);
}
/** Accuracy of `net` on the slice; with `golden` (the clean run of the network `net` was corrupted
 * from) the layers before the first changed one are taken from it (the engine's reuse, as in a campaign trial). */
const accuracy = (net: Network, golden?: GoldenRun): number => {
  let upTo = 0;
  if (golden) while (upTo < net.layers.length && net.layers[upTo] === golden.network.layers[upTo]) upTo++;
  const g = runGolden(net, test.images, { format: FP32 }, kernel, golden && upTo > 0 ? { reuse: { run: golden, upTo } } : {});
  if (!g.ok) throw new Error(g.reason);
  let c = 0;
  g.value.predictions.forEach((p, i) => { if (p === test.labels[i]) c++; });
  return c / test.n;
};
const goldenOf = (net: Network): GoldenRun => {
  const g = runGolden(net, test.images, { format: FP32 }, kernel);
  if (!g.ok) throw new Error(g.reason);
  return g.value;
};
/** Trial seed: a 32-bit mix of (seed, BER index, trial); independent of the protection. */
const trialSeed = (b: number, t: number): number => {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 1, 0xc2b2ae35) ^ Math.imul(t + 1, 0x27d4eb2f);
  h ^= h >>> 15; h = Math.imul(h, 0x2c1b3c6d); h ^= h >>> 12;
  return h | 0;
};
/** 32-bit checksum of a network's weights, biases, activation kinds and bounds (a retrained file invalidates its cache). */
const netChecksum = (net: Network): number => {
  let h = weightsChecksum(net) >>> 0;
  const mix = (v: number) => { h = Math.imul(h ^ v, 0x01000193) >>> 0; };
  const bits = new Uint32Array(1), f = new Float32Array(bits.buffer);
  for (const l of net.layers) {
    if (!('activation' in l)) continue;
    for (const c of l.activation.kind) mix(c.charCodeAt(0));
    if (l.activation.kind === 'clip' || l.activation.kind === 'clipZero') {
      for (const v of typeof l.activation.bound === 'number' ? [l.activation.bound] : l.activation.bound) { f[0] = v; mix(bits[0]!); }
    }
  }
  return h;
};
const t0 = Date.now();
// per-protection results are cached under models/protections/results/<name>.<protection>.json and
// reused while the parameters are the same (the draws depend only on seed, BER and trial)
const resDir = join('models', 'protections', 'results');
const key = JSON.stringify({ model, def, bers, trials, start: o.start, count: test.n, seed });
const clean = new Map<string, number>();
const acc = new Map<string, number[][]>();
let faults: number[][] = bers.map(() => []);
for (const p of protections) {
  const cache = o.name ? join(resDir, `${o.name}.${p}.json`) : null;
  const old = cache && existsSync(cache) ? JSON.parse(readFileSync(cache, 'utf8')) as { key: string; net?: number; clean: number; acc: number[][]; faults: number[][] } : null;
  const sum = netChecksum(nets.get(p)!);
  // caches written before the checksum was recorded (no `net` field) are reused on the key alone
  if (old && old.key === key && (old.net === undefined || old.net === sum) && !o.fresh) {
    clean.set(p, old.clean); acc.set(p, old.acc);
    if (p === protections[0]) faults = old.faults;
    continue;
  }
  const net = nets.get(p)!;
  const golden = goldenOf(net);
  clean.set(p, accuracy(net));
  const a: number[][] = bers.map(() => []);
  const f: number[][] = bers.map(() => []);
  bers.forEach((ber, b) => {
    for (let t = 0; t < trials; t++) {
      const c = corruptStored(net, FP32, ber, def, 'seu', trialSeed(b, t));
      a[b]!.push(c.stats.faults === 0 ? clean.get(p)! : accuracy(c.network, golden));
      f[b]!.push(c.stats.faults);
    }
  });
  acc.set(p, a);
  if (p === protections[0]) faults = f;
  console.error(`${p}: done (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  if (cache) { mkdirSync(resDir, { recursive: true }); writeFileSync(cache, JSON.stringify({ key, net: sum, clean: clean.get(p), acc: a, faults: f }) + '\n'); }
}
const secs = (Date.now() - t0) / 1000;
const command = `npx tsx models/protections/repro.ts ${process.argv.slice(2).join(' ')}`;
const lines = [
  `<!-- ${command} -->`,
  `${model} (${kernel.name} kernel), fault model ${def === 'rrelu' ? 'RReLU (Q15.16 words, floor(numel x 32 x BER) faults per tensor, weights + biases + array bounds)' : 'fp32 per-bit (each stored bit of weights and bounds flipped with probability BER)'}; test images ${o.start}..${Number(o.start) + test.n - 1}; ${trials} paired trials per BER; catastrophic = accuracy < ${threshold * 100}%; computed in ${secs.toFixed(0)} s by this invocation.`,
  '',
  `| protection | clean | ${bers.map((b) => `BER ${b.toExponential(0)}`).join(' | ')} |`,
  `|---|---|${bers.map(() => '---').join('|')}|`,
  ...protections.map((p) => `| ${p} | ${(clean.get(p)! * 100).toFixed(1)} | ${acc.get(p)!.map((a, b) => formatCell(pointStats(a, threshold, seed + b))).join(' | ')} |`),
  '',
  `Cells: mean / median [95% bootstrap interval of the mean] share of trials below ${threshold * 100}%, accuracy in %. Mean faults per trial (first protection): ${faults.map((f) => (f.reduce((a, v) => a + v, 0) / f.length).toFixed(1)).join(', ')}.`,
];
const [pa, pb] = o.pair!.split(',');
if (pa && pb && acc.has(pa) && acc.has(pb)) {
  lines.push('', `Paired ${pb} − ${pa} (same faults): ${bers.map((ber, b) => {
    const d = pairedDiff(acc.get(pa)![b]!, acc.get(pb)![b]!, seed + b);
    return `BER ${ber.toExponential(0)}: ${(d.mean * 100).toFixed(2)} [${(d.lo * 100).toFixed(2)}, ${(d.hi * 100).toFixed(2)}] points, ${pb} better in ${Math.round(d.better * 100)}% / worse in ${Math.round(d.worse * 100)}% of trials`;
  }).join('; ')}.`);
}
console.log(lines.join('\n'));
if (o.name) {
  mkdirSync(resDir, { recursive: true });
  writeFileSync(join(resDir, `${o.name}.md`), lines.join('\n') + '\n');
}
