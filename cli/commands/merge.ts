/**
 * `faultline merge <dirs...> --out <dir> [--allow-partial]`: combines the output folders of the
 * shards of one campaign into the summary a single run gives. `--out` must be a new or empty folder
 * (campaign/merge.ts refuses anything else and locks it while writing).
 */
import type { Command } from 'commander';
import { mergeRuns } from '../../campaign/merge';
import { CliError } from '../errors';

/** Runs the command; throws CliError (exit 1) when the folders cannot be merged. */
export function mergeCommand(dirs: readonly string[], opts: { out: string; allowPartial?: boolean }): void {
  try {
    const m = mergeRuns(dirs, opts.out, { allowPartial: opts.allowPartial === true });
    for (const d of m.partialLines) process.stderr.write(`${d}: ignored a partially written last line (resume that shard to complete it)\n`);
    process.stdout.write(`merged ${dirs.length} folders: ${m.trials} trials${m.missing ? `, ${m.missing} MISSING` : ''}; ` +
      `${opts.out}/summary.json, summary.csv, report.html\n`);
  } catch (e) {
    throw new CliError(`merge failed: ${(e as Error).message}`, 1);
  }
}

/** Registers `faultline merge` on the program. */
export function register(program: Command): void {
  program
    .command('merge')
    .description('merge campaign shard output folders into one summary')
    .argument('<dirs...>', 'shard output folders')
    .requiredOption('--out <dir>', 'new or empty output folder for the merged results and reports (never overwritten)')
    .option('--allow-partial', 'write a summary even when trials are missing')
    .action((dirs: string[], opts: { out: string; allowPartial?: boolean }) => {
      mergeCommand(dirs, opts);
    });
}
