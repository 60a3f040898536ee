import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCampaign } from '../../campaign/run';
import { fakeRunner, fakeTrial } from '../../campaign/fake';
import { readResults } from '../../campaign/results';
import { trialAt } from '../../campaign/plan';
import { summaryJson } from '../../campaign/output';
import type { TrialRunner } from '../../campaign/types';
import { berDoc, planOf, tmp } from './helpers';

const setup = planOf(berDoc());

async function fullRun(outDir = tmp()) {
  const o = await runCampaign({ plan: setup.plan, hash: setup.hash, runnerName: 'fake', outDir, runner: fakeRunner(), concurrency: 3 });
  return { outDir, o };
}

describe('runCampaign', () => {
  it('runs every trial once, writes summaries, and the summary matches a direct computation', async () => {
    const { outDir, o } = await fullRun();
    expect(o.status).toBe('complete');
    expect(o.ran).toBe(setup.plan.totalTrials);
    const recs = readResults(join(outDir, 'results.jsonl'), setup.hash);
    expect(recs.ok && recs.value.records.map((r) => r.i).sort((a, b) => a - b)).toEqual([...Array(setup.plan.totalTrials).keys()]);
    const s = o.summary!;
    // point 0: accuracy mean is the mean of the fake's per-trial accuracies
    const trials = [0, 1, 2, 3].map((i) => fakeTrial(trialAt(setup.plan, i)));
    const accs = trials.map((r) => r.faultyCorrect / r.images);
    expect(s.points[0]!.accuracy.mean).toBeCloseTo(accs.reduce((a, b) => a + b) / 4, 12);
    expect(s.points[0]!.sdc.count).toBe(trials.reduce((a, r) => a + r.sdc, 0));
    expect(readFileSync(join(outDir, 'summary.json'), 'utf8')).toBe(summaryJson(s));
    expect(readFileSync(join(outDir, 'summary.csv'), 'utf8').split('\n')[0]).toMatch(/^point,model,protection/);
    expect(readFileSync(join(outDir, 'report.html'), 'utf8')).toContain('<svg');
  });

  it('refuses a folder that already holds a run unless resuming', async () => {
    const { outDir } = await fullRun();
    await expect(runCampaign({ plan: setup.plan, hash: setup.hash, runnerName: 'fake', outDir, runner: fakeRunner(), concurrency: 1 }))
      .rejects.toThrow(/pass --resume/);
    const other = planOf(berDoc({ seed: 99 }));
    await expect(runCampaign({ plan: other.plan, hash: other.hash, runnerName: 'fake', outDir, runner: fakeRunner(), concurrency: 1, resume: true }))
      .rejects.toThrow(/changed since this folder was started/);
  });

  it('resumes after a truncated file: partial line discarded, no trial lost or repeated', async () => {
    const ref = await fullRun();
    const refSummary = readFileSync(join(ref.outDir, 'summary.json'), 'utf8');
    const { outDir } = await fullRun();
    const text = readFileSync(join(outDir, 'results.jsonl'), 'utf8');
    const lines = text.split('\n');
    const keep = 17;
    const cut = lines.slice(0, keep).join('\n') + '\n' + lines[keep]!.slice(0, 25);
    writeFileSync(join(outDir, 'results.jsonl'), cut);
    const notices: string[] = [];
    const o = await runCampaign({ plan: setup.plan, hash: setup.hash, runnerName: 'fake', outDir, runner: fakeRunner(), concurrency: 2, resume: true, onNotice: (m) => notices.push(m) });
    expect(o.partialLine).toBe(lines[keep]!.slice(0, 25));
    expect(notices.join('\n')).toContain('discarded a partially written last line');
    expect(o.resumed).toBe(keep);
    expect(o.ran).toBe(setup.plan.totalTrials - keep);
    const recs = readResults(join(outDir, 'results.jsonl'), setup.hash);
    const idx = recs.ok ? recs.value.records.map((r) => r.i) : [];
    expect(idx.length).toBe(setup.plan.totalTrials);
    expect(new Set(idx).size).toBe(setup.plan.totalTrials);
    expect(readFileSync(join(outDir, 'summary.json'), 'utf8')).toBe(refSummary);
  });

  it('stops on abort, keeps finished trials, and resume completes to the same summary', async () => {
    const ref = await fullRun();
    const outDir = tmp();
    const ctl = new AbortController();
    let n = 0;
    const slow: TrialRunner = async (t, signal) => {
      if (++n === 10) ctl.abort();
      await new Promise((r) => setTimeout(r, 2));
      if (signal?.aborted && n > 12) throw new Error('aborted');
      return fakeTrial(t);
    };
    const o1 = await runCampaign({ plan: setup.plan, hash: setup.hash, runnerName: 'fake', outDir, runner: slow, concurrency: 3, signal: ctl.signal });
    expect(o1.status).toBe('aborted');
    expect(o1.missing).toBeGreaterThan(0);
    expect(o1.summary).toBeNull();
    const o2 = await runCampaign({ plan: setup.plan, hash: setup.hash, runnerName: 'fake', outDir, runner: fakeRunner(), concurrency: 3, resume: true });
    expect(o2.status).toBe('complete');
    expect(o2.resumed + o2.ran).toBe(setup.plan.totalTrials);
    expect(o2.resumed).toBe(o1.ran);
    expect(readFileSync(join(outDir, 'summary.json'), 'utf8')).toBe(readFileSync(join(ref.outDir, 'summary.json'), 'utf8'));
  });

  it('a failing trial stops the run with a message naming the trial', async () => {
    const bad: TrialRunner = async (t) => { if (t.index === 5) throw new Error('boom'); return fakeTrial(t); };
    await expect(runCampaign({ plan: setup.plan, hash: setup.hash, runnerName: 'fake', outDir: tmp(), runner: bad, concurrency: 2 }))
      .rejects.toThrow(/trial 5 \(point ".*", trial 1, seed \d+\) failed: boom/);
  });
});

