/**
 * The `campaign.run` job inside the simulation worker: loads a campaign file (campaign/load),
 * optionally shrinks trials / test images, and runs it (`campaign.avf`: builds the AVF study's
 * campaign with campaign/avf-study.ts, as `faultline avf` does, and runs it the same way) with the engine runner in this thread
 * (runCampaign writes results.jsonl, summary.json, report.html into the run folder).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { readTextFileSafe } from '../../../models/io/safeFile';
import { MAX_SCENARIO_CHARS } from '../../../scenarios/validate';
import { dirname, join } from 'node:path';
import { loadCampaignFile } from '../../../campaign/load';
import { expandCampaign, campaignHash, type CampaignPlan } from '../../../campaign/plan';
import { avfStudyCampaign, type AvfStudyOptions } from '../../../campaign/avf-study';
import type { CampaignAvfRequest } from '../../../ipc/campaign-schemas';
import type { z } from 'zod';
import { runCampaign } from '../../../campaign/run';
import { createEngineRunner } from '../../../campaign/trial';
import type { TrialRunner } from '../../../campaign/types';
import type { Progress } from './pipeline';
import { RequestError } from './errors';
import { timedTrialRunner, trialTimeoutMsOf } from './trial-timeout';

/** Payload of the worker's `campaign` method: a campaign file, or an AVF study (`avf`). */
export interface CampaignJob {
  /** Absolute campaign file path (unused with `avf`). */
  readonly file?: string;
  /** An AVF study (`campaign.avf`): built by campaign/avf-study.ts, the code `faultline avf` uses. */
  readonly avf?: z.output<typeof CampaignAvfRequest>;
  /** Run folder to create. */
  readonly outDir: string;
  readonly trialsPerPoint?: number;
  /** Wall-time limit of one trial, seconds (absent: 1 h as the CLI's --trial-timeout; 0 = none). H3 */
  readonly trialTimeoutS?: number;
  readonly images?: number;
}

let runner: TrialRunner | null = null;
let runnerKernel = '';

/** The options of `faultline avf` for a `campaign.avf` request (numbers as the CLI's strings). */
export function avfOptionsOf(r: z.output<typeof CampaignAvfRequest>): AvfStudyOptions {
  const str = (v: number | undefined): string | undefined => (v === undefined ? undefined : String(v));
  return {
    model: r.model, protection: r.protection, format: r.format, rows: str(r.rows), cols: str(r.cols), dataflow: r.dataflow,
    structures: r.structures?.join(','), trials: str(r.trials), margin: r.margin, confidence: str(r.confidence), interval: r.interval,
    images: str(r.images), seed: str(r.seed), fitPreset: r.fitPreset, prior: str(r.prior),
    sramFit: str(r.sramFit), regFitFlop: str(r.regFitFlop), regFitMbit: str(r.regFitMbit),
  };
}

/** A request mixing rate sources the study would silently drop (a preset with raw rates, a register
 * rate without the SRAM rate, both register units) is refused, naming the field. */
function checkRates(r: z.output<typeof CampaignAvfRequest>): void {
  const reg = r.regFitFlop !== undefined || r.regFitMbit !== undefined;
  if (r.fitPreset !== undefined && (r.sramFit !== undefined || reg)) throw new RequestError('fitPreset: give a preset or raw rates (sramFit, regFitFlop / regFitMbit), not both', 'fitPreset');
  if (reg && r.sramFit === undefined) throw new RequestError('sramFit: required with a register rate (FIT/Mbit of the SRAMs)', 'sramFit');
  if (r.regFitFlop !== undefined && r.regFitMbit !== undefined) throw new RequestError('regFitFlop / regFitMbit: give the register rate in one unit', 'regFitFlop');
}

/** Plan and hash of an AVF study request, exactly as `faultline avf` builds them. */
function avfPlan(r: z.output<typeof CampaignAvfRequest>): { plan: CampaignPlan; hash: string } {
  checkRates(r);
  const c = avfStudyCampaign(avfOptionsOf(r));
  if (!c.ok) {
    // The field: the first option the message names that the request set (else the first named).
    const named = [...c.reason.matchAll(/--([a-z-]+)/g)].map((m) => m[1]!.replace(/-([a-z])/g, (_, x: string) => x.toUpperCase()));
    throw new RequestError(c.reason, named.find((k) => (r as Record<string, unknown>)[k] !== undefined) ?? named[0] ?? 'margin');
  }
  return { plan: expandCampaign(c.value, process.cwd()), hash: campaignHash(c.value) };
}

/** Runs the job; resolves to the campaign summary (as written to summary.json). */
export async function runCampaignJob(job: CampaignJob, progress: Progress): Promise<unknown> {
  const limitMs = trialTimeoutMsOf(job.trialTimeoutS); // H3: per-trial timeout, as the CLI
  if (job.avf) return runPlan(avfPlan(job.avf), job.outDir, 'faultline avf (GUI)', progress, limitMs);
  if (job.file === undefined) throw new RequestError('file: expected a campaign file or an avf study', 'id');
  const loaded = loadCampaignFile(job.file);
  if (!loaded.ok) throw new RequestError(loaded.reason, 'id');
  let { plan, hash } = loaded.value;
  if (job.trialsPerPoint !== undefined || job.images !== undefined) {
    // a trials override replaces a `precision` target (the schema wants exactly one of them)
    const { precision, ...rest } = plan.campaign as typeof plan.campaign & { precision?: unknown };
    const keep = job.trialsPerPoint === undefined && precision !== undefined ? { precision } : {};
    const c = { ...rest, ...keep, trialsPerPoint: job.trialsPerPoint ?? plan.campaign.trialsPerPoint, testSet: { ...plan.campaign.testSet, count: job.images ?? plan.campaign.testSet.count } } as typeof plan.campaign;
    plan = expandCampaign(c, dirname(job.file));
    // Same hash rule as campaign/load: the campaign JSON plus the text of every scenario file.
    const texts: Record<string, string> = {};
    for (const p of plan.points) {
      if (p.fault.kind !== 'scenario') continue;
      // same reader as campaign/load (regular files, size first, BOM removed), so the hash agrees
      const t = readTextFileSafe(p.fault.file, { maxBytes: MAX_SCENARIO_CHARS * 4 });
      if (!t.ok) throw new Error(t.reason);
      texts[p.fault.id] = t.value;
    }
    hash = campaignHash(c, texts);
  }
  return runPlan({ plan, hash }, job.outDir, job.file, progress, limitMs);
}

/** The live interval of the point last advanced, for the progress line (empty without one). */
function liveInterval(i: { point: number; mean: number; lo: number; hi: number; trials: number } | undefined): string {
  return i ? `; point ${i.point}: ${(i.mean * 100).toFixed(2)}% [${(i.lo * 100).toFixed(2)}, ${(i.hi * 100).toFixed(2)}] after ${i.trials} trials` : '';
}

/** Runs a planned campaign into `outDir` with the engine runner of this thread. */
async function runPlan({ plan, hash }: { plan: CampaignPlan; hash: string }, outDir: string, source: string, progress: Progress, limitMs = 0): Promise<unknown> {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'source.txt'), `${source}\n`);
  // the file's kernel, else FAULTLINE_KERNEL, else the fastest (pipeline/kernels.ts)
  const kernel = plan.campaign.kernel;
  const key = kernel ?? '';
  if (runner === null || runnerKernel !== key) { runner = createEngineRunner(kernel ? { kernel } : {}); runnerKernel = key; }
  // H3: a limit runs trials in a one-worker pool that stops a trial over it (recorded as timed out, trial-timeout.ts)
  const run = limitMs > 0 ? timedTrialRunner({ limitMs, ...(kernel ? { kernel } : {}) }) : runner;
  const o = await runCampaign({
    plan, hash, outDir, runner: run, runnerName: 'engine', concurrency: 1,
    onProgress: (p) => progress(p.trialsDone, p.trialsTotal, `trial ${p.trialsDone}/${p.trialsTotal}, point ${p.pointsDone}/${p.pointsTotal}, ${p.faultsInjected} faults${liveInterval(p.interval)}`),
  });
  if (!o.summary) throw new Error(`campaign incomplete: ${o.missing} trials missing`);
  return o.summary;
}
