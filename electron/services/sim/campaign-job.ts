/**
 * The `campaign.run` job inside the simulation worker: loads a campaign file (campaign/load),
 * optionally shrinks trials / test images, and runs it with the engine runner in this thread
 * (runCampaign writes results.jsonl, summary.json, report.html into the run folder).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { readTextFileSafe } from '../../../models/io/safeFile';
import { MAX_SCENARIO_CHARS } from '../../../scenarios/validate';
import { dirname, join } from 'node:path';
import { loadCampaignFile } from '../../../campaign/load';
import { expandCampaign, campaignHash } from '../../../campaign/plan';
import { runCampaign } from '../../../campaign/run';
import { createEngineRunner } from '../../../campaign/trial';
import type { TrialRunner } from '../../../campaign/types';
import type { Progress } from './pipeline';
import { RequestError } from './errors';

/** Payload of the worker's `campaign` method. */
export interface CampaignJob {
  /** Absolute campaign file path. */
  readonly file: string;
  /** Run folder to create. */
  readonly outDir: string;
  readonly trialsPerPoint?: number;
  readonly images?: number;
}

let runner: TrialRunner | null = null;
let runnerKernel = '';

/** Runs the job; resolves to the campaign summary (as written to summary.json). */
export async function runCampaignJob(job: CampaignJob, progress: Progress): Promise<unknown> {
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
  mkdirSync(job.outDir, { recursive: true });
  writeFileSync(join(job.outDir, 'source.txt'), `${job.file}\n`);
  // the file's kernel, else FAULTLINE_KERNEL, else the fastest (pipeline/kernels.ts)
  const kernel = plan.campaign.kernel;
  const key = kernel ?? '';
  if (runner === null || runnerKernel !== key) { runner = createEngineRunner(kernel ? { kernel } : {}); runnerKernel = key; }
  const o = await runCampaign({
    plan, hash, outDir: job.outDir, runner, runnerName: 'engine', concurrency: 1,
    onProgress: (p) => progress(p.trialsDone, p.trialsTotal, `trial ${p.trialsDone}/${p.trialsTotal}, point ${p.pointsDone}/${p.pointsTotal}, ${p.faultsInjected} faults`),
  });
  if (!o.summary) throw new Error(`campaign incomplete: ${o.missing} trials missing`);
  return o.summary;
}
