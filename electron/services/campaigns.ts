/**
 * Campaign services: list the shipped campaign files (campaigns/*.json) and past runs (folders with
 * summary.json under the campaigns output dir), run one in the simulation worker, load a past run.
 * Run folders are created only inside the output dir; ids are plain names.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import type { z } from 'zod';
import type { CampaignListResponse, CampaignResult } from '../../ipc/campaign-schemas';
import { parseCampaignText, countTrials } from '../../campaign/schema';

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
    const c = parseCampaignText(readFileSync(join(filesDir, f), 'utf8'), f);
    return c.ok ? [{ id: f.slice(0, -5), name: c.value.name, trials: countTrials(c.value) }] : [];
  });
  const runs = (existsSync(outDir) ? readdirSync(outDir).sort().reverse() : []).flatMap((d) => {
    const s = join(outDir, d, 'summary.json');
    if (!existsSync(s)) return [];
    try {
      return [{ id: d, name: (JSON.parse(readFileSync(s, 'utf8')) as { name: string }).name }];
    } catch {
      return [];
    }
  });
  return { files, runs, outDir: resolve(outDir) };
}

/** `campaign.load`: a past run's summary. */
export function loadRun(outDir: string, run: string): z.input<typeof CampaignResult> {
  const file = join(childOf(outDir, run), 'summary.json');
  if (!existsSync(file)) throw new Error(`run: no summary.json in run ${JSON.stringify(run)}`);
  return { run, summary: JSON.parse(readFileSync(file, 'utf8')) };
}
