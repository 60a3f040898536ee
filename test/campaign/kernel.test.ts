/**
 * The kernel of a campaign: a `kernel` field of the campaign file and `faultline campaign --kernel`
 * (the option wins), both validated with the field named; the summary does not depend on it.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCampaign } from '../../campaign/schema';
import { campaignCommand } from '../../cli/commands/campaign';
import { berDoc, tmp, writeCampaign } from './helpers';

const doc = (over: Record<string, unknown> = {}) => berDoc({
  protections: ['fitact'], faults: { kind: 'ber', targets: ['weightSram'], ber: [1e-3], definition: 'per-bit' },
  trialsPerPoint: 2, testSet: { start: 0, count: 6 }, ...over,
});

describe('campaign kernel', () => {
  it('the file field takes js | tfjs-wasm | gpujs and names $.kernel otherwise', () => {
    for (const k of ['js', 'tfjs-wasm', 'gpujs']) {
      const r = parseCampaign(doc({ kernel: k }), 'c.json');
      expect(r.ok, k).toBe(true);
      if (r.ok) expect(r.value.kernel).toBe(k);
    }
    const bad = parseCampaign(doc({ kernel: 'cuda' }), 'c.json');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/\$\.kernel/);
  });

  it('--kernel and the file field pick the backend; the summary is the same on each', async () => {
    const dir = tmp();
    const summaries: string[] = [];
    const strip = (s: string): string => JSON.stringify({ ...JSON.parse(s), elapsedMs: 0, createdAt: 0 });
    const run = async (file: string, kernel?: string): Promise<void> => {
      const out = tmp();
      await campaignCommand(file, { out, workers: '1', progress: false, ...(kernel ? { kernel } : {}) });
      summaries.push(strip(readFileSync(join(out, 'summary.json'), 'utf8')));
    };
    await run(writeCampaign(dir, doc({ kernel: 'gpujs' }), 'gpujs.json'));
    await run(writeCampaign(dir, doc(), 'plain.json'), 'js');
    await run(writeCampaign(dir, doc(), 'plain2.json'));
    await expect(campaignCommand(writeCampaign(dir, doc(), 'x.json'), { out: tmp(), workers: '1', progress: false, kernel: 'cuda' })).rejects.toThrow(/--kernel: expected one of js \| tfjs-wasm \| gpujs/);
    const points = JSON.parse(summaries[0]!).points as { faultyAccuracy?: unknown; accuracy?: unknown }[];
    expect(points.length).toBe(1);
    const bodies = summaries.map((s) => JSON.stringify(JSON.parse(s).points));
    expect(bodies[1]).toBe(bodies[0]);
    expect(bodies[2]).toBe(bodies[0]);
  }, 300_000);
});
