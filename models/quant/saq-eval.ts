/**
 * The FlatENN stuck-at evaluation on int8 weights, paired:
 *   npx tsx models/quant/saq-eval.ts --model lenet5 --rates 1e-3,3e-3,1e-2 --trials 100
 * For every rate and trial one seed drives the faults of every model: each stored int8 weight bit
 * (each layer in its own PTQ Qm.n) is stuck-at-0 with probability rate/2 and stuck-at-1 with
 * probability rate/2 (independent draws; a stuck bit that already holds its value is masked), on
 * the same positions for every model (all have the same weight layout). Accuracy by the engine's
 * int8 golden run on test images [start, start+count). Prints and writes a Markdown table (mean,
 * median, 95% bootstrap interval, share of trials below the threshold, paired SAQ - QAT
 * difference) to models/weights/protected/<model>+saq.stuckat.md (+ .json with every trial).
 * `--kind seu` flips each stored int8 weight bit with probability rate instead (static SEUs, the
 * per-bit model of the int8 campaigns, paired the same way): <model>+saq.seu.md.
 */
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { subset } from '../data/dataset';
import { loadModel } from '../io/load';
import { useBackend } from '../train/backend';
import { int8Format } from '../../sim/format/format';
import type { Network } from '../../sim/layers/types';
import { calibrationSets, datasetOf, loadProtected, PROTECTED_DIR } from '../protections/io';
import { corruptStored } from '../protections/exposure';
import { formatCell, pairedDiff, pointStats } from '../protections/reproStats';
import { fastKernel, hwAccuracy } from './hwEval';
import { ptq, type PtqResult } from './ptq';

const program = new Command()
  .requiredOption('--model <id>', 'lenet5 | vgg_mnist')
  .option('--protections <ids>', 'int8 models compared (ptq = the base with PTQ)', 'ptq,qat,saq')
  .option('--kind <k>', "'stuckat' (half stuck-at-0, half stuck-at-1) or 'seu' (bit flips)", 'stuckat')
  .option('--rates <list>', 'stuck-at rates (or bit-flip BERs) per stored bit', '1e-3,3e-3,1e-2')
  .option('--trials <n>', 'paired trials per rate', '100')
  .option('--start <n>', 'first test image', '0')
  .option('--count <n>', 'test images per trial', '500')
  .option('--threshold <x>', 'catastrophic: accuracy below this (0..1)', '0.5')
  .option('--seed <n>', 'seed', '1')
  .option('--name <s>', 'output name', '');
program.parse();
const o = program.opts<Record<string, string>>();
await useBackend('wasm');
const model = o.model!;
const seu = o.kind === 'seu';
if (!seu && o.kind !== 'stuckat') { console.error(`--kind: expected stuckat or seu, found ${o.kind}`); process.exit(2); }
const base = loadModel(model);
const split = datasetOf(model);
const test = subset(split.test, Array.from({ length: Math.min(Number(o.count), split.test.n - Number(o.start)) }, (_, i) => Number(o.start) + i));
const { calib } = calibrationSets(2000, 500, model);
const kernel = await fastKernel();
const rates = o.rates!.split(',').map(Number);
const trials = Number(o.trials), seed = Number(o.seed), threshold = Number(o.threshold);
const ids = o.protections!.split(',');
const nets = new Map<string, { net: Network; p: PtqResult }>();
for (const id of ids) {
  const r = id === 'ptq' ? { ok: true as const, value: { net: base } } : loadProtected(model, id, base);
  if (!r.ok) { console.error(r.reason); process.exit(2); }
  nets.set(id, { net: r.value.net, p: ptq(r.value.net, calib) });
}
const mix = (a: number, b: number, c: number): number => {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 1, 0xc2b2ae35) ^ Math.imul(c + 1, 0x27d4eb2f);
  h ^= h >>> 15; h = Math.imul(h, 0x2c1b3c6d); h ^= h >>> 12;
  return h | 0;
};
const t0 = Date.now();
const clean = new Map<string, number>();
const acc = new Map<string, number[][]>();
for (const id of ids) {
  const { net, p } = nets.get(id)!;
  const layerFormat = (i: number) => p.formats[i];
  clean.set(id, hwAccuracy(net, test, kernel, 'int8', p));
  acc.set(id, rates.map((rate, b) => Array.from({ length: trials }, (_, t) => {
    if (seu) return hwAccuracy(corruptStored(net, int8Format(3, 4), rate, 'per-bit', 'seu', mix(seed, b, t), { bounds: false, layerFormat }).network, test, kernel, 'int8', p);
    const s0 = corruptStored(net, int8Format(3, 4), rate / 2, 'per-bit', 'stuckAt0', mix(seed, b, t), { bounds: false, layerFormat });
    const s1 = corruptStored(s0.network, int8Format(3, 4), rate / 2, 'per-bit', 'stuckAt1', mix(seed ^ 0x5bd1e995, b, t), { bounds: false, layerFormat });
    return hwAccuracy(s1.network, test, kernel, 'int8', p);
  })));
  console.error(`${id}: done (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
const secs = (Date.now() - t0) / 1000;
const command = `npx tsx models/quant/saq-eval.ts ${process.argv.slice(2).join(' ')}`;
const lines = [`<!-- ${command} -->`,
  `${model} int8 (per-layer PTQ formats of each model), ${seu ? 'bit flips (static SEUs) in the stored weight bits: each bit flipped with probability BER' : 'stuck-at faults in the stored weight bits: each bit stuck-at-0 with p = rate/2 and stuck-at-1 with p = rate/2'}, same positions for every model at a trial; test images ${o.start}..${Number(o.start) + test.n - 1}; ${trials} paired trials per rate; catastrophic = accuracy < ${threshold * 100}%; ${kernel.name} kernel; ${secs.toFixed(0)} s.`,
  '', `| model | clean | ${rates.map((r) => `${seu ? 'BER' : 'stuck-at'} ${r}`).join(' | ')} |`, `|---|---|${rates.map(() => '---|').join('')}`];
for (const id of ids) lines.push(`| ${id} | ${(clean.get(id)! * 100).toFixed(1)} | ${acc.get(id)!.map((a) => formatCell(pointStats(a, threshold, 1))).join(' | ')} |`);
lines.push('', '(accuracy %: mean / median [95% bootstrap interval of the mean] catastrophic share)');
if (ids.includes('qat') && ids.includes('saq')) {
  lines.push('', `Paired SAQ − QAT (points): ${rates.map((r, b) => { const d = pairedDiff(acc.get('qat')![b]!, acc.get('saq')![b]!, 1); return `${r}: ${(d.mean * 100).toFixed(2)} [${(d.lo * 100).toFixed(2)}, ${(d.hi * 100).toFixed(2)}] (SAQ better in ${(d.better * 100).toFixed(0)}%, worse in ${(d.worse * 100).toFixed(0)}% of trials)`; }).join('; ')}`);
}
for (const l of lines) console.log(l);
const name = o.name || `${model}+saq.${seu ? 'seu' : 'stuckat'}`;
writeFileSync(join(PROTECTED_DIR, `${name}.md`), lines.join('\n') + '\n');
writeFileSync(join(PROTECTED_DIR, `${name}.json`), JSON.stringify({ command, kind: seu ? 'seu' : 'stuckat', rates, trials, clean: Object.fromEntries(clean), acc: Object.fromEntries(acc) }) + '\n');
