/**
 * GUI campaign trial limit (electron/services/sim/trial-timeout.ts): the same per-trial timeout as
 * the CLI's `--trial-timeout` (default 1 h), recorded the same way: a trial over it is stopped and
 * its record is campaign/pool's timedOutResult; the summary counts it and leaves it out of the rates.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TRIAL_TIMEOUT_MS, timedOutResult } from '../../../../campaign/pool';
import { runCampaign } from '../../../../campaign/run';
import { fakeTrial } from '../../../../campaign/fake';
import { trialAt } from '../../../../campaign/plan';
import { closeTimedTrialRunner, timedTrialRunner, trialTimeoutMsOf } from '../../../../electron/services/sim/trial-timeout';
import { berDoc, planOf, tmp } from '../../../campaign/helpers';
import { runCampaignJob } from '../../../../electron/services/sim/campaign-job';

afterAll(async () => { await closeTimedTrialRunner(); });

describe('GUI campaign job: per-trial timeout', () => {
  it('defaults to the CLI limit (1 h); 0 = none; bad values are a bad request naming trialTimeoutS', () => {
    expect(trialTimeoutMsOf(undefined)).toBe(DEFAULT_TRIAL_TIMEOUT_MS);
    expect(DEFAULT_TRIAL_TIMEOUT_MS).toBe(3_600_000);
    expect(trialTimeoutMsOf(0)).toBe(0);
    expect(trialTimeoutMsOf(2.5)).toBe(2500);
    for (const bad of [-1, Number.NaN, 604_801]) {
      expect(() => trialTimeoutMsOf(bad)).toThrow(/^trialTimeoutS: expected seconds in 0\.\.604800/);
      try { trialTimeoutMsOf(bad); } catch (e) { expect((e as { field?: string; code?: string }).field).toBe('trialTimeoutS'); }
    }
  });

  it('a trial over the limit is stopped and recorded as timed out; a fast one returns its own result; the summary counts it', async () => {
    const setup = planOf(berDoc({ protections: ['relu'], faults: { kind: 'ber', targets: ['weightSram'], ber: [1e-5], definition: 'per-bit' }, trialsPerPoint: 2 }));
    const slow = timedTrialRunner({ kind: 'fake', busyMs: 3000, limitMs: 400 });
    const t0 = Date.now();
    const r = await slow(trialAt(setup.plan, 0));
    expect(Date.now() - t0).toBeLessThan(2500); // stopped at the limit, not after the 3 s trial
    expect(r).toEqual(timedOutResult(trialAt(setup.plan, 0), 400));
    const dir = tmp();
    const o = await runCampaign({ plan: setup.plan, hash: setup.hash, outDir: dir, runner: slow, runnerName: 'engine', concurrency: 1 });
    expect(o.status).toBe('complete');
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { points: { trials: number; timedOut?: number }[] };
    expect(s.points[0]!.timedOut).toBe(2);
    expect(s.points[0]!.trials).toBe(0);
    const fast = timedTrialRunner({ kind: 'fake', limitMs: 20_000 });
    expect(await fast(trialAt(setup.plan, 1))).toEqual(fakeTrial(trialAt(setup.plan, 1)));
  }, 60_000);

  it('the campaign.run job applies it: campaigns/smoke.json with a 1 ms limit records every trial as timed out', async () => {
    const outDir = tmp();
    const file = join(import.meta.dirname, '../../../../campaigns/smoke.json');
    const summary = await runCampaignJob({ file, outDir, trialsPerPoint: 1, images: 2, trialTimeoutS: 0.001 }, () => undefined) as { points: { trials: number; timedOut?: number }[] };
    expect(summary.points).toHaveLength(2);
    for (const p of summary.points) { expect(p.timedOut).toBe(1); expect(p.trials).toBe(0); }
    const rec = readFileSync(join(outDir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { result?: { timedOut?: unknown }; timedOut?: unknown });
    expect(rec.length).toBeGreaterThan(0);
    expect(JSON.stringify(rec)).toContain('"timedOut":{"limitMs":1}');
    await expect(runCampaignJob({ file, outDir: tmp(), trialTimeoutS: -1 }, () => undefined)).rejects.toThrow(/trialTimeoutS/);
  }, 120_000);
});
