/**
 * ProAct bounds on the saved SAF network — an alias of `npm run protect` for `proact+saf`, kept
 * because committed files record this command:
 *   npx tsx models/protections/proactOnSaf.ts --model lenet5 --calib 8500 --val 1500 --epochs 1
 * runs exactly
 *   npm run protect -- --model lenet5 --protection proact+saf --calib 8500 --val 1500 --proact-epochs 1 --proact-decays <decays>
 * (models/protections/cli.ts → protect.ts `protectNetwork` with the saved `<model>+saf` network,
 * `safStart`; default decays: the authors' sweep 4e-5 … 4e-15, boundTrain.ts DEFAULT_PROACT).
 * There is one code path: this file only translates its options.
 */
import { Command } from 'commander';
import { DEFAULT_PROACT } from './boundTrain';

const o = new Command().name('proact-on-saf').requiredOption('--model <id>', 'model id')
  .option('--calib <n>', 'training images (train split head)', '2000').option('--val <n>', 'validation images (test split tail)', '1500')
  .option('--decays <list>', "weight decays swept (default: the authors' 4e-5 … 4e-15)", DEFAULT_PROACT.decays.map((d) => d.toExponential(0)).join(','))
  .option('--epochs <n>', 'epochs per decay', '1')
  .option('--out <dir>', 'output directory (default: the protected-weights directory, where <model>+saf is read from)')
  .parse().opts<Record<string, string | undefined>>();
process.argv = [process.argv[0]!, new URL('./cli.ts', import.meta.url).pathname, '--model', o.model!, '--protection', 'proact+saf',
  '--calib', o.calib!, '--val', o.val!, '--proact-epochs', o.epochs!, '--proact-decays', o.decays!, ...(o.out !== undefined ? ['--out', o.out] : [])];
await import('./cli');
