/**
 * Reads a campaign file from disk: size limit, JSON, schema, scenario files present and readable,
 * then the expanded plan and the campaign hash (which covers the scenario files' content).
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { campaignHash, expandCampaign, type CampaignPlan } from './plan';
import { CAMPAIGN_LIMITS, parseCampaignText } from './schema';
import { fail, ok, type Result } from '../sim/result';
import { MAX_SCENARIO_CHARS } from '../scenarios/validate';

/** A campaign read from disk. */
export interface LoadedCampaign {
  readonly file: string;
  readonly plan: CampaignPlan;
  readonly hash: string;
}

/** Loads and validates a campaign file; scenario paths resolve against its folder. */
export function loadCampaignFile(path: string): Result<LoadedCampaign> {
  const file = resolve(path);
  let text: string;
  try {
    const st = statSync(file);
    if (st.size > CAMPAIGN_LIMITS.fileBytes) return fail(`${path}: expected at most ${CAMPAIGN_LIMITS.fileBytes} bytes; found ${st.size}`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return fail(`${path}: cannot read: ${(e as Error).message}`);
  }
  const c = parseCampaignText(text, path);
  if (!c.ok) return c;
  const plan = expandCampaign(c.value, dirname(file));
  const scenarioTexts: Record<string, string> = {};
  if (c.value.faults.kind === 'scenarios') {
    for (const [k, f] of c.value.faults.files.entries()) {
      const p = plan.points.find((x) => x.fault.kind === 'scenario' && x.fault.id === f)!;
      const abs = (p.fault as { file: string }).file;
      try {
        // a campaign may name any path: refuse devices, folders and oversized files before reading
        const st = statSync(abs);
        if (!st.isFile()) return fail(`${path}: $.faults.files[${k}]: scenario "${f}" (${abs}) is not a regular file`, `$.faults.files[${k}]`);
        if (st.size > MAX_SCENARIO_CHARS * 4) return fail(`${path}: $.faults.files[${k}]: scenario "${f}" has ${st.size} bytes, expected at most ${MAX_SCENARIO_CHARS * 4}`, `$.faults.files[${k}]`);
        scenarioTexts[f] = readFileSync(abs, 'utf8');
      } catch (e) {
        return fail(`${path}: $.faults.files[${k}]: cannot read scenario "${f}" (${abs}): ${(e as Error).message}`, `$.faults.files[${k}]`);
      }
    }
  }
  return ok({ file, plan, hash: campaignHash(c.value, scenarioTexts) });
}
