import { describe, expect, it } from 'vitest';
import { parseCampaign } from '../../campaign/schema';
import { expandCampaign } from '../../campaign/plan';
import { fitRates, dueRuleOf, trialChoice } from '../../campaign/avf-schema';
import { berDoc } from './helpers';

const avfDoc = (over: Record<string, unknown> = {}): Record<string, unknown> => {
  const { trialsPerPoint: _t, ...rest } = berDoc({ faults: { kind: 'avf', targets: ['weightSram', 'pe.psum'] } });
  return { ...rest, precision: { margin: 0.02, confidence: 0.99 }, fit: { preset: 'iec61508' }, due: { nonFinite: 'never' }, ...over };
};

describe('campaign file: precision, avf, due, fit', () => {
  it('accepts an AVF study planned to a precision and expands it', () => {
    const r = parseCampaign(avfDoc(), 'a.json');
    if (!r.ok) throw new Error(r.reason);
    const plan = expandCampaign(r.value, '/');
    // t(0.99) = 2.5758, p = 0.5, e = 0.02: 2.5758^2 / 4 / 0.0004 = 4146.8 -> 4147
    expect(plan.trialsPerPoint).toBe(4147);
    expect(trialChoice(r.value)).toMatchObject({ method: 'precision', trialsPerPoint: 4147, capped: false });
    expect(plan.points.map((p) => p.key)).toEqual([
      'lenet5|relu|fp32|avf:weightSram', 'lenet5|relu|fp32|avf:pe.psum', 'lenet5|ranger|fp32|avf:weightSram', 'lenet5|ranger|fp32|avf:pe.psum']);
    expect(fitRates(r.value)?.sramFitPerMbit).toBe(1200);
    expect(dueRuleOf(r.value)).toEqual({ nonFinite: 'never' });
  });

  it('needs exactly one of trialsPerPoint and precision, and names bad fields', () => {
    expect(parseCampaign(avfDoc({ trialsPerPoint: 10 }), 'a.json').ok).toBe(false);
    const none = avfDoc();
    delete none.precision;
    const r0 = parseCampaign(none, 'a.json');
    expect(r0.ok).toBe(false);
    if (!r0.ok) expect(r0.reason).toMatch(/exactly one of trialsPerPoint/);
    const bad = parseCampaign(avfDoc({ precision: { margin: 0, confidence: 0.95 } }), 'a.json');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/\$\.precision\.margin/);
    const badFit = parseCampaign(avfDoc({ fit: { preset: 'nope' } }), 'a.json');
    expect(badFit.ok).toBe(false);
    const rates = parseCampaign(avfDoc({ fit: { sramFitPerMbit: 500, registerFitPerFlop: 0.001 } }), 'a.json');
    if (!rates.ok) throw new Error(rates.reason);
    expect(fitRates(rates.value)).toMatchObject({ sramFitPerMbit: 500, registerFitPerFlop: 0.001, source: 'campaign file' });
  });
});
