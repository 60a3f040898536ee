import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCampaign } from '../../campaign/run';
import { createTrialPool, type TrialPool } from '../../campaign/pool';
import { mergeRuns } from '../../campaign/merge';
import { fakeRunner } from '../../campaign/fake';
import { berDoc, planOf, tmp } from './helpers';

const setup = planOf(berDoc({ trialsPerPoint: 5, protections: ['relu', 'ranger', 'saf'] }));
const pools: TrialPool[] = [];
afterAll(async () => { await Promise.all(pools.map((p) => p.destroy())); });
const summaryOf = (dir: string): string => readFileSync(join(dir, 'summary.json'), 'utf8');

async function inProcess(): Promise<string> {
  const outDir = tmp();
  await runCampaign({ plan: setup.plan, hash: setup.hash, runnerName: 'fake', outDir, runner: fakeRunner(), concurrency: 1 });
  return outDir;
}

describe('worker pool and shard merge', () => {
  it('1 and 2 pool workers give byte-identical summaries equal to the in-process run', async () => {
    const ref = summaryOf(await inProcess());
    for (const workers of [1, 2]) {
      const pool = createTrialPool({ workers, kind: 'fake', busyMs: 1 });
      pools.push(pool);
      const outDir = tmp();
      const o = await runCampaign({ plan: setup.plan, hash: setup.hash, runnerName: 'fake', outDir, runner: pool.run, concurrency: workers * 2 });
      expect(o.status).toBe('complete');
      expect(summaryOf(outDir)).toBe(ref);
    }
  });

  it('N shards merged equal one run (byte-identical summary.json and results.jsonl)', async () => {
    const single = await inProcess();
    for (const n of [2, 3, 7]) {
      const dirs: string[] = [];
      for (let s = 0; s < n; s++) {
        const d = tmp();
        const o = await runCampaign({ plan: setup.plan, hash: setup.hash, runnerName: 'fake', outDir: d, runner: fakeRunner(), concurrency: 2, shard: { index: s, count: n } });
        expect(o.status).toBe('complete');
        expect(o.ran).toBe(Math.ceil((setup.plan.totalTrials - s) / n));
        dirs.push(d);
      }
      const out = tmp();
      const m = mergeRuns(dirs.reverse(), out);
      expect(m.missing).toBe(0);
      expect(summaryOf(out)).toBe(summaryOf(single));
      // a single run's results are in completion order; merged ones are sorted: compare as sets of lines
      const lines = (d: string): string[] => readFileSync(join(d, 'results.jsonl'), 'utf8').trim().split('\n').sort();
      expect(lines(out)).toEqual(lines(single));
    }
  });

  it('merge refuses missing shards (unless allowed) and foreign campaigns', async () => {
    const d0 = tmp();
    await runCampaign({ plan: setup.plan, hash: setup.hash, runnerName: 'fake', outDir: d0, runner: fakeRunner(), concurrency: 2, shard: { index: 0, count: 2 } });
    expect(() => mergeRuns([d0], tmp())).toThrow(/trials missing .*shard 0\/2.*--allow-partial/);
    const partial = mergeRuns([d0], tmp(), { allowPartial: true });
    expect(partial.summary.completedTrials).toBe(Math.ceil(setup.plan.totalTrials / 2));
    const other = planOf(berDoc({ seed: 7 }));
    const d1 = tmp();
    await runCampaign({ plan: other.plan, hash: other.hash, runnerName: 'fake', outDir: d1, runner: fakeRunner(), concurrency: 2 });
    expect(() => mergeRuns([d0, d1], tmp())).toThrow(/holds a different campaign/);
  });
});
