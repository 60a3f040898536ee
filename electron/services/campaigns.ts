/**
 * Campaign services: list the shipped campaign files (campaigns/*.json) and past runs (folders with
 * summary.json under the campaigns output dir), run one in the simulation worker, load a past run.
 * Run folders are created only inside the output dir; ids are plain names.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import type { z } from 'zod';
import type { CampaignListResponse, CampaignResult } from '../../ipc/campaign-schemas';
import { parseCampaignText, countTrials, CAMPAIGN_LIMITS } from '../../campaign/schema';
import { readOutJson } from '../../campaign/output';
import { readTextFileSafe } from '../../models/io/safeFile';
import { FIT_PRESETS } from '../../campaign/fit';

/** Where campaign files ship: `<appRoot>/campaigns`. */
export function campaignsDirOf(appRoot: string): string {
  return join(appRoot, 'campaigns');
}

/** `<dir>/<id>` refusing anything that is not directly inside `dir`. */
export function childOf(dir: string, id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(id) || id.includes('..')) throw new Error(`id: expected a plain name, found ${JSON.stringify(id)}`);
  const base = resolve(dir);
  const p = resolve(base, id);
  if (dirname(p) !== base) throw new Error(`id: ${JSON.stringify(id)} leaves ${base}`);
  return p;
}

/** `campaign.list`. */
export function listCampaigns(filesDir: string, outDir: string): z.input<typeof CampaignListResponse> {
  const files = (existsSync(filesDir) ? readdirSync(filesDir).filter((f) => f.endsWith('.json')).sort() : []).flatMap((f) => {
    // regular files of bounded size only: a FIFO or device named *.json must not hang the listing
    const text = readTextFileSafe(join(filesDir, f), { maxBytes: CAMPAIGN_LIMITS.fileBytes, label: f });
    const c = text.ok ? parseCampaignText(text.value, f) : text;
    return c.ok ? [{ id: f.slice(0, -5), name: c.value.name, trials: countTrials(c.value) }] : [];
  });
  const runs = (existsSync(outDir) ? readdirSync(outDir).sort().reverse() : []).flatMap((d) => {
    const s = join(outDir, d, 'summary.json');
    if (!existsSync(s)) return [];
    const doc = readOutJson(s, 64 << 20);
    const name = doc.ok ? (doc.value as { name?: unknown } | null)?.name : undefined;
    return typeof name === 'string' ? [{ id: d, name }] : [];
  });
  return { files, runs, outDir: resolve(outDir), fitPresets: Object.keys(FIT_PRESETS) };
}

/** `campaign.load`: a past run's summary. */
export function loadRun(outDir: string, run: string): z.input<typeof CampaignResult> {
  const file = join(childOf(outDir, run), 'summary.json');
  if (!existsSync(file)) throw new Error(`run: no summary.json in run ${JSON.stringify(run)}`);
  const doc = readOutJson(file, 64 << 20);
  if (!doc.ok) throw new Error(`run ${JSON.stringify(run)}: ${doc.reason}`);
  return { run, summary: doc.value as z.input<typeof CampaignResult>['summary'] };
}
