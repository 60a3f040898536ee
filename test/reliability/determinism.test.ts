/**
 * Issue 8, determinism: one campaign and seed give byte-identical summary.json across repeated runs,
 * worker counts (in-process, 1- and 2-thread pools) and shard splits (2 and 3 shards merged) — on the
 * real simulator (engine runner: LeNet-5, weight-SRAM and PE partial-sum faults), not only on the fake
 * runner that test/campaign/pool-merge.test.ts uses.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCampaign } from '../../campaign/run';
import { createEngineRunner } from '../../campaign/trial';
import { createTrialPool, type TrialPool } from '../../campaign/pool';
import { mergeRuns } from '../../campaign/merge';
import { berDoc, planOf, tmp } from '../campaign/helpers';

const setup = planOf(berDoc({
  protections: ['relu'],
  faults: { kind: 'ber', targets: ['weightSram', 'pe.psum'], ber: [1e-4, 1e-2], definition: 'count' },
  trialsPerPoint: 3,
  testSet: { start: 0, count: 6 },
}));
const pools: TrialPool[] = [];
afterAll(async () => { await Promise.all(pools.map((p) => p.destroy())); });
const summary = (d: string): string => readFileSync(join(d, 'summary.json'), 'utf8');

describe('determinism on the engine (issue 8)', () => {
  it('same campaign and seed: byte-identical summary.json across runs, workers and shards', async () => {
    const base = { plan: setup.plan, hash: setup.hash, runnerName: 'engine' };
    const a = tmp();
    await runCampaign({ ...base, outDir: a, runner: createEngineRunner(), concurrency: 1 });
    const ref = summary(a);
    const parsed = JSON.parse(ref) as { completedTrials: number };
    expect(parsed.completedTrials).toBe(setup.plan.totalTrials);
    expect(ref).toMatch(/"sdc/); // a real summary with metrics, not an empty shell

    const b = tmp(); // a second in-process run with fresh caches
    await runCampaign({ ...base, outDir: b, runner: createEngineRunner(), concurrency: 3 });
    expect(summary(b)).toBe(ref);

    for (const workers of [1, 2]) {
      const pool = createTrialPool({ workers, kind: 'engine' });
      pools.push(pool);
      const d = tmp();
      const o = await runCampaign({ ...base, outDir: d, runner: pool.run, concurrency: workers * 2 });
      expect(o.status).toBe('complete');
      expect(summary(d)).toBe(ref);
    }

    for (const n of [2, 3]) {
      const dirs: string[] = [];
      for (let s = 0; s < n; s++) {
        const d = tmp();
        await runCampaign({ ...base, outDir: d, runner: createEngineRunner(), concurrency: 2, shard: { index: s, count: n } });
        dirs.push(d);
      }
      const merged = tmp();
      expect(mergeRuns(dirs, merged).missing).toBe(0);
      expect(summary(merged)).toBe(ref);
    }
  }, 300_000);
});
