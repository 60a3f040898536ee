/**
 * Merges the output folders of campaign shards (or of partial runs of the same campaign) into one
 * folder whose summary equals that of a single uninterrupted run: same campaign hash required,
 * records checked against the plan, duplicates must agree, every trial must be present.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandCampaign } from './plan';
import { parseCampaign } from './schema';
import { readResults, recordLine, type TrialRecord } from './results';
import { checkRecords, OUT_FILES, type Manifest } from './run';
import { summarize, type CampaignSummary } from './summary';
import { writeSummaryFiles } from './output';

/** What a merge found and wrote. */
export interface MergeOutcome {
  readonly summary: CampaignSummary;
  /** Trials found across all folders (after removing identical duplicates). */
  readonly trials: number;
  /** Trials the campaign has but no folder holds. */
  readonly missing: number;
  /** Folders whose results file ended in a partial line (ignored). */
  readonly partialLines: readonly string[];
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * Merges `dirs` into `outDir` (results.jsonl sorted by trial, summaries, report). Throws with a
 * reason on a campaign mismatch, conflicting duplicates, or missing trials unless `allowPartial`.
 */
export function mergeRuns(dirs: readonly string[], outDir: string, opts: { allowPartial?: boolean } = {}): MergeOutcome {
  if (dirs.length === 0) throw new Error('merge: expected at least one folder');
  const manifests = dirs.map((d) => {
    const f = join(d, OUT_FILES.manifest);
    if (!existsSync(f)) throw new Error(`${d}: no ${OUT_FILES.manifest}; not a campaign output folder`);
    return readJson(f) as Manifest;
  });
  const hash = manifests[0]!.campaignHash;
  manifests.forEach((m, k) => {
    if (m.runner !== manifests[0]!.runner) throw new Error(`${dirs[k]}: ran with the "${m.runner}" runner, ${dirs[0]} with "${manifests[0]!.runner}"`);
    if (m.campaignHash !== hash) throw new Error(`${dirs[k]}: holds a different campaign (hash ${m.campaignHash.slice(0, 12)} vs ${hash.slice(0, 12)})`);
  });
  const parsed = parseCampaign(readJson(join(dirs[0]!, OUT_FILES.campaign)), join(dirs[0]!, OUT_FILES.campaign));
  if (!parsed.ok) throw new Error(parsed.reason);
  const plan = expandCampaign(parsed.value, dirs[0]!);
  const all = new Map<number, TrialRecord>();
  const partialLines: string[] = [];
  dirs.forEach((d, k) => {
    const file = join(d, OUT_FILES.results);
    const read = readResults(file);
    if (!read.ok) throw new Error(read.reason);
    if (read.value.partialLine !== null) partialLines.push(d);
    for (const [i, rec] of checkRecords(plan, manifests[k]!.shard, read.value.records, file)) {
      const prev = all.get(i);
      if (prev && JSON.stringify(prev) !== JSON.stringify(rec)) throw new Error(`${file}: trial ${i} differs from the copy in another folder`);
      all.set(i, rec);
    }
  });
  const missing = plan.totalTrials - all.size;
  if (missing > 0 && !opts.allowPartial) {
    const shards = manifests.map((m, k) => `${dirs[k]} = shard ${m.shard.index}/${m.shard.count}`).join(', ');
    throw new Error(`merge: ${missing} of ${plan.totalTrials} trials missing (${shards}); run or resume the missing shards, or pass --allow-partial`);
  }
  mkdirSync(outDir, { recursive: true });
  const sorted = [...all.values()].sort((a, b) => a.i - b.i);
  const runner = manifests[0]!.runner;
  const manifest: Manifest = { version: 1, campaignHash: hash, shard: { index: 0, count: 1 }, totalTrials: plan.totalTrials, runner };
  writeFileSync(join(outDir, OUT_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');
  writeFileSync(join(outDir, OUT_FILES.campaign), JSON.stringify(plan.campaign, null, 2) + '\n');
  writeFileSync(join(outDir, OUT_FILES.results), sorted.map(recordLine).join(''));
  const summary = summarize(plan, hash, sorted, runner);
  writeSummaryFiles(outDir, summary);
  return { summary, trials: all.size, missing, partialLines };
}
