/**
 * Merges the output folders of campaign shards (or of partial runs of the same campaign) into one
 * folder whose summary equals that of a single uninterrupted run: same campaign hash required, each
 * folder's campaign.json must re-derive that hash, every results line must carry a digest under it,
 * records checked against the plan, duplicates must agree, every trial must be present.
 * The output folder must be new or empty (never another run's folder, never an input), is locked
 * while written, and every file in it is written atomically.
 */
import { existsSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { campaignHashFromDigests, expandCampaign } from './plan';
import { parseCampaign } from './schema';
import { readResults, recordLine, type TrialRecord } from './results';
import { checkRecords, OUT_FILES, type Manifest } from './run';
import { summarize, type CampaignSummary } from './summary';
import { readManifest, readOutJson, writeJsonAtomic, writeSummaryFiles } from './output';
import { acquireFolderLock, describeHolder, liveLockHolder, LOCK_FILE } from './lock';
import { writeFileAtomic } from '../models/io/safeFile';
import { missingTrials } from './precision-track';

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

const real = (d: string): string => {
  try {
    return realpathSync(d);
  } catch {
    return resolve(d);
  }
};

/** Refuses an --out folder that is an input or already holds anything (issue 17 item 8). */
function checkOutDir(dirs: readonly string[], outDir: string): void {
  const out = real(outDir);
  const k = dirs.findIndex((d) => real(d) === out);
  if (k >= 0) throw new Error(`--out ${outDir} is also input folder ${dirs[k]}; merge into a new folder`);
  if (!existsSync(outDir)) return;
  let entries: string[];
  try {
    entries = readdirSync(outDir);
  } catch (e) {
    throw new Error(`--out ${outDir}: cannot use it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected a new or empty folder`);
  }
  if (entries.length > 0) {
    const what = entries.includes(OUT_FILES.manifest) || entries.includes(OUT_FILES.results) ? 'already holds a campaign run' : `is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''})`;
    throw new Error(`--out ${outDir} ${what}; merge writes only into a new or empty folder, nothing was changed`);
  }
}

function readFolder(d: string): { manifest: Manifest } {
  const holder = liveLockHolder(d);
  if (holder) throw new Error(`${d} is still being written by ${describeHolder(holder)}; merge it when that run has finished`);
  const f = join(d, OUT_FILES.manifest);
  if (!existsSync(f)) throw new Error(`${d}: no ${OUT_FILES.manifest}; not a campaign output folder`);
  const m = readManifest(f);
  if (!m.ok) throw new Error(m.reason);
  return { manifest: m.value };
}

/**
 * Merges `dirs` into `outDir` (results.jsonl sorted by trial, summaries, report). Throws with a
 * reason on a campaign mismatch, a tampered file, conflicting duplicates, a used --out folder, or
 * missing trials unless `allowPartial`.
 */
export function mergeRuns(dirs: readonly string[], outDir: string, opts: { allowPartial?: boolean } = {}): MergeOutcome {
  if (dirs.length === 0) throw new Error('merge: expected at least one folder');
  checkOutDir(dirs, outDir);
  const manifests = dirs.map((d) => readFolder(d).manifest);
  const hash = manifests[0]!.campaignHash;
  manifests.forEach((m, k) => {
    if (m.runner !== manifests[0]!.runner) throw new Error(`${dirs[k]}: ran with the "${m.runner}" runner, ${dirs[0]} with "${manifests[0]!.runner}"`);
    if (m.campaignHash !== hash) throw new Error(`${dirs[k]}: holds a different campaign (hash ${m.campaignHash.slice(0, 12)} vs ${hash.slice(0, 12)})`);
  });
  // every folder's campaign.json must be the campaign its manifest names (not edited, not swapped)
  const parsedAll = dirs.map((d, k) => {
    const file = join(d, OUT_FILES.campaign);
    const doc = readOutJson(file);
    if (!doc.ok) throw new Error(doc.reason);
    const parsed = parseCampaign(doc.value, file);
    if (!parsed.ok) throw new Error(parsed.reason);
    const again = campaignHashFromDigests(parsed.value, manifests[k]!.scenarioDigests ?? {});
    if (again !== hash) {
      throw new Error(`${file}: does not match the campaign hash in ${join(d, OUT_FILES.manifest)} (${again.slice(0, 12)} vs ${hash.slice(0, 12)}): edited, or from another campaign`);
    }
    return parsed.value;
  });
  const plan = expandCampaign(parsedAll[0]!, dirs[0]!);
  const all = new Map<number, TrialRecord>();
  const partialLines: string[] = [];
  dirs.forEach((d, k) => {
    const file = join(d, OUT_FILES.results);
    const read = readResults(file, hash);
    if (!read.ok) throw new Error(read.reason);
    if (read.value.partialLine !== null) partialLines.push(d);
    for (const [i, rec] of checkRecords(plan, manifests[k]!.shard, read.value.records, file)) {
      const prev = all.get(i);
      if (prev && JSON.stringify(prev) !== JSON.stringify(rec)) throw new Error(`${file}: trial ${i} differs from the copy in another folder`);
      all.set(i, rec);
    }
  });
  // trials the summary needs (early-stopped points need only their prefix; campaign/precision-track.ts)
  const missing = missingTrials(plan, all.values()).length;
  if (missing > 0 && !opts.allowPartial) {
    const shards = manifests.map((m, k) => `${dirs[k]} = shard ${m.shard.index}/${m.shard.count}`).join(', ');
    throw new Error(`merge: ${missing} of ${plan.totalTrials} trials missing (${shards}); run or resume the missing shards, or pass --allow-partial`);
  }
  mkdirSync(outDir, { recursive: true });
  const lock = acquireFolderLock(outDir, `faultline merge --out ${outDir}`);
  if (!lock.ok) throw new Error(lock.reason);
  // re-check under the lock: nobody wrote into the folder since the first check
  const others = readdirSync(outDir).filter((n) => n !== LOCK_FILE);
  if (others.length > 0) {
    lock.value.release();
    throw new Error(`--out ${outDir} is not empty (${others.slice(0, 3).join(', ')}); merge writes only into a new or empty folder, nothing was changed`);
  }
  try {
    const sorted = [...all.values()].sort((a, b) => a.i - b.i);
    const runner = manifests[0]!.runner;
    const digests = manifests[0]!.scenarioDigests;
    const manifest: Manifest = { version: 1, campaignHash: hash, shard: { index: 0, count: 1 }, totalTrials: plan.totalTrials, runner, ...(digests ? { scenarioDigests: digests } : {}) };
    writeJsonAtomic(join(outDir, OUT_FILES.manifest), manifest);
    writeJsonAtomic(join(outDir, OUT_FILES.campaign), plan.campaign);
    writeFileAtomic(join(outDir, OUT_FILES.results), sorted.map((r) => recordLine(r, hash)).join(''));
    const summary = summarize(plan, hash, sorted, runner);
    writeSummaryFiles(outDir, summary);
    return { summary, trials: all.size, missing, partialLines };
  } finally {
    lock.value.release();
  }
}
