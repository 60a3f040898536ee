/**
 * Reads a campaign file from disk: regular file of bounded size (models/io/safeFile.ts), JSON (a
 * byte-order mark is accepted), schema, scenario files present and readable, the fault budget of
 * weight-SRAM BER points, then the expanded plan and the campaign hash (which covers the scenario
 * files' content). Model entries that are .onnx paths and `testSet.data` resolve against the campaign
 * file's folder to absolute paths (the plan, the hash and the written campaign.json carry those); each
 * .onnx file is imported once here (models/io/load.ts: the safe reader, at most 1 GiB) so a bad
 * file fails the load, naming `$.models[k]`.
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
import { isOnnxPath } from '../models/onnx/file';
import { IMPORTED_PREFIX, loadModelResult } from '../models/io/load';

/** A campaign read from disk. */
export interface LoadedCampaign {
  readonly file: string;
  readonly plan: CampaignPlan;
  readonly hash: string;
}

/** Stored conv/dense weights of a registry model (no weights allocated) or of an imported .onnx file, or null when unknown. */
function weightCount(model: string): number | null {
  if (isOnnxPath(model)) {
    const r = loadModelResult(model);
    if (!r.ok) return null;
    let n = 0;
    for (const l of r.value.net.layers) if (l.kind === 'conv2d' || l.kind === 'dense') n += l.weights.length;
    return n;
  }
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

/** The campaign with its .onnx model paths and testSet.data made absolute (against `dir`), each .onnx file imported once to check it. */
function resolvePaths(c: CampaignFile, dir: string, path: string): Result<CampaignFile> {
  const models: string[] = [];
  for (const [k, m] of c.models.entries()) {
    if (!isOnnxPath(m)) { models.push(m); continue; }
    const abs = m.startsWith(IMPORTED_PREFIX) ? m : resolve(dir, m); // imported:<file> names the imported-models folder
    const r = loadModelResult(abs);
    if (!r.ok) return fail(`${path}: $.models[${k}]: ${r.reason.replace(/^model: /, '')}`, `$.models[${k}]`);
    models.push(abs);
  }
  const data = c.testSet.data;
  return ok({ ...c, models, testSet: { ...c.testSet, ...(data !== undefined ? { data: resolve(dir, data) } : {}) } });
}

/** Loads and validates a campaign file; scenario paths resolve against its folder. */
export function loadCampaignFile(path: string): Result<LoadedCampaign> {
  const file = resolve(path);
  const text = readTextFileSafe(file, { maxBytes: CAMPAIGN_LIMITS.fileBytes, label: path });
  if (!text.ok) return text;
  const parsed = parseCampaignText(text.value, path);
  if (!parsed.ok) return parsed;
  const c = resolvePaths(parsed.value, dirname(file), path);
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
