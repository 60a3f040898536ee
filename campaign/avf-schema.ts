/**
 * Campaign-file pieces of issue 14 (zod), for campaign/schema.ts to include:
 * - `precision`: plan the trials per point from a margin and confidence (campaign/precision.ts)
 *   instead of `trialsPerPoint`;
 * - an `"avf"` fault source: one single-SEU site per trial, drawn uniformly over a structure's
 *   (bit, cycle) pairs (campaign/avf.ts);
 * - `due`: the DUE rule for non-finite outputs (campaign/outcomes.ts);
 * - `fit`: raw soft-error rates or a preset name (campaign/fit.ts).
 */
import { z } from 'zod';
import { FIT_PRESETS, type RawRates } from './fit';
import { planTrials, type PrecisionSpec, type TrialCountChoice } from './precision';
import { DEFAULT_DUE_RULE, type DueRule } from './outcomes';

/** `precision` block of a campaign file (`marginKind` "relative": margin is a share of p;
 * `interval`: the method of the stop check and of the AVF / FIT intervals). */
export const precisionSchema = z.strictObject({
  margin: z.number().gt(0).max(0.5),
  marginKind: z.enum(['absolute', 'relative']).optional(),
  interval: z.enum(['wilson', 'clopper-pearson']).optional(),
  confidence: z.number().min(0.5).max(0.9999),
  p: z.number().gt(0).lt(1).optional(),
  earlyStop: z.boolean().optional(),
  minTrials: z.number().int().min(1).max(10_000).optional(),
  checkEvery: z.number().int().min(1).max(10_000).optional(),
  maxTrials: z.number().int().min(1).max(10_000).optional(),
});

/** `faults` of kind "avf": AVF study of the listed structures (one single-SEU site per trial). */
export const avfFaultsSchema = z.strictObject({
  kind: z.literal('avf'),
  targets: z.array(z.enum(['weightSram', 'ifmapSram', 'ofmapSram', 'pe.weight', 'pe.input', 'pe.psum'])).min(1).max(6),
});

/** `due` block: how non-finite final outputs count. */
export const dueRuleSchema = z.strictObject({ nonFinite: z.enum(['output', 'never']) });

/** `fit` block: a preset name, or raw rates (FIT/Mbit for SRAM; FIT per flop or per Mbit for registers). */
export const fitSchema = z.union([
  z.strictObject({ preset: z.enum(Object.keys(FIT_PRESETS) as [string, ...string[]]) }),
  z.strictObject({
    sramFitPerMbit: z.number().min(0).max(1e9),
    registerFitPerFlop: z.number().min(0).max(1e6).optional(),
    registerFitPerMbit: z.number().min(0).max(1e9).optional(),
    source: z.string().max(400).optional(),
  }),
]);

/** The optional issue-14 fields a campaign file may carry. */
export interface ReliabilityFields {
  readonly trialsPerPoint?: number;
  readonly precision?: z.output<typeof precisionSchema>;
  readonly due?: DueRule;
  readonly fit?: z.output<typeof fitSchema>;
}

/** How the trials per point of a campaign are chosen: the fixed count, or the precision plan
 * (conservative infinite-population size, see campaign/precision.ts). */
export function trialChoice(c: ReliabilityFields): TrialCountChoice {
  if (c.precision) return planTrials(c.precision as PrecisionSpec);
  return { method: 'fixed', trialsPerPoint: c.trialsPerPoint ?? 1 };
}

/** Raw rates of a campaign's `fit` block (null when absent). */
export function fitRates(c: ReliabilityFields): RawRates | null {
  const f = c.fit;
  if (!f) return null;
  if ('preset' in f) return FIT_PRESETS[f.preset] ?? null;
  return { sramFitPerMbit: f.sramFitPerMbit, registerFitPerFlop: f.registerFitPerFlop, registerFitPerMbit: f.registerFitPerMbit, source: f.source ?? 'campaign file' };
}

/** The DUE rule of a campaign (default: non-finite outputs are DUEs). */
export function dueRuleOf(c: ReliabilityFields): DueRule {
  return c.due ?? DEFAULT_DUE_RULE;
}
