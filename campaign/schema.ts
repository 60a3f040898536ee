/**
 * Campaign file format (JSON, version 1), validated with zod. Errors name the file, the JSON path,
 * what was expected and what was found. Limits keep a hostile file from asking for unbounded work.
 */
import { z } from 'zod';
import type { NumericFormat } from '../sim/types';
import { fail, ok, type Result } from '../sim/result';
import { DEFAULT_SRAM, SRAM_KIB_MAX } from '../sim/array/spec';
import { wordBits } from '../sim/format/format';
import { sramWords } from '../sim/memory/layout';
import { checkFaultBudget } from '../sim/faults/limits';
import { parseJsonText } from '../scenarios/json';
import { avfFaultsSchema, dueRuleSchema, fitSchema, precisionSchema, trialChoice } from './avf-schema';

/** Size and count limits of a campaign file. */
export const CAMPAIGN_LIMITS = {
  /** Largest campaign file accepted, bytes. */
  fileBytes: 1 << 20,
  models: 16,
  protections: 16,
  formats: 4,
  scenarios: 64,
  targets: 6,
  bers: 32,
  /** Trials per point. */
  trialsPerPoint: 10_000,
  /** Points x trials over the whole campaign. */
  totalTrials: 1_000_000,
  /** Images per trial. */
  testImages: 10_000,
  criticalClasses: 1000,
} as const;

const L = CAMPAIGN_LIMITS;
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.+-]+$/, 'expected an id of letters, digits, _ . + -');
/**
 * A model entry: a registry id, or a path to an .onnx file (relative paths resolve against the
 * campaign file's folder in load.ts; read with the safe reader there). No NUL, no backslash.
 */
const modelRef = z.union([
  id,
  z.string().min(1).max(512).regex(/^[^\0\\]*\.onnx$/i, 'expected a path to an .onnx file (no NUL or backslash)'),
], { error: 'expected a model id (letters, digits, _ . + -) or a path ending in .onnx' });
const formatSchema = z.union([
  z.enum(['fp32', 'fp16', 'int8']),
  z.strictObject({
    kind: z.literal('int8'),
    intBits: z.number().int().min(0).max(7),
    fracBits: z.number().int().min(0).max(7),
  }).refine((f) => f.intBits + f.fracBits === 7, 'expected intBits + fracBits = 7 (1 sign bit)'),
]);
const target = z.enum(['weightSram', 'ifmapSram', 'ofmapSram', 'pe.weight', 'pe.input', 'pe.psum']);
/** A fault target of a BER sweep. */
export type CampaignTarget = z.output<typeof target>;

const berSweep = z.strictObject({
  kind: z.literal('ber'),
  targets: z.array(target).min(1).max(L.targets),
  ber: z.array(z.number().gt(0).max(1)).min(1).max(L.bers),
  definition: z.enum(['per-bit', 'count', 'rrelu']),
  faultKind: z.enum(['seu', 'stuckAt0', 'stuckAt1', 'mbu']).default('seu'),
});
const scenarioList = z.strictObject({
  kind: z.literal('scenarios'),
  /** Paths relative to the campaign file. */
  files: z.array(z.string().min(1).max(512)).min(1).max(L.scenarios),
});

/** zod schema of a campaign file (version 1). */
export const campaignSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1).max(128),
  description: z.string().max(4000).default(''),
  /** Campaign seed, uint32. */
  seed: z.number().int().min(0).max(0xffffffff),
  models: z.array(modelRef).min(1).max(L.models),
  protections: z.array(id).min(1).max(L.protections),
  formats: z.array(formatSchema).min(1).max(L.formats),
  array: z.strictObject({
    rows: z.number().int().min(1).max(256),
    cols: z.number().int().min(1).max(256),
    dataflow: z.enum(['ws', 'os', 'is']),
    sram: z.strictObject({
      weightKiB: z.number().positive().max(SRAM_KIB_MAX),
      ifmapKiB: z.number().positive().max(SRAM_KIB_MAX),
      ofmapKiB: z.number().positive().max(SRAM_KIB_MAX),
      banks: z.number().int().min(1).max(1024),
    }).optional(),
  }),
  faults: z.discriminatedUnion('kind', [berSweep, scenarioList, avfFaultsSchema]),
  /** Fixed trials per point; exactly one of trialsPerPoint and precision (issue 14). */
  trialsPerPoint: z.number().int().min(1).max(L.trialsPerPoint).optional(),
  precision: precisionSchema.optional(),
  due: dueRuleSchema.optional(),
  fit: fitSchema.optional(),
  testSet: z.strictObject({
    start: z.number().int().min(0).max(10_000_000),
    count: z.number().int().min(1).max(L.testImages),
    /** Dataset to take the images from (IDX / CIFAR-10 / PNG folder), relative to the campaign file; absent: the model's default. */
    data: z.string().min(1).max(512).regex(/^[^\0]*$/, 'expected a path without NUL').optional(),
  }),
  criticalClasses: z.array(z.number().int().min(0).max(100_000)).max(L.criticalClasses).default([]),
  /** GEMM backend of the trials (a speed choice: results are the same bits on every backend);
   * absent: `--kernel`, else FAULTLINE_KERNEL, else the fastest (pipeline/kernels.ts DEFAULT_KERNEL). */
  kernel: z.enum(['js', 'tfjs-wasm', 'gpujs']).optional(),
}).refine((c) => (c.trialsPerPoint === undefined) !== (c.precision === undefined), {
  message: 'expected exactly one of trialsPerPoint (a fixed count) or precision (margin and confidence)',
});

/** A validated campaign file (defaults filled in). */
export type CampaignFile = z.output<typeof campaignSchema>;

/** Turns a zod path into a JSON path: ["faults","ber",2] -> "$.faults.ber[2]". */
export function jsonPath(path: readonly PropertyKey[]): string {
  return '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let v = doc;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** Number of trials a campaign asks for (points x trials per point). */
export function countTrials(c: CampaignFile): number {
  const faults = c.faults.kind === 'ber' ? c.faults.targets.length * c.faults.ber.length : c.faults.kind === 'avf' ? c.faults.targets.length : c.faults.files.length;
  return c.models.length * c.protections.length * c.formats.length * faults * trialChoice(c).trialsPerPoint;
}

/**
 * Validates a parsed JSON document as a campaign. `file` is only used in messages.
 * Failure reasons look like `c.json: $.faults.ber[1]: Too big: expected number to be <=1; found 3`.
 */
export function parseCampaign(doc: unknown, file = 'campaign'): Result<CampaignFile> {
  const r = campaignSchema.safeParse(doc);
  if (!r.success) {
    const lines = r.error.issues.slice(0, 10).map((i) => {
      const p = jsonPath(i.path);
      const extra = i.code === 'unrecognized_keys' ? '' : `; found ${show(valueAt(doc, i.path))}`;
      return `${file}: ${p}: ${i.message}${extra}`;
    });
    const more = r.error.issues.length > 10 ? `\n(${r.error.issues.length - 10} more errors)` : '';
    return fail(lines.join('\n') + more, jsonPath(r.error.issues[0]!.path));
  }
  const total = countTrials(r.data);
  if (total > L.totalTrials) {
    return fail(`${file}: $: expected at most ${L.totalTrials} trials in all; found ${total} (points x trialsPerPoint)`, '$');
  }
  const budget = checkFaultBudgets(r.data, file);
  return budget.ok ? ok(r.data) : budget;
}

/**
 * Bits a BER point on an SRAM or PE-register target draws over (words x word width, or R x C x
 * width; psum 32); null for weightSram, whose bits are the model's weights (checked in load.ts).
 */
export function targetBitCount(c: CampaignFile, t: CampaignTarget, fmt: CampaignFile['formats'][number]): number | null {
  const width = wordBits(toNumericFormat(fmt));
  const sram = c.array.sram ?? DEFAULT_SRAM;
  if (t === 'ifmapSram') return sramWords(sram.ifmapKiB, width) * width;
  if (t === 'ofmapSram') return sramWords(sram.ofmapKiB, width) * width;
  if (t === 'weightSram') return null;
  return c.array.rows * c.array.cols * (t === 'pe.psum' ? 32 : width);
}

/** Every BER point on an SRAM / PE target must draw at most MAX_FAULTS_PER_RUN faults per trial (sim/faults/limits.ts). */
function checkFaultBudgets(c: CampaignFile, file: string): Result<true> {
  if (c.faults.kind !== 'ber') return ok(true);
  for (const target of c.faults.targets) {
    for (const fmt of c.formats) {
      const bits = targetBitCount(c, target, fmt);
      if (bits === null) continue;
      for (const [k, ber] of c.faults.ber.entries()) {
        // rrelu draws floor(numel x 32 x p) per tensor: at most the 'count' budget
        const r = checkFaultBudget(bits, ber, c.faults.definition === 'rrelu' ? 'count' : c.faults.definition, `${file}: $.faults.ber[${k}] on ${target} (${formatKey(toNumericFormat(fmt))})`);
        if (!r.ok) return fail(r.reason, `$.faults.ber[${k}]`);
      }
    }
  }
  return ok(true);
}

/** Parses campaign file text (size-limited JSON) and validates it. */
export function parseCampaignText(text: string, file = 'campaign'): Result<CampaignFile> {
  if (text.length > L.fileBytes) {
    return fail(`${file}: expected at most ${L.fileBytes} bytes; found ${text.length}`);
  }
  const doc = parseJsonText(text, file);
  return doc.ok ? parseCampaign(doc.value, file) : doc;
}

/** Converts a campaign format entry to the simulator's NumericFormat (int8 default Q3.4). */
export function toNumericFormat(f: CampaignFile['formats'][number]): NumericFormat {
  if (f === 'fp32' || f === 'fp16') return { kind: f };
  if (f === 'int8') return { kind: 'int8', intBits: 3, fracBits: 4 };
  return { kind: 'int8', intBits: f.intBits, fracBits: f.fracBits };
}

/** Canonical label of a numeric format: "fp32", "fp16", "int8(q3.4)". */
export function formatKey(f: NumericFormat): string {
  return f.kind === 'int8' ? `int8(q${f.intBits}.${f.fracBits})` : f.kind;
}
