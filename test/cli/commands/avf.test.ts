import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { avfCampaign, avfTable } from '../../../cli/commands/avf';
import { expandCampaign } from '../../../campaign/plan';
import { tmp } from '../../campaign/helpers';

const BIN = join(process.cwd(), 'bin/faultline.mjs');

describe('faultline avf', () => {
  it('builds an AVF campaign: one point per structure, trials from --trials or --margin', () => {
    const c = avfCampaign({ model: 'lenet5', out: 'x', structures: 'weightSram,pe.psum', trials: '40' });
    const plan = expandCampaign(c, '/');
    expect(plan.points.map((p) => p.fault)).toEqual([{ kind: 'avf', target: 'weightSram' }, { kind: 'avf', target: 'pe.psum' }]);
    expect(plan.trialsPerPoint).toBe(40);
    const byMargin = expandCampaign(avfCampaign({ model: 'lenet5', out: 'x', margin: '0.05', confidence: '0.95' }), '/');
    expect(byMargin.trialsPerPoint).toBe(385);
    expect(() => avfCampaign({ model: 'm', out: 'x', structures: 'dram' })).toThrow(/--structures/);
    expect(() => avfCampaign({ model: 'm', out: 'x', trials: '5', margin: '0.1' })).toThrow(/one of them/);
    expect(() => avfCampaign({ model: 'm', out: 'x', fitPreset: 'nope' })).toThrow(/--fit-preset/);
  });

  it('runs end to end (fake runner) and prints AVF and FIT per structure with the total', () => {
    const out = join(tmp(), 'avf');
    const r = spawnSync(process.execPath, [BIN, 'avf', '--model', 'lenet5', '--out', out, '--runner', 'fake', '--trials', '30',
      '--structures', 'weightSram,pe.weight', '--fit-preset', 'unit', '--workers', '1'], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/relu\s+weightSram\s+\d+\s+30/);
    expect(r.stdout).toMatch(/^relu\s+total/m);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.avf.map((x: { target: string }) => x.target)).toEqual(['weightSram', 'pe.weight']);
    expect(s.fit[0].report.structures[0].rawFit).toBeCloseTo(s.avf[0].bits / 1048576, 9); // unit preset: 1 FIT/Mbit
    expect(avfTable(s)).toContain('AVF_SDC');
    const [head, ...rows] = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    const col = head!.split(',').indexOf('avf_sdc');
    const fitCol = head!.split(',').indexOf('fit_sdc');
    expect(rows.map((r) => Number(r.split(',')[col]))).toEqual(s.avf.map((x: { avf: { sdc: { mean: number } } }) => x.avf.sdc.mean));
    expect(Number(rows[0]!.split(',')[fitCol])).toBeCloseTo(s.fit[0].report.structures[0].fitSdc.mean, 9);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('AVF (SDC) per structure');
    expect(html).toContain('FIT (SDC) per structure');
  }, 60_000);
});
