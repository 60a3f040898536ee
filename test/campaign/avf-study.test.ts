import { describe, expect, it } from 'vitest';
import { avfStudyCampaign } from '../../campaign/avf-study';
import { trialChoice } from '../../campaign/avf-schema';
import { expandCampaign } from '../../campaign/plan';

describe('AVF study campaign (shared by faultline avf and the GUI)', () => {
  it('--margin 20% is a relative margin; --interval cp asks for Clopper–Pearson; --prior sizes it', () => {
    const c = avfStudyCampaign({ model: 'lenet5', margin: '20%', interval: 'cp', prior: '0.05', structures: 'weightSram' });
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    const prec = (c.value as { precision?: Record<string, unknown> }).precision;
    expect(prec).toMatchObject({ margin: 0.2, marginKind: 'relative', interval: 'clopper-pearson', p: 0.05 });
    const t = 1.959963984540054;
    expect(expandCampaign(c.value, '/').trialsPerPoint).toBe(Math.ceil((t * t * 0.95) / (0.04 * 0.05)));
  });

  it('a relative margin without a prior plans the cap; an absolute one the conservative n', () => {
    const rel = avfStudyCampaign({ model: 'lenet5', margin: '50%' });
    const abs = avfStudyCampaign({ model: 'lenet5', margin: '0.05' });
    expect(rel.ok && trialChoice(rel.value).trialsPerPoint).toBe(10_000);
    expect(abs.ok && trialChoice(abs.value).trialsPerPoint).toBe(385);
  });

  it('refuses what does not belong together, naming the option', () => {
    const r = (o: Parameters<typeof avfStudyCampaign>[0]): string => { const x = avfStudyCampaign(o); return x.ok ? 'ok' : x.reason; };
    expect(r({ model: 'm', interval: 'cp' })).toMatch(/--interval and --prior/);
    expect(r({ model: 'm', margin: '0.02', prior: '0.1' })).toMatch(/--prior: only with a relative/);
    expect(r({ model: 'm', margin: '0.02', interval: 'exact' })).toMatch(/--interval/);
    expect(r({ model: 'm', margin: '80%' })).toMatch(/margin/);
    expect(r({ model: 'm', trials: '5', margin: '0.1' })).toMatch(/one of them/);
  });
});
