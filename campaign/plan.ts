/**
 * Expands a validated campaign into its ordered points and trials, derives per-trial seeds and
 * slices the trial list into shards. Order: model, protection, format, then fault source (BER:
 * target-major, BER ascending as written; scenarios as listed), then trial 0..T-1.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import type { CampaignFile } from './schema';
import { formatKey, toNumericFormat } from './schema';
import type { CampaignArray, PointFault, PointSpec, TrialSpec } from './types';
import { fail, ok, type Result } from '../sim/result';
import { trialChoice, type ReliabilityFields } from './avf-schema';
import type { DueRule } from './outcomes';

/** A shard selector: this process runs trials whose global index i satisfies i mod count == index. */
export interface Shard {
  /** 0-based shard index, < count. */
  readonly index: number;
  /** Number of shards, >= 1. */
  readonly count: number;
}

/** The whole expanded campaign. */
export interface CampaignPlan {
  readonly campaign: CampaignFile;
  readonly points: readonly PointSpec[];
  readonly trialsPerPoint: number;
  /** Total trials of the campaign (all shards). */
  readonly totalTrials: number;
  readonly array: CampaignArray;
}

/**
 * Seed of one trial: the first 4 bytes (big-endian uint32) of
 * SHA-256("faultline-trial-v1\0" + campaignSeed + "\0" + pointKey + "\0" + trial); trialAt passes
 * the point's drawKey (no protection in it).
 * Depends on nothing else (not on worker count, shard or run order).
 */
export function deriveSeed(campaignSeed: number, pointKey: string, trial: number): number {
  const h = createHash('sha256').update(`faultline-trial-v1\0${campaignSeed}\0${pointKey}\0${trial}`).digest();
  return h.readUInt32BE(0);
}

function faultKey(f: PointFault): string {
  if (f.kind === 'avf') return `avf:${f.target}`;
  return f.kind === 'ber' ? `ber:${f.target}:${f.faultKind}:${f.definition}:${f.ber}` : `scenario:${f.id}`;
}

/** Expands a campaign into points. `baseDir` resolves scenario paths (the campaign file's folder). */
export function expandCampaign(c: CampaignFile, baseDir: string): CampaignPlan {
  const src = c.faults;
  // AVF study (campaign/avf-schema.ts): one point per structure
  const faults: PointFault[] = src.kind === 'avf' ? src.targets.map((target) => ({ kind: 'avf' as const, target })) :
    src.kind === 'ber'
      ? src.targets.flatMap((target) =>
          src.ber.map((ber) => ({
            kind: 'ber' as const,
            target,
            ber,
            definition: src.definition,
            faultKind: src.faultKind,
          })),
        )
      : src.files.map((f) => ({ kind: 'scenario' as const, id: f, file: isAbsolute(f) ? f : resolve(baseDir, f) }));
  const points: PointSpec[] = [];
  for (const model of c.models)
    for (const protection of c.protections)
      for (const fmt of c.formats) {
        const format = toNumericFormat(fmt);
        const fk = formatKey(format);
        for (const fault of faults) {
          const key = `${model}|${protection}|${fk}|${faultKey(fault)}`;
          points.push({ index: points.length, key, model, protection, format, formatKey: fk, fault });
        }
      }
  const array: CampaignArray = c.array.sram
    ? { rows: c.array.rows, cols: c.array.cols, dataflow: c.array.dataflow, sram: c.array.sram }
    : { rows: c.array.rows, cols: c.array.cols, dataflow: c.array.dataflow };
  const perPoint = trialChoice(c as ReliabilityFields).trialsPerPoint; // fixed, or planned from `precision`
  return { campaign: c, points, trialsPerPoint: perPoint, totalTrials: points.length * perPoint, array };
}

/** The campaign's DUE rule when it states one (campaign/avf-schema.ts `due`). */
const dueOf = (plan: CampaignPlan): DueRule | undefined => (plan.campaign as ReliabilityFields).due;

/**
 * Key the fault draws of a point derive from: its key without the protection
 * ("model|format|fault"), so at one (model, format, fault point, trial) every protection gets the
 * same seed and, through pipeline/ber.ts, the same faults in the same weights and activations
 * (common random numbers); draws for what only a protection stores come from streams of their own.
 */
export function drawKey(point: Pick<PointSpec, 'model' | 'formatKey' | 'key'>): string {
  const parts = point.key.split('|');
  return [point.model, point.formatKey, ...parts.slice(3)].join('|');
}

/** The TrialSpec of global trial index `i` (0 <= i < plan.totalTrials). */
export function trialAt(plan: CampaignPlan, i: number): TrialSpec {
  const point = plan.points[Math.floor(i / plan.trialsPerPoint)]!;
  const trial = i % plan.trialsPerPoint;
  return {
    index: i,
    point,
    trial,
    seed: deriveSeed(plan.campaign.seed, drawKey(point), trial),
    array: plan.array,
    testSet: plan.campaign.testSet,
    criticalClasses: plan.campaign.criticalClasses,
    ...(dueOf(plan) ? { due: dueOf(plan) } : {}),
  };
}

/** Global trial indices of a shard, ascending. */
export function shardIndices(plan: CampaignPlan, shard: Shard): number[] {
  const out: number[] = [];
  for (let i = shard.index; i < plan.totalTrials; i += shard.count) out.push(i);
  return out;
}

/** Parses "i/N" (0 <= i < N <= 100000). */
export function parseShard(text: string): Result<Shard> {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return fail(`--shard: expected "i/N" with 0 <= i < N, found "${text}"`, 'shard');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 100_000 || index >= count) {
    return fail(`--shard: expected 0 <= i < N <= 100000, found ${index}/${count}`, 'shard');
  }
  return ok({ index, count });
}

/**
 * Identity of a campaign: SHA-256 (hex) of the canonical campaign JSON plus the SHA-256 of every
 * scenario file's content (`scenarioTexts`, keyed by the path as written). Two runs, shards or a
 * resume must agree on it.
 */
export function campaignHash(c: CampaignFile, scenarioTexts: Readonly<Record<string, string>> = {}): string {
  return campaignHashFromDigests(c, scenarioDigests(scenarioTexts));
}

/** SHA-256 (hex) of each scenario text, keyed as given (stored in manifest.json so merge can re-derive the hash). */
export function scenarioDigests(scenarioTexts: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const k of Object.keys(scenarioTexts)) out[k] = createHash('sha256').update(scenarioTexts[k]!).digest('hex');
  return out;
}

/** campaignHash from the scenario files' SHA-256 digests instead of their texts (same value). */
export function campaignHashFromDigests(c: CampaignFile, digests: Readonly<Record<string, string>>): string {
  const h = createHash('sha256').update(JSON.stringify(c));
  for (const k of Object.keys(digests).sort()) h.update(`\0${k}\0`).update(digests[k]!);
  return h.digest('hex');
}
