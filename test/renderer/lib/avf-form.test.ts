/**
 * The AVF study form's inline checks and the `campaign.avf` request built from it (issue 14): the
 * raw-rate bounds are the campaign schema's, every bad value is named with its field and range, and
 * a request from the form builds exactly the campaign `faultline avf` builds from the same options.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AVF_FIELDS, avfFormErrors, fieldError, marginError, ratesOf, sizingOf, type AvfFormText } from '../../../renderer/src/lib/avf-form';
import { fitSchema } from '../../../campaign/avf-schema';
import { CampaignAvfRequest } from '../../../ipc/campaign-schemas';
import { avfOptionsOf } from '../../../electron/services/sim/campaign-job';
import { avfStudyCampaign } from '../../../campaign/avf-study';
import { campaignHash } from '../../../campaign/plan';

const base: AvfFormText = {
  rows: '16', cols: '16', sizing: 'trials', trials: '50', margin: '20%', prior: '', images: '1',
  preset: 'custom', sramFit: '800', regUnit: 'flop', regFit: '0.0008',
};

describe('AVF form checks', () => {
  it('accepts the defaults and custom raw rates', () => {
    expect(avfFormErrors(base)).toEqual([]);
    expect(avfFormErrors({ ...base, preset: 'iec61508', sramFit: 'nonsense' })).toEqual([]); // custom fields unused with a preset
  });

  it('names the field and its range for bad rates, and for an empty required rate', () => {
    expect(avfFormErrors({ ...base, sramFit: '-3' })).toEqual(['SRAM rate: expected 0 to 1,000,000,000 FIT/Mbit, found -3']);
    expect(avfFormErrors({ ...base, sramFit: '' })).toEqual(['SRAM rate: required, a number from 0 to 1,000,000,000 FIT/Mbit']);
    expect(avfFormErrors({ ...base, regFit: 'abc' })).toEqual(['PE register rate: expected a number from 0 to 1,000,000 FIT/flip-flop, found "abc"']);
    expect(avfFormErrors({ ...base, regUnit: 'mbit', regFit: '2e9' })).toEqual(['PE register rate: expected 0 to 1,000,000,000 FIT/Mbit, found 2e9']);
    expect(avfFormErrors({ ...base, regFit: '' })).toEqual([]); // registers at the SRAM's per-bit rate
    expect(avfFormErrors({ ...base, rows: '999', trials: '3.5' })).toEqual(['Rows: expected 1 to 256 PEs, found 999', 'Sites per structure: expected an integer from 1 to 10,000, found "3.5"']);
  });

  it('checks the prior only with a relative margin, as an open interval (0, 1)', () => {
    const m = { ...base, sizing: 'margin' as const };
    expect(avfFormErrors({ ...m, margin: '20%', prior: '0' })).toEqual(['Prior AVF: expected above 0 and below 1, found 0']);
    expect(avfFormErrors({ ...m, margin: '20%', prior: '1' })).toEqual(['Prior AVF: expected above 0 and below 1, found 1']);
    expect(avfFormErrors({ ...m, margin: '20%', prior: '0.01' })).toEqual([]);
    expect(avfFormErrors({ ...m, margin: '0.05', prior: '7' })).toEqual([]); // not shown, not sent
    expect(sizingOf({ ...m, margin: '0.05', prior: '7' }, 'wilson')).toEqual({ margin: '0.05', interval: 'wilson' });
    expect(marginError('60%')).toMatch(/^Margin: expected above 0 and at most 50%/);
    expect(marginError('0.02')).toBe('');
  });

  it('rate bounds are the campaign schema\'s: a value passes the form iff the fit block accepts it (property)', () => {
    fc.assert(fc.property(fc.oneof(fc.double({ min: -10, max: 2e9, noNaN: true }), fc.constantFrom(0, 1e6, 1e9, 1e9 + 1, 1e6 + 1)), (v) => {
      const form = fieldError(AVF_FIELDS.sramFit, String(v)) === '';
      expect(form).toBe(fitSchema.safeParse({ sramFitPerMbit: v }).success);
      const flop = fieldError(AVF_FIELDS.regFitFlop, String(v)) === '';
      expect(flop).toBe(fitSchema.safeParse({ sramFitPerMbit: 1, registerFitPerFlop: v }).success);
    }));
  });
});

describe('the request from the form', () => {
  it('custom raw rates build the campaign `faultline avf --sram-fit --reg-fit-flop` builds', () => {
    const req = CampaignAvfRequest.parse({ model: 'lenet5', rows: 16, cols: 16, images: 1, ...ratesOf(base), ...sizingOf(base, 'wilson') });
    expect(req).toMatchObject({ sramFit: 800, regFitFlop: 0.0008, trials: 50 });
    const gui = avfStudyCampaign(avfOptionsOf(req));
    const cli = avfStudyCampaign({ model: 'lenet5', rows: '16', cols: '16', images: '1', trials: '50', sramFit: '800', regFitFlop: '0.0008' });
    expect(gui.ok && cli.ok).toBe(true);
    if (!gui.ok || !cli.ok) return;
    expect(gui.value.fit).toEqual({ sramFitPerMbit: 800, registerFitPerFlop: 0.0008, source: 'faultline avf command line' });
    expect(campaignHash(gui.value)).toBe(campaignHash(cli.value));
  });

  it('FIT/Mbit registers and a relative margin with a prior match `--reg-fit-mbit --margin 20% --prior 0.01`', () => {
    const f = { ...base, regUnit: 'mbit' as const, regFit: '500', sizing: 'margin' as const, margin: '20%', prior: '0.01' };
    const req = CampaignAvfRequest.parse({ model: 'lenet5', ...ratesOf(f), ...sizingOf(f, 'cp') });
    const gui = avfStudyCampaign(avfOptionsOf(req));
    const cli = avfStudyCampaign({ model: 'lenet5', sramFit: '800', regFitMbit: '500', margin: '20%', prior: '0.01', interval: 'cp' });
    expect(gui.ok && cli.ok).toBe(true);
    if (!gui.ok || !cli.ok) return;
    expect(gui.value.precision).toMatchObject({ margin: 0.2, marginKind: 'relative', p: 0.01, interval: 'clopper-pearson' });
    expect(campaignHash(gui.value)).toBe(campaignHash(cli.value));
  });

  it('a preset sends only the preset; the IPC refuses out-of-range rates and priors', () => {
    expect(ratesOf({ ...base, preset: 'iec61508' })).toEqual({ fitPreset: 'iec61508' });
    expect(CampaignAvfRequest.safeParse({ model: 'lenet5', sramFit: -1 }).success).toBe(false);
    expect(CampaignAvfRequest.safeParse({ model: 'lenet5', prior: 1 }).success).toBe(false);
    expect(CampaignAvfRequest.safeParse({ model: 'lenet5', regFitFlop: 2e6 }).success).toBe(false);
  });
});
