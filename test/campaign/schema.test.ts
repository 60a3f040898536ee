import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCampaign, parseCampaignText, countTrials, CAMPAIGN_LIMITS } from '../../campaign/schema';
import { loadCampaignFile } from '../../campaign/load';
import { berDoc, tmp, writeCampaign } from './helpers';

describe('campaign schema', () => {
  it('accepts a valid BER sweep and fills defaults', () => {
    const r = parseCampaign(berDoc({ criticalClasses: undefined }), 'c.json');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.criticalClasses).toEqual([]);
    expect(r.value.faults.kind === 'ber' && r.value.faults.faultKind).toBe('seu');
    expect(countTrials(r.value)).toBe(1 * 2 * 1 * 3 * 4);
  });

  it('names file, JSON path, expected and found for a wrong value', () => {
    const doc = berDoc({ faults: { kind: 'ber', targets: ['weightSram'], ber: [1e-5, 3], definition: 'per-bit' } });
    const r = parseCampaign(doc, 'c.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toContain('c.json: $.faults.ber[1]:');
    expect(r.reason).toMatch(/<=1/);
    expect(r.reason).toContain('found 3');
    expect(r.path).toBe('$.faults.ber[1]');
  });

  it('reports wrong types, enum values and unknown keys', () => {
    const r = parseCampaign(berDoc({ seed: 'x', array: { rows: 0, cols: 16, dataflow: 'zz' }, extra: 1 }), 'c.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toContain('$.seed: Invalid input: expected number, received string; found "x"');
    expect(r.reason).toContain('$.array.rows:');
    expect(r.reason).toContain('found 0');
    expect(r.reason).toContain('$.array.dataflow:');
    expect(r.reason).toContain('found "zz"');
    expect(r.reason).toMatch(/\$: Unrecognized key: "extra"/);
  });

  it('rejects an int8 format whose bits do not add up', () => {
    const r = parseCampaign(berDoc({ formats: [{ kind: 'int8', intBits: 4, fracBits: 4 }] }), 'c.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('$.formats[0]: expected intBits + fracBits = 7');
  });

  it('enforces the total trial limit', () => {
    const protections = Array.from({ length: 16 }, (_, k) => `p${k}`);
    const r = parseCampaign(berDoc({ trialsPerPoint: 10_000, models: ['a', 'b', 'c', 'd'], protections }), 'c.json');
    expect(r.ok).toBe(false);
    // 4 models x 16 protections x 1 format x 3 BERs x 10000 trials
    if (!r.ok) expect(r.reason).toContain(`expected at most ${CAMPAIGN_LIMITS.totalTrials} trials in all; found 1920000`);
  });

  it('enforces list limits', () => {
    const r = parseCampaign(berDoc({ faults: { kind: 'ber', targets: ['weightSram'], ber: Array.from({ length: 33 }, () => 1e-5), definition: 'count' } }), 'c.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('$.faults.ber: Too big');
  });

  it('rejects malformed JSON and oversized text', () => {
    const bad = parseCampaignText('{"version": 1,', 'x.json');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/^x\.json: not valid JSON/);
    const big = parseCampaignText(' '.repeat(CAMPAIGN_LIMITS.fileBytes + 1), 'x.json');
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.reason).toContain('expected at most');
  });

  it('loads from disk, resolves scenario files and fails clearly on a missing one', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.json'), '{"id":"a"}');
    const doc = berDoc({ faults: { kind: 'scenarios', files: ['a.json', 'missing.json'] } });
    const r = loadCampaignFile(writeCampaign(dir, doc));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/\$\.faults\.files\[1\]: scenario "missing\.json" \(.*missing\.json\): cannot read file \(ENOENT\)/);
    const ok = loadCampaignFile(writeCampaign(dir, berDoc({ faults: { kind: 'scenarios', files: ['a.json'] } })));
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    const f = ok.value.plan.points[0]!.fault;
    expect(f.kind === 'scenario' && f.file).toBe(join(dir, 'a.json'));
    // the hash covers the scenario's content
    writeFileSync(join(dir, 'a.json'), '{"id":"a2"}');
    const again = loadCampaignFile(join(dir, 'campaign.json'));
    expect(again.ok && again.value.hash).not.toBe(ok.value.hash);
  });
});

describe('shipped example campaigns', () => {
  it('every campaigns/*.json file loads (schema, limits, scenario files present)', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync('campaigns').filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const r = loadCampaignFile(join('campaigns', f));
      expect(r.ok ? 'ok' : r.reason).toBe('ok');
    }
  });
});
