/**
 * Trial time limit (campaign/pool.ts): a trial running past it is stopped (its worker replaced),
 * recorded as timed out, and left out of the point's rates; trials within it are untouched.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTrialPool, timedOutResult, type TrialPool } from '../../campaign/pool';
import { runCampaign } from '../../campaign/run';
import { fakeTrial } from '../../campaign/fake';
import { trialAt } from '../../campaign/plan';
import { berDoc, planOf, tmp } from './helpers';

const pools: TrialPool[] = [];
afterAll(async () => { await Promise.all(pools.map((p) => p.destroy())); });

describe('trial timeout', () => {
  it('a trial over the limit is recorded as timed out; the summary counts it and leaves it out of the rates', async () => {
    const setup = planOf(berDoc({ protections: ['relu'], faults: { kind: 'ber', targets: ['weightSram'], ber: [1e-5], definition: 'per-bit' }, trialsPerPoint: 2 }));
    const slow = createTrialPool({ workers: 1, kind: 'fake', busyMs: 3000, trialTimeoutMs: 400 });
    pools.push(slow);
    const t0 = Date.now();
    const r = await slow.run(trialAt(setup.plan, 0));
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(r).toEqual(timedOutResult(trialAt(setup.plan, 0), 400));
    expect(r.timedOut).toEqual({ limitMs: 400 });
    // within the limit: the trial's own result
    const fast = createTrialPool({ workers: 1, kind: 'fake', trialTimeoutMs: 20_000 });
    pools.push(fast);
    expect(await fast.run(trialAt(setup.plan, 1))).toEqual(fakeTrial(trialAt(setup.plan, 1)));
    // the summary: timed-out trials excluded from the rates and counted
    const dir = tmp();
    const o = await runCampaign({ plan: setup.plan, hash: setup.hash, outDir: dir, runner: slow.run, concurrency: 1 });
    expect(o.status).toBe('complete');
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { points: { trials: number; timedOut?: number; images: number }[] };
    expect(s.points[0]!.timedOut).toBe(2);
    expect(s.points[0]!.trials).toBe(0);
    expect(s.points[0]!.images).toBe(0);
  }, 60_000);
});
