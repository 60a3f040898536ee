/** Test helpers for campaign tests: temp folders and small campaign documents. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandCampaign, campaignHash, type CampaignPlan } from '../../campaign/plan';
import { parseCampaign, type CampaignFile } from '../../campaign/schema';

/** A fresh temporary folder. */
export function tmp(prefix = 'fl-campaign-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A small valid BER-sweep campaign document (plain JSON object); `over` replaces top-level keys. */
export function berDoc(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    name: 'test sweep',
    seed: 1234,
    models: ['lenet5'],
    protections: ['relu', 'ranger'],
    formats: ['fp32'],
    array: { rows: 16, cols: 16, dataflow: 'ws' },
    faults: { kind: 'ber', targets: ['weightSram'], ber: [1e-6, 1e-5, 1e-4], definition: 'per-bit' },
    trialsPerPoint: 4,
    testSet: { start: 0, count: 20 },
    criticalClasses: [0, 7],
    ...over,
  };
}

/** Parses and expands a document, failing the test on a schema error. */
export function planOf(doc: unknown, baseDir = '/'): { campaign: CampaignFile; plan: CampaignPlan; hash: string } {
  const r = parseCampaign(doc, 'test.json');
  if (!r.ok) throw new Error(r.reason);
  return { campaign: r.value, plan: expandCampaign(r.value, baseDir), hash: campaignHash(r.value) };
}

/** Writes a document as a campaign file in `dir`; returns its path. */
export function writeCampaign(dir: string, doc: unknown, name = 'campaign.json'): string {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(doc, null, 2));
  return f;
}
