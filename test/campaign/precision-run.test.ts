import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCampaign } from '../../campaign/run';
import { fakeRunner } from '../../campaign/fake';
import { readResults, type TrialRecord } from '../../campaign/results';
import { campaignHash, expandCampaign } from '../../campaign/plan';
import { summarize } from '../../campaign/summary';
import { summaryJson } from '../../campaign/output';
import { renderReport } from '../../campaign/report/html';
import { missingTrials } from '../../campaign/precision-track';
import type { CampaignFile } from '../../campaign/schema';
import { berDoc, planOf, tmp } from './helpers';

// A campaign planned to +-5 points at 95% (385 trials per point by the formula), early stop from 20
// trials every 10. The fake runner's SDC rates settle fast, so points stop early.
const base = planOf(berDoc({ trialsPerPoint: 1 }));
const campaign = { ...base.campaign, precision: { margin: 0.05, confidence: 0.95, minTrials: 20, checkEvery: 10 } } as CampaignFile;
const plan = expandCampaign(campaign, '/');
const hash = campaignHash(campaign);

const run = (outDir: string, extra: Partial<Parameters<typeof runCampaign>[0]> = {}) =>
  runCampaign({ plan, hash, runnerName: 'fake', outDir, runner: fakeRunner(), concurrency: 4, ...extra });
const records = (dir: string): TrialRecord[] => {
  const r = readResults(join(dir, 'results.jsonl'), hash);
  if (!r.ok) throw new Error(r.reason);
  return [...r.value.records];
};

describe('campaigns planned to a precision', () => {
  it('plans 385 trials per point, stops points early inside the margin, and records how', async () => {
    expect(plan.trialsPerPoint).toBe(385);
    const dir = tmp();
    const notices: string[] = [];
    const o = await run(dir, { onNotice: (m) => notices.push(m) });
    expect(o.status).toBe('complete');
    expect(o.ran).toBeLessThan(plan.totalTrials);
    const s = o.summary!;
    expect(s.trialCount).toMatchObject({ method: "precision", trialsPerPoint: 385, population: Infinity, capped: false });
    expect(notices.some((m) => /stopped early/.test(m))).toBe(true);
    for (const p of s.points) {
      expect(p.plannedTrials).toBe(385);
      if (p.stoppedEarly) {
        expect(p.trials).toBeLessThan(385);
        // the stopping proportion is the SDC rate over golden-correct images: inside the margin
        expect(p.sdc.rate.hi - p.sdc.rate.mean).toBeLessThanOrEqual(0.05 + 1e-12);
        expect(p.sdc.rate.mean - p.sdc.rate.lo).toBeLessThanOrEqual(0.05 + 1e-12);
      }
    }
    expect(s.points.some((p) => p.stoppedEarly)).toBe(true);
    expect(missingTrials(plan, records(dir))).toEqual([]);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Leveugle');
    expect(html).not.toContain('<b>Partial:</b>'); // early-stopped points are complete
  });

  it('worker count, shards (which never skip) and resume give the same summary bytes', async () => {
    const a = tmp();
    const ref = (await run(a, { concurrency: 1 })).summary!;
    const refText = summaryJson(ref);
    expect(summaryJson((await run(tmp(), { concurrency: 7 })).summary!)).toBe(refText);
    // two shards run every one of their trials; the union summarizes to the same bytes
    const s0 = tmp(), s1 = tmp();
    await run(s0, { shard: { index: 0, count: 2 } });
    await run(s1, { shard: { index: 1, count: 2 } });
    const union = [...records(s0), ...records(s1)];
    expect(union.length).toBe(plan.totalTrials);
    expect(summaryJson(summarize(plan, hash, union, 'fake'))).toBe(refText);
    expect(renderReport(summarize(plan, hash, records(s0), 'fake'))).toContain('<b>Partial:</b>'); // one shard alone
    // interrupted after a few trials, then resumed
    const r = tmp();
    const ctl = new AbortController();
    let seen = 0;
    const first = await run(r, { signal: ctl.signal, concurrency: 2, onProgress: () => { if (++seen === 15) ctl.abort(); } });
    expect(first.status).toBe('aborted');
    const second = await run(r, { resume: true });
    expect(second.status).toBe('complete');
    expect(summaryJson(second.summary!)).toBe(refText);
  });

  it('progress carries the live interval of the point that just finished a trial', async () => {
    const seen: { lo: number; hi: number; mean: number }[] = [];
    await run(tmp(), { onProgress: (p) => { if (p.interval) seen.push(p.interval); } });
    expect(seen.length).toBeGreaterThan(10);
    for (const i of seen) { expect(i.lo).toBeLessThanOrEqual(i.mean); expect(i.hi).toBeGreaterThanOrEqual(i.mean); }
  });
});
