/**
 * Runs a campaign (or one shard of it) into an output folder: appends each finished trial to
 * results.jsonl, resumes from it, honours an AbortSignal, and writes the summaries at the end.
 *
 * Output folder: manifest.json (campaign hash, shard), campaign.json (the campaign as validated),
 * results.jsonl, summary.json, summary.csv, report.html, run.json (timings; not deterministic).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CampaignPlan, Shard } from './plan';
import { shardIndices, trialAt } from './plan';
import { readResults, ResultsWriter, truncateResults, type TrialRecord } from './results';
import { summarize, type CampaignSummary } from './summary';
import { readManifest, verifiedScenarioDigests, writeJsonAtomic, writeSummaryFiles } from './output';
import { acquireFolderLock } from './lock';
import type { CampaignProgress, TrialRunner } from './types';
import { PrecisionTracker } from './precision-track';

/** File names inside an output folder. */
export const OUT_FILES = {
  manifest: 'manifest.json', campaign: 'campaign.json', results: 'results.jsonl', run: 'run.json',
} as const;

/** Default fsync period of results.jsonl, ms: a killed run loses at most this much of finished
 * trials (they run again on --resume); the file is also synced when the run ends. */
export const SYNC_INTERVAL_MS = 1000;

/** Identity of an output folder, written before the first trial. */
export interface Manifest {
  readonly version: 1;
  readonly campaignHash: string;
  readonly shard: Shard;
  readonly totalTrials: number;
  /** TrialRunner name ("engine", "fake", ...). */
  readonly runner: string;
  /** SHA-256 of each scenario file as hashed into campaignHash (lets merge re-derive the hash). */
  readonly scenarioDigests?: Readonly<Record<string, string>>;
}

/** Options of `runCampaign`. */
export interface RunOptions {
  readonly plan: CampaignPlan;
  /** campaignHash(...) of the campaign and its scenario files. */
  readonly hash: string;
  readonly outDir: string;
  readonly runner: TrialRunner;
  /** Name of the runner, recorded in the manifest and summary (default "engine"). */
  readonly runnerName?: string;
  /** Trials kept in flight at once (>= 1); use the worker count (x2 keeps a pool busy). */
  readonly concurrency: number;
  /** Default 0/1 (the whole campaign). */
  readonly shard?: Shard;
  /** Continue an existing folder; without it a folder holding results is refused. */
  readonly resume?: boolean;
  /** Abort: no new trials start; in-flight ones are told to stop and their results dropped. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: CampaignProgress) => void;
  /** Human-readable notices (resume counts, discarded partial line). */
  readonly onNotice?: (message: string) => void;
  /** Lines per fsync of results.jsonl; default: one fsync per SYNC_INTERVAL_MS at most (an fsync
   * blocks the loop that feeds the workers for milliseconds: per few lines it starved them). */
  readonly syncEvery?: number;
  /** What holds the folder lock, shown to a second process (default "faultline campaign"). */
  readonly lockCommand?: string;
}

/** What a run did. */
export interface RunOutcome {
  readonly status: 'complete' | 'aborted';
  /** Trials of this shard found already done in the folder. */
  readonly resumed: number;
  /** Trials run by this call. */
  readonly ran: number;
  /** Trials of this shard still missing. */
  readonly missing: number;
  /** The discarded partially written last line, if one was found. */
  readonly partialLine: string | null;
  /** Summary of this shard's trials (written only when complete). */
  readonly summary: CampaignSummary | null;
  /** Wall time of this call, ms. */
  readonly elapsedMs: number;
}

/** Checks records against the plan and shard; returns them keyed by trial index, or throws. */
export function checkRecords(plan: CampaignPlan, shard: Shard, records: readonly TrialRecord[], where: string): Map<number, TrialRecord> {
  const byIndex = new Map<number, TrialRecord>();
  for (const rec of records) {
    if (rec.i < 0 || rec.i >= plan.totalTrials || rec.i % shard.count !== shard.index) {
      throw new Error(`${where}: trial ${rec.i} does not belong to shard ${shard.index}/${shard.count} of this campaign`);
    }
    const spec = trialAt(plan, rec.i);
    if (rec.point !== spec.point.key || rec.trial !== spec.trial || rec.seed !== spec.seed) {
      throw new Error(`${where}: trial ${rec.i} was recorded for point "${rec.point}" seed ${rec.seed}, expected "${spec.point.key}" seed ${spec.seed}`);
    }
    const prev = byIndex.get(rec.i);
    if (prev && JSON.stringify(prev) !== JSON.stringify(rec)) throw new Error(`${where}: trial ${rec.i} recorded twice with different results`);
    byIndex.set(rec.i, rec);
  }
  return byIndex;
}

/** Runs the missing trials of a campaign shard into `outDir`. Throws on a trial error or a folder mismatch. */
export async function runCampaign(o: RunOptions): Promise<RunOutcome> {
  mkdirSync(o.outDir, { recursive: true });
  // one writer per folder: a second campaign / --resume / merge on it is refused naming the holder
  const lock = acquireFolderLock(o.outDir, o.lockCommand ?? `faultline campaign --out ${o.outDir}`);
  if (!lock.ok) throw new Error(lock.reason);
  try {
    return await runLocked(o);
  } finally {
    lock.value.release();
  }
}

async function runLocked(o: RunOptions): Promise<RunOutcome> {
  const t0 = Date.now();
  const shard = o.shard ?? { index: 0, count: 1 };
  const plan = o.plan;
  const manifestFile = join(o.outDir, OUT_FILES.manifest);
  const resultsFile = join(o.outDir, OUT_FILES.results);
  const runnerName = o.runnerName ?? 'engine';
  const digests = verifiedScenarioDigests(plan, o.hash);
  const manifest: Manifest = { version: 1, campaignHash: o.hash, shard, totalTrials: plan.totalTrials, runner: runnerName, ...(digests ? { scenarioDigests: digests } : {}) };
  let partialLine: string | null = null;
  let done = new Map<number, TrialRecord>();
  if (existsSync(manifestFile) || existsSync(resultsFile)) {
    if (!o.resume) throw new Error(`${o.outDir} already holds a campaign run: pass --resume to continue it, or choose another --out folder`);
    const read0 = existsSync(manifestFile) ? readManifest(manifestFile) : { ok: true as const, value: manifest };
    if (!read0.ok) throw new Error(`${read0.reason}; delete it to resume from results.jsonl (its lines are checked against the campaign hash)`);
    const m = read0.value;
    if (m.campaignHash !== o.hash) throw new Error(`${o.outDir}: the campaign (or a scenario file) changed since this folder was started; resume refused`);
    if (m.runner !== runnerName) throw new Error(`${o.outDir}: folder was run with the "${m.runner}" runner, asked for "${runnerName}"`);
    if (m.shard.index !== shard.index || m.shard.count !== shard.count) {
      throw new Error(`${o.outDir}: folder holds shard ${m.shard.index}/${m.shard.count}, asked for ${shard.index}/${shard.count}`);
    }
    const read = readResults(resultsFile, o.hash);
    if (!read.ok) throw new Error(read.reason);
    if (read.value.partialLine !== null) {
      partialLine = read.value.partialLine;
      truncateResults(resultsFile, read.value.validBytes);
      o.onNotice?.(`discarded a partially written last line of ${resultsFile} (${partialLine.length} bytes): that trial runs again`);
    }
    done = checkRecords(plan, shard, read.value.records, resultsFile);
  }
  writeJsonAtomic(manifestFile, manifest);
  writeJsonAtomic(join(o.outDir, OUT_FILES.campaign), plan.campaign);

  const mine = shardIndices(plan, shard);
  // early stopping (campaign/precision-track.ts): trials past a point's decided stop are skipped
  const tracker = new PrecisionTracker(plan, shard, done.values());
  let skipped = mine.filter((i) => !done.has(i) && tracker.skip(i)).length;
  const todo = mine.filter((i) => !done.has(i) && !tracker.skip(i));
  const resumed = mine.length - todo.length - skipped;
  if (resumed > 0) o.onNotice?.(`resuming: ${resumed} of ${mine.length} trials already done, ${todo.length} to run`);

  const perPointLeft = new Map<number, number>();
  for (const i of todo) {
    const p = Math.floor(i / plan.trialsPerPoint);
    perPointLeft.set(p, (perPointLeft.get(p) ?? 0) + 1);
  }
  const pointsTotal = new Set(mine.map((i) => Math.floor(i / plan.trialsPerPoint))).size;
  let pointsDone = pointsTotal - perPointLeft.size;
  let faultsInjected = 0, inferences = 0, ran = 0;
  let lastPoint = -1;
  const progress = (): void =>
    o.onProgress?.({ trialsDone: resumed + ran + skipped, trialsTotal: mine.length, pointsDone, pointsTotal, faultsInjected, inferences, elapsedMs: Date.now() - t0,
      ...(lastPoint >= 0 ? { interval: tracker.interval(lastPoint) } : {}) });
  progress();

  const writer = new ResultsWriter(resultsFile, o.hash, o.syncEvery ?? Number.MAX_SAFE_INTEGER);
  let lastSync = Date.now();
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  o.signal?.addEventListener('abort', onAbort);
  if (o.signal?.aborted) stop.abort();
  let failure: Error | null = null;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!stop.signal.aborted && next < todo.length) {
      const idx = todo[next++]!;
      if (tracker.skip(idx)) { skipped++; continue; }
      const spec = trialAt(plan, idx);
      let r;
      try {
        r = await o.runner(spec, stop.signal);
      } catch (e) {
        if (stop.signal.aborted) return; // dropped in flight
        failure ??= new Error(`trial ${spec.index} (point "${spec.point.key}", trial ${spec.trial}, seed ${spec.seed}) failed: ${(e as Error).message}`);
        stop.abort();
        return;
      }
      if (stop.signal.aborted && failure) return;
      const rec: TrialRecord = { v: 1, i: spec.index, point: spec.point.key, trial: spec.trial, seed: spec.seed, r };
      writer.append(rec);
      if (o.syncEvery === undefined && Date.now() - lastSync >= SYNC_INTERVAL_MS) { writer.flush(); lastSync = Date.now(); }
      done.set(spec.index, rec);
      ran++; faultsInjected += r.faultsInjected; inferences += r.images;
      const p = spec.point.index;
      const left = perPointLeft.get(p)! - 1;
      perPointLeft.set(p, left);
      if (left === 0) pointsDone++;
      lastPoint = p;
      if (tracker.add(rec)) {
        const iv = tracker.interval(p);
        o.onNotice?.(`point ${p} (${spec.point.key}) stopped early after ${tracker.stopOf(p)} trials: interval [${iv.lo.toFixed(4)}, ${iv.hi.toFixed(4)}] inside the margin`);
        if (left > 0) pointsDone++;
        perPointLeft.set(p, -Infinity);
      }
      progress();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  } finally {
    writer.close();
    o.signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  const missing = mine.filter((i) => !done.has(i) && !tracker.skip(i)).length;
  const elapsedMs = Date.now() - t0;
  writeJsonAtomic(join(o.outDir, OUT_FILES.run), { elapsedMs, trialsRun: ran, inferences, faultsInjected,
    inferencesPerSecond: elapsedMs > 0 ? (inferences * 1000) / elapsedMs : 0, concurrency: o.concurrency, resumed, missing });
  if (missing > 0) return { status: 'aborted', resumed, ran, missing, partialLine, summary: null, elapsedMs };
  const summary = summarize(plan, o.hash, [...done.values()], runnerName);
  writeSummaryFiles(o.outDir, summary);
  return { status: 'complete', resumed, ran, missing: 0, partialLine, summary, elapsedMs };
}
