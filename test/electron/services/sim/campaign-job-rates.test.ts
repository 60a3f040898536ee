/**
 * `campaign.avf` requests mixing raw-rate sources are refused before anything runs, naming the
 * field (the study would otherwise drop one of them silently: campaign/avf-study.ts ignores raw
 * rates when a preset is given, and a register rate without the SRAM rate).
 */
import { describe, expect, it } from 'vitest';
import { runCampaignJob } from '../../../../electron/services/sim/campaign-job';
import { RequestError } from '../../../../electron/services/sim/errors';

const job = (avf: Record<string, unknown>) => runCampaignJob({ avf: { model: 'lenet5', trials: 1, ...avf } as never, outDir: '/nonexistent/never-written' }, () => undefined);

describe('campaign.avf raw-rate checks', () => {
  it.each([
    [{ fitPreset: 'iec61508', sramFit: 800 }, 'fitPreset'],
    [{ regFitFlop: 0.001 }, 'sramFit'],
    [{ sramFit: 800, regFitFlop: 0.001, regFitMbit: 700 }, 'regFitFlop'],
    [{ sramFit: 800, prior: 0.5 }, 'prior'],
  ])('%o is refused, naming %s', async (req, field) => {
    const e = await job(req).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(RequestError);
    expect((e as RequestError).field).toBe(field);
  });
});
