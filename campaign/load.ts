/**
 * Reads a campaign file from disk: regular file of bounded size (models/io/safeFile.ts), JSON (a
 * byte-order mark is accepted), schema, scenario files present and readable, the fault budget of
 * weight-SRAM BER points, then the expanded plan and the campaign hash (which covers the scenario
 * files' content).
 */
import { dirname, resolve } from 'node:path';
import { campaignHash, expandCampaign, type CampaignPlan } from './plan';
import { CAMPAIGN_LIMITS, formatKey, parseCampaignText, toNumericFormat, type CampaignFile } from './schema';
import { fail, ok, type Result } from '../sim/result';
import { MAX_SCENARIO_CHARS } from '../scenarios/validate';
import { readTextFileSafe } from '../models/io/safeFile';
import { getArch } from '../models/nets';
import { inferArch } from '../models/nets/arch';
import { wordBits } from '../sim/format/format';
import { checkFaultBudget } from '../sim/faults/limits';

/** A campaign read from disk. */
export interface LoadedCampaign {
  readonly file: string;
  readonly plan: CampaignPlan;
  readonly hash: string;
}

/** Stored conv/dense weights of a registry model (no weights allocated), or null when unknown. */
function weightCount(model: string): number | null {
  const arch = getArch(model);
  if (!arch) return null;
  try {
    let n = 0;
    for (const i of inferArch(arch)) {
      if (i.layer.kind === 'conv2d') n += i.params - (i.layer.bias ? i.layer.outC : 0);
      else if (i.layer.kind === 'dense') n += i.params - (i.layer.bias ? i.layer.outF : 0);
    }
    return n;
  } catch {
    return null;
  }
}

/** Weight-SRAM BER points draw over every stored weight bit of the model: same fault budget as the other targets. */
function checkWeightBudget(c: CampaignFile, path: string): Result<true> {
  if (c.faults.kind !== 'ber' || !c.faults.targets.includes('weightSram')) return ok(true);
  for (const model of c.models) {
    const weights = weightCount(model);
    if (weights === null) continue;
    for (const fmt of c.formats) {
      const f = toNumericFormat(fmt);
      for (const [k, ber] of c.faults.ber.entries()) {
        const r = checkFaultBudget(weights * wordBits(f), ber, c.faults.definition === 'rrelu' ? 'count' : c.faults.definition, `${path}: $.faults.ber[${k}] on weightSram of ${model} (${formatKey(f)})`);
        if (!r.ok) return fail(r.reason, `$.faults.ber[${k}]`);
      }
    }
  }
  return ok(true);
}

/** Loads and validates a campaign file; scenario paths resolve against its folder. */
export function loadCampaignFile(path: string): Result<LoadedCampaign> {
  const file = resolve(path);
  const text = readTextFileSafe(file, { maxBytes: CAMPAIGN_LIMITS.fileBytes, label: path });
  if (!text.ok) return text;
  const c = parseCampaignText(text.value, path);
  if (!c.ok) return c;
  const budget = checkWeightBudget(c.value, path);
  if (!budget.ok) return budget;
  const plan = expandCampaign(c.value, dirname(file));
  const scenarioTexts: Record<string, string> = Object.create(null) as Record<string, string>; // a file named __proto__ is a key like any other
  if (c.value.faults.kind === 'scenarios') {
    for (const [k, f] of c.value.faults.files.entries()) {
      const p = plan.points.find((x) => x.fault.kind === 'scenario' && x.fault.id === f)!;
      const abs = (p.fault as { file: string }).file;
      // a campaign may name any path: devices, FIFOs, folders and oversized files are refused before reading
      const r = readTextFileSafe(abs, { maxBytes: MAX_SCENARIO_CHARS * 4, label: `scenario "${f}" (${abs})` });
      if (!r.ok) return fail(`${path}: $.faults.files[${k}]: ${r.reason}`, `$.faults.files[${k}]`);
      scenarioTexts[f] = r.value;
    }
  }
  return ok({ file, plan, hash: campaignHash(c.value, scenarioTexts) });
}
