import { describe, expect, it } from 'vitest';
import { SummarySchema } from '../../ipc/campaign-schemas';
import { expandCampaign, campaignHash } from '../../campaign/plan';
import { trialAt } from '../../campaign/plan';
import { fakeTrial } from '../../campaign/fake';
import { summarize } from '../../campaign/summary';
import { summaryJson } from '../../campaign/output';
import { avfCampaign } from '../../cli/commands/avf';

describe('campaign IPC schema carries the issue-14 numbers to the GUI', () => {
  it('AVF, FIT, outcome classes and the trial-count choice survive the schema (per protection)', () => {
    const c = { ...avfCampaign({ model: 'lenet5', out: 'x', structures: 'weightSram,pe.psum', trials: '12', fitPreset: 'iec61508' }), protections: ['relu', 'ranger'] };
    const plan = expandCampaign(c, '/');
    const recs = Array.from({ length: plan.totalTrials }, (_, i) => {
      const t = trialAt(plan, i);
      return { v: 1 as const, i, point: t.point.key, trial: t.trial, seed: t.seed, r: fakeTrial(t) };
    });
    const s = summarize(plan, campaignHash(c), recs, 'fake');
    const parsed = SummarySchema.parse(JSON.parse(summaryJson(s)));
    expect(parsed.avf!.map((r) => `${r.protection}/${r.target}`)).toEqual(['relu/weightSram', 'relu/pe.psum', 'ranger/weightSram', 'ranger/pe.psum']);
    expect(parsed.avf![0]!.avf.sdc).toEqual(s.avf[0]!.avf.sdc);
    expect(parsed.fit!.map((f) => f.protection)).toEqual(['relu', 'ranger']);
    expect(parsed.fit![0]!.report.total.fitSdc.mean).toBeCloseTo(s.fit[0]!.report.total.fitSdc.mean, 12);
    expect(parsed.points[0]!.outcomes!.counts.images).toBe(12);
    expect(parsed.trialCount).toMatchObject({ method: 'fixed', trialsPerPoint: 12 });
  });

  it('older summaries without the issue-14 fields still parse', () => {
    const old = { name: 'n', description: '', runner: 'fake', totalTrials: 0, completedTrials: 0,
      methods: { accuracy: '', rates: '', vulnerability: '' }, points: [], structures: [], overhead: [] };
    expect(SummarySchema.safeParse(old).success).toBe(true);
  });
});
