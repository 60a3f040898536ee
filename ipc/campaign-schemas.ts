/**
 * Schemas of the campaign channels (`campaign.list`, `campaign.run`, `campaign.load`): the parts of
 * campaign/summary.ts CampaignSummary the comparison view draws (other fields are stripped).
 * No Node imports: the renderer imports this file.
 */
import { z } from 'zod';

/** A campaign file id (file name without `.json` in the app's campaigns/ folder) or a past run id. */
const Id = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a plain name (no path)');

/** A 95% interval of a proportion, 0..1. */
export const IntervalSchema = z.object({ mean: z.number(), lo: z.number(), hi: z.number() });

/** Share of a structure's faults that ended in an SDC. */
export const VulnSchema = z.object({ faults: z.number(), sdcFaults: z.number(), share: z.number() });

/** Outcome classes of a point over all images (issue 14, campaign/outcomes.ts). */
export const OutcomesSchema = z.object({
  counts: z.object({ images: z.number(), masked: z.number(), tolerable: z.number(), sdc: z.number(), criticalSdc: z.number(), due: z.number() }),
  rates: z.object({ masked: IntervalSchema, tolerable: IntervalSchema, sdc: IntervalSchema, criticalSdc: IntervalSchema, due: IntervalSchema }),
});

/** AVF of one structure for a model x protection x format (campaign/avf-summary.ts AvfRow). */
export const AvfRowSchema = z.object({
  model: z.string(), protection: z.string(), format: z.string(), target: z.string(),
  bits: z.number(), cycles: z.number(), population: z.number().optional(),
  tally: z.object({ sites: z.number(), masked: z.number(), tolerable: z.number(), sdc: z.number(), due: z.number() }),
  avf: z.object({ sites: z.number(), sdc: IntervalSchema, due: IntervalSchema }),
});

/** FIT of one model x protection x format (campaign/fit.ts FitReport). */
export const FitRowSchema = z.object({
  model: z.string(), protection: z.string(), format: z.string(),
  report: z.object({
    confidence: z.number(),
    structures: z.array(z.object({ target: z.string(), bits: z.number(), rawFit: z.number(), fitSdc: IntervalSchema, fitDue: IntervalSchema })),
    total: z.object({ rawFit: z.number(), fitSdc: IntervalSchema, fitDue: IntervalSchema }),
  }),
});

/** One point of a campaign summary. */
export const PointSchema = z.object({
  key: z.string(),
  model: z.string(),
  protection: z.string(),
  format: z.string(),
  /** BER point: { kind: 'ber', target, ber, ... }; scenario point: { kind: 'scenario', id }. */
  fault: z.looseObject({ kind: z.string() }),
  trials: z.number(),
  images: z.number(),
  goldenAccuracy: z.number(),
  accuracy: IntervalSchema,
  sdc: z.object({ count: z.number(), base: z.number(), rate: IntervalSchema }),
  faultsPerTrial: z.number(),
  vulnerability: z.record(z.string(), VulnSchema),
  cycles: z.number(),
  /** Issue 14 (absent in summaries written before it): outcome classes, AVF, early stop. */
  outcomes: OutcomesSchema.nullable().optional(),
  avf: AvfRowSchema.nullable().optional(),
  plannedTrials: z.number().optional(),
  stoppedEarly: z.boolean().optional(),
});

/** The campaign summary as the comparison view needs it. */
export const SummarySchema = z.object({
  name: z.string(),
  description: z.string(),
  runner: z.string(),
  totalTrials: z.number(),
  completedTrials: z.number(),
  methods: z.object({ accuracy: z.string(), rates: z.string(), vulnerability: z.string(), outcomes: z.string().optional(), avf: z.string().optional(), fit: z.string().optional() }),
  points: z.array(PointSchema),
  structures: z.array(z.object({ protection: z.string(), target: z.string(), v: VulnSchema })),
  overhead: z.array(z.object({
    model: z.string(), protection: z.string(), format: z.string(), cycles: z.number(), utilization: z.number(),
    cycleRatio: z.number().nullable(), extraParams: z.number().nullable(), extraBytes: z.number().nullable(),
  })),
  /** Issue 14 (optional: older summaries lack them): AVF per structure, FIT per structure and total,
   * the raw rates used, how the trial count was chosen, and the DUE rule. */
  avf: z.array(AvfRowSchema).optional(),
  fit: z.array(FitRowSchema).optional(),
  fitRates: z.object({ sramFitPerMbit: z.number(), registerFitPerFlop: z.number().optional(), registerFitPerMbit: z.number().optional(), source: z.string() }).nullable().optional(),
  trialCount: z.looseObject({ method: z.string(), trialsPerPoint: z.number() }).optional(),
  dueRule: z.object({ nonFinite: z.string() }).optional(),
});

/** Response of `campaign.list`: shipped campaign files and past runs (folders with a summary.json). */
export const CampaignListResponse = z.strictObject({
  files: z.array(z.strictObject({ id: z.string(), name: z.string(), trials: z.number().int() })),
  runs: z.array(z.strictObject({ id: z.string(), name: z.string() })),
  outDir: z.string(),
  /** Raw soft-error-rate presets an AVF study may name (campaign/fit.ts FIT_PRESETS). */
  fitPresets: z.array(z.string()).optional(),
});

/** Request of `campaign.run`: a shipped campaign file, optionally with fewer trials / images. */
export const CampaignRunRequest = z.strictObject({
  id: Id,
  /** Override trialsPerPoint (smaller runs from the GUI). */
  trialsPerPoint: z.number().int().min(1).max(10_000).optional(),
  /** Override testSet.count. */
  images: z.number().int().min(1).max(10_000).optional(),
});

/** Response of `campaign.run` / `campaign.load`. */
export const CampaignResult = z.strictObject({
  /** Run folder id (under the campaigns output dir). */
  run: z.string(),
  summary: SummarySchema,
});

/** Request of `campaign.load`: a past run folder id. */
export const CampaignLoadRequest = z.strictObject({ run: Id });

/** Request of `campaign.avf`: an AVF study of one model x protection x format on one array, built
 * by the same code as `faultline avf` (campaign/avf-study.ts). Give `trials` or `margin`, not both. */
export const CampaignAvfRequest = z.strictObject({
  /** Model id (catalog.models; imported ONNX models are "imported:<file>"). */
  model: z.string().min(1).max(300).regex(/^[A-Za-z0-9][A-Za-z0-9_.:+-]*$/, 'a model id'),
  protection: z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_+.-]*$/, 'a protection id').optional(),
  format: z.enum(['fp32', 'fp16', 'int8']).optional(),
  rows: z.number().int().min(1).max(256).optional(),
  cols: z.number().int().min(1).max(256).optional(),
  dataflow: z.enum(['ws', 'os', 'is']).optional(),
  /** Subset of the structures (default all six). */
  structures: z.array(z.enum(['weightSram', 'ifmapSram', 'ofmapSram', 'pe.weight', 'pe.input', 'pe.psum'])).min(1).max(6).optional(),
  /** Sites per structure. */
  trials: z.number().int().min(1).max(10_000).optional(),
  /** Half-width: absolute ("0.02") or relative to the AVF ("20%"). */
  margin: z.string().max(16).regex(/^\d*\.?\d+%?$/, 'a number such as 0.02, or a percentage such as 20%').optional(),
  confidence: z.number().min(0.5).max(0.9999).optional(),
  interval: z.enum(['wilson', 'cp']).optional(),
  /** Test images per run. */
  images: z.number().int().min(1).max(10_000).optional(),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  fitPreset: z.string().max(32).regex(/^[A-Za-z0-9_.-]+$/).optional(),
  /** Raw SRAM soft-error rate, FIT/Mbit (instead of `fitPreset`; `faultline avf --sram-fit`). */
  sramFit: z.number().min(0).max(1e9).optional(),
  /** Raw PE register rate, FIT per flip-flop (with `sramFit`; `--reg-fit-flop`). */
  regFitFlop: z.number().min(0).max(1e6).optional(),
  /** Raw PE register rate, FIT/Mbit (with `sramFit`; `--reg-fit-mbit`). */
  regFitMbit: z.number().min(0).max(1e9).optional(),
  /** With a relative `margin`: a-priori AVF used for sizing (`--prior`). */
  prior: z.number().gt(0).lt(1).optional(),
});
