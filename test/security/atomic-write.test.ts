/**
 * Issue 17 item 9: "disk full left a 0-byte summary.csv". Output files are replaced via a temp file
 * and rename: with the disk full (writes fail with ENOSPC) the previous file stays whole, no temp file
 * is left, and the error names the file.
 */
import { describe, expect, it, vi } from 'vitest';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { runCampaign } from '../../campaign/run';
import { fakeRunner } from '../../campaign/fake';
import { writeFileAtomic } from '../../models/io/safeFile';
import { ResultsWriter } from '../../campaign/results';
import { trialAt } from '../../campaign/plan';
import { fakeTrial } from '../../campaign/fake';
import { berDoc, planOf, tmp } from '../campaign/helpers';

const disk = vi.hoisted(() => ({ full: false }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((...a: Parameters<typeof real.writeSync>) => {
    if (disk.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return (real.writeSync as (...x: unknown[]) => number)(...a);
  }) as typeof real.writeSync;
  return { ...real, default: { ...real, writeSync }, writeSync };
});

describe('atomic replacement under a full disk', () => {
  it('writeFileAtomic keeps the old content, removes its temp file and names the file', () => {
    const dir = tmp();
    const f = join(dir, 'summary.csv');
    writeFileAtomic(f, 'point,model\n0,lenet5\n');
    disk.full = true;
    try {
      expect(() => writeFileAtomic(f, 'x'.repeat(10_000))).toThrow(`${f}: cannot write (ENOSPC); the previous version, if any, is unchanged`);
    } finally {
      disk.full = false;
    }
    expect(fs.readFileSync(f, 'utf8')).toBe('point,model\n0,lenet5\n');
    expect(fs.readdirSync(dir)).toEqual(['summary.csv']);
  });

  it('appending a results line on a full disk fails naming results.jsonl', () => {
    const s = planOf(berDoc({ trialsPerPoint: 2 }));
    const f = join(tmp(), 'results.jsonl');
    const w = new ResultsWriter(f, s.hash);
    const t = trialAt(s.plan, 0);
    disk.full = true;
    try {
      expect(() => w.append({ v: 1, i: 0, point: t.point.key, trial: t.trial, seed: t.seed, r: fakeTrial(t) })).toThrow(`${f}: cannot append (ENOSPC)`);
    } finally {
      disk.full = false;
      w.close();
    }
  });

  it('a campaign whose summary write hits a full disk leaves the earlier summary files whole', async () => {
    const s = planOf(berDoc({ trialsPerPoint: 2 }));
    const out = tmp();
    await runCampaign({ plan: s.plan, hash: s.hash, runnerName: 'fake', outDir: out, runner: fakeRunner(), concurrency: 1 });
    const before = Object.fromEntries(['summary.json', 'summary.csv', 'report.html', 'manifest.json'].map((f) => [f, fs.readFileSync(join(out, f), 'utf8')]));
    disk.full = true;
    try {
      // resume: nothing to run, the manifest and the summaries are rewritten -> the first write fails
      await expect(runCampaign({ plan: s.plan, hash: s.hash, runnerName: 'fake', outDir: out, runner: fakeRunner(), concurrency: 1, resume: true }))
        .rejects.toThrow(/manifest\.json: cannot write \(ENOSPC\)/);
    } finally {
      disk.full = false;
    }
    for (const [f, text] of Object.entries(before)) expect(fs.readFileSync(join(out, f), 'utf8')).toBe(text);
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.tmp') || f === 'faultline.lock')).toEqual([]);
  });
});
