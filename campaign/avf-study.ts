/**
 * The campaign of an AVF study of one model x protection x format on one array, built from the
 * options of `faultline avf` (strings, as typed on the command line or in the GUI's AVF form). The
 * CLI (cli/commands/avf.ts) and the GUI's `campaign.avf` job (electron/services/sim/campaign-job.ts)
 * both build their campaign here, so a study gives the same numbers from either. Pure: no Node built-ins.
 */
import { AVF_STRUCTURES } from './avf';
import { FIT_PRESETS } from './fit';
import { precisionSchema } from './avf-schema';
import { parseCampaign, type CampaignFile } from './schema';
import { fail, type Result } from '../sim/result';

/** Options of an AVF study (the `faultline avf` flags, as strings; undefined = default). */
export interface AvfStudyOptions {
  readonly model: string;
  readonly protection?: string;
  readonly format?: string;
  readonly rows?: string;
  readonly cols?: string;
  readonly dataflow?: string;
  /** Weight, ifmap, ofmap SRAM sizes in KiB, "w,i,o". */
  readonly sramKib?: string;
  /** Comma-separated structures (default all of AVF_STRUCTURES). */
  readonly structures?: string;
  /** Sites per structure (default 100); exclusive with `margin`. */
  readonly trials?: string;
  /** Half-width: absolute ("0.02") or relative to the AVF ("20%"). */
  readonly margin?: string;
  readonly confidence?: string;
  /** With `margin`: "wilson" (default) | "cp" (Clopper–Pearson). */
  readonly interval?: string;
  /** With a relative `margin`: a-priori AVF used for sizing. */
  readonly prior?: string;
  readonly earlyStop?: boolean;
  /** Test images per run (default 1). */
  readonly images?: string;
  readonly start?: string;
  readonly seed?: string;
  readonly critical?: string;
  readonly dueRule?: string;
  readonly fitPreset?: string;
  /** Raw SRAM rate, FIT/Mbit. */
  readonly sramFit?: string;
  /** Raw register rate, FIT per flip-flop. */
  readonly regFitFlop?: string;
  /** Raw register rate, FIT/Mbit. */
  readonly regFitMbit?: string;
}

class Bad extends Error {}

function int(v: string | undefined, name: string, lo: number, hi: number, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new Bad(`--${name}: expected an integer in ${lo}..${hi}, found "${v}"`);
  return n;
}

function real(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Bad(`--${name}: expected a number >= 0, found "${v}"`);
  return n;
}

function sizing(o: AvfStudyOptions): Record<string, unknown> {
  if (o.trials !== undefined && o.margin !== undefined) throw new Bad('--trials and --margin: give one of them (a trial count, or a precision target)');
  if (o.margin === undefined) {
    if (o.interval !== undefined || o.prior !== undefined) throw new Bad('--interval and --prior: give them with --margin (they belong to the precision target)');
    return { trialsPerPoint: int(o.trials, 'trials', 1, 10_000, 100) };
  }
  const rel = o.margin.trim().endsWith('%');
  const margin = rel ? Number(o.margin.trim().slice(0, -1)) / 100 : Number(o.margin);
  const iv = o.interval;
  const interval = iv === undefined || iv === 'wilson' ? undefined : iv === 'cp' || iv === 'clopper-pearson' ? 'clopper-pearson' : null;
  if (interval === null) throw new Bad(`--interval: expected wilson | cp, found "${iv}"`);
  if (o.prior !== undefined && !rel) throw new Bad('--prior: only with a relative --margin such as 20%');
  const p = precisionSchema.safeParse({ margin, confidence: Number(o.confidence ?? '0.95'), earlyStop: o.earlyStop !== false,
    ...(rel ? { marginKind: 'relative' } : {}), ...(interval ? { interval } : {}), ...(o.prior !== undefined ? { p: Number(o.prior) } : {}) });
  if (!p.success) throw new Bad(`--margin/--confidence/--prior: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { precision: p.data };
}

function fitOf(o: AvfStudyOptions): Record<string, unknown> | undefined {
  if (o.fitPreset !== undefined) {
    if (!FIT_PRESETS[o.fitPreset]) throw new Bad(`--fit-preset: expected one of ${Object.keys(FIT_PRESETS).join(', ')}, found "${o.fitPreset}"`);
    return { preset: o.fitPreset };
  }
  if (o.sramFit === undefined) return undefined;
  return { sramFitPerMbit: real(o.sramFit, 'sram-fit'), source: 'faultline avf command line',
    ...(o.regFitFlop !== undefined ? { registerFitPerFlop: real(o.regFitFlop, 'reg-fit-flop') } : {}),
    ...(o.regFitMbit !== undefined ? { registerFitPerMbit: real(o.regFitMbit, 'reg-fit-mbit') } : {}) };
}

function build(o: AvfStudyOptions): unknown {
  const targets = (o.structures ?? AVF_STRUCTURES.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const t of targets) {
    if (!(AVF_STRUCTURES as readonly string[]).includes(t)) throw new Bad(`--structures: expected names from ${AVF_STRUCTURES.join(', ')}, found "${t}"`);
  }
  const fmt = o.format ?? 'fp32';
  if (!['fp32', 'fp16', 'int8'].includes(fmt)) throw new Bad(`--format: expected fp32 | fp16 | int8, found "${fmt}"`);
  const dataflow = o.dataflow ?? 'ws';
  if (!['ws', 'os', 'is'].includes(dataflow)) throw new Bad(`--dataflow: expected ws | os | is, found "${dataflow}"`);
  const fit = fitOf(o);
  const due = o.dueRule ?? 'output';
  if (due !== 'output' && due !== 'never') throw new Bad(`--due-rule: expected output | never, found "${due}"`);
  let sram: Record<string, number> | undefined;
  if (o.sramKib !== undefined) {
    const k = o.sramKib.split(',').map(Number);
    if (k.length !== 3 || !k.every((x) => Number.isFinite(x) && x > 0)) throw new Bad(`--sram-kib: expected "weight,ifmap,ofmap" KiB, e.g. 256,64,64; found "${o.sramKib}"`);
    sram = { weightKiB: k[0]!, ifmapKiB: k[1]!, ofmapKiB: k[2]!, banks: 1 };
  }
  const critical = o.critical ? o.critical.split(',').map((s) => int(s.trim(), 'critical', 0, 100_000, 0)) : [];
  return {
    version: 1, name: `AVF study: ${o.model}`, description: `AVF and FIT per structure of ${o.model} (${o.protection ?? 'relu'}, ${fmt}) on a ${o.rows ?? 16}x${o.cols ?? 16} ${dataflow} array`,
    seed: int(o.seed, 'seed', 0, 0xffffffff, 1), models: [o.model], protections: [o.protection ?? 'relu'], formats: [fmt],
    array: { rows: int(o.rows, 'rows', 1, 256, 16), cols: int(o.cols, 'cols', 1, 256, 16), dataflow, ...(sram ? { sram } : {}) },
    faults: { kind: 'avf', targets },
    testSet: { start: int(o.start, 'start', 0, 10_000_000, 0), count: int(o.images, 'images', 1, 10_000, 1) },
    criticalClasses: critical, due: { nonFinite: due }, ...sizing(o), ...(fit ? { fit } : {}),
  };
}

/** The validated campaign of an AVF study; a failure names the option (as its `--flag`). */
export function avfStudyCampaign(o: AvfStudyOptions): Result<CampaignFile> {
  let doc: unknown;
  try {
    doc = build(o);
  } catch (e) {
    if (e instanceof Bad) return fail(e.message);
    throw e;
  }
  return parseCampaign(doc, 'faultline avf');
}
