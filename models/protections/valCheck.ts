/**
 * Accuracy check of saved protected files on the validation slice (the tail of the test split):
 *   npx tsx models/protections/valCheck.ts --model vgg_fashion --protections proact,fitact --val 10000
 * Prints the unprotected network's accuracy and each protected file's (tf graph, hard bounds, %),
 * and the difference in points, e.g. to check a ProAct run gated on fewer images against the whole
 * test split.
 */
import { Command } from 'commander';
import { loadModel } from '../io/load';
import { useBackend } from '../train/backend';
import { accuracyOf, logitsOf } from './data';
import { calibrationSets, loadProtected, PROTECTED_DIR } from './io';
import { TfNetwork } from './tfForward';
import type { Network } from '../../sim/layers/types';

const o = new Command().name('val-check').requiredOption('--model <id>', 'model id')
  .option('--protections <ids>', 'comma-separated protection ids', 'proact')
  .option('--val <n>', 'validation images (test split tail)', '10000')
  .option('--dir <path>', 'protected weights directory', PROTECTED_DIR)
  .parse().opts<Record<string, string>>();
await useBackend('wasm');
const base = loadModel(o.model!);
const { val } = calibrationSets(1, Number(o.val), o.model);
const acc = (net: Network): number => {
  const t = new TfNetwork(net);
  try { return accuracyOf(logitsOf(t, val), val.labels); } finally { t.dispose(); }
};
const a0 = acc(base);
console.log(`${o.model} unprotected: ${(a0 * 100).toFixed(2)}% on the last ${val.n} test images`);
for (const p of o.protections!.split(',')) {
  const r = loadProtected(o.model!, p, base, o.dir);
  if (!r.ok) { console.error(r.reason); process.exit(2); }
  const a = acc(r.value.net);
  console.log(`${o.model}+${p} (${o.dir}): ${(a * 100).toFixed(2)}% (${((a - a0) * 100).toFixed(2)} points)`);
}
