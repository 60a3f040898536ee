import { describe, expect, it } from 'vitest';
import { createEngineRunner } from '../../campaign/trial';
import { expandCampaign, trialAt } from '../../campaign/plan';
import { avfCampaign } from '../../cli/commands/avf';
import { isOutcomeCounts, worstOutcome } from '../../campaign/outcomes';
import { drawSite, domainOf, structureSizes } from '../../campaign/avf';
import { parseArraySpec } from '../../sim/array/spec';
import { getArch } from '../../models/nets';
import { materialize } from '../../models/nets/init';

// AVF points on the real engine: LeNet-5, one SEU site per trial over 2 inferences.
const c = avfCampaign({ model: 'lenet5', out: 'x', structures: 'weightSram,ifmapSram,pe.psum', trials: '3', images: '2' });
const plan = expandCampaign(c, '/');

describe('AVF trials on the engine runner', () => {
  it('inject exactly one fault, classify every image, report the structure size, and repeat exactly', async () => {
    const run = createEngineRunner();
    const spec = parseArraySpec({ ...plan.array, format: { kind: 'fp32' } });
    if (!spec.ok) throw new Error(spec.reason);
    const sizes = structureSizes(spec.value, materialize(getArch('lenet5')!));
    for (let i = 0; i < plan.totalTrials; i++) {
      const t = trialAt(plan, i);
      const r = await run(t);
      const f = t.point.fault;
      if (f.kind !== 'avf') throw new Error('expected AVF points');
      expect(r.faultsInjected).toBe(1);
      expect(r.faultsByTarget[f.target]).toBe(1);
      expect(isOutcomeCounts(r.outcomes)).toBe(true);
      expect(r.outcomes!.images).toBe(2);
      expect(r.avf!.bits).toBe(sizes[f.target].bits);
      // the site drawn is inside the run: cycles = one inference x 2 images
      const site = drawSite(domainOf(sizes[f.target], r.avf!.cycles), t.seed);
      expect(site.cycle).toBeLessThan(r.avf!.cycles);
      // an SDC in the golden-correct count implies the run-level class is at least SDC
      if (r.sdc > 0) expect(['sdc', 'due']).toContain(worstOutcome(r.outcomes!));
      expect(await run(t)).toEqual(r);
    }
  }, 300_000);
});
