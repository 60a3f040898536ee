/**
 * `faultline avf --model M --out DIR [...]`: an AVF study of one model x protection x format on
 * one array. It is a campaign whose fault source is `{ kind: "avf", targets }` (one single-SEU
 * (bit, cycle) site per trial, campaign/avf.ts), sized by a trial count or a margin + confidence
 * (campaign/precision.ts), run on the worker pool like any campaign (resumable with --resume),
 * written to DIR (summary.json/csv, report.html), and printed as an AVF + FIT table.
 */
import type { Command } from 'commander';
import { campaignHash, expandCampaign } from '../../campaign/plan';
import { createTrialPool, defaultWorkers } from '../../campaign/pool';
import { runCampaign } from '../../campaign/run';
import { parseCampaign, type CampaignFile } from '../../campaign/schema';
import type { RunnerKind } from '../../campaign/worker-entry';
import { AVF_STRUCTURES } from '../../campaign/avf';
import { FIT_PRESETS } from '../../campaign/fit';
import { precisionSchema } from '../../campaign/avf-schema';
import type { CampaignSummary } from '../../campaign/summary';
import type { Interval } from '../../campaign/stats';
import { CliError, EXIT_USAGE } from '../errors';
import { renderTable } from '../table';

/** Options of `faultline avf` (as parsed by commander). */
export interface AvfCliOptions {
  readonly model: string;
  readonly out: string;
  readonly protection?: string;
  readonly format?: string;
  readonly rows?: string;
  readonly cols?: string;
  readonly dataflow?: string;
  readonly sramKib?: string;
  readonly structures?: string;
  readonly trials?: string;
  readonly margin?: string;
  readonly confidence?: string;
  readonly earlyStop?: boolean;
  readonly images?: string;
  readonly start?: string;
  readonly seed?: string;
  readonly critical?: string;
  readonly dueRule?: string;
  readonly fitPreset?: string;
  readonly sramFit?: string;
  readonly regFitFlop?: string;
  readonly regFitMbit?: string;
  readonly workers?: string;
  readonly resume?: boolean;
  readonly runner?: string;
}

function int(v: string | undefined, name: string, lo: number, hi: number, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new CliError(`--${name}: expected an integer in ${lo}..${hi}, found "${v}"`, EXIT_USAGE);
  return n;
}

function real(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new CliError(`--${name}: expected a number >= 0, found "${v}"`, EXIT_USAGE);
  return n;
}

/** The in-memory campaign of an AVF study (validated here; see docs/README-reliability.md). */
export function avfCampaign(o: AvfCliOptions): CampaignFile {
  const targets = (o.structures ?? AVF_STRUCTURES.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const t of targets) {
    if (!(AVF_STRUCTURES as readonly string[]).includes(t)) throw new CliError(`--structures: expected names from ${AVF_STRUCTURES.join(', ')}, found "${t}"`, EXIT_USAGE);
  }
  const fmt = o.format ?? 'fp32';
  if (!['fp32', 'fp16', 'int8'].includes(fmt)) throw new CliError(`--format: expected fp32 | fp16 | int8, found "${fmt}"`, EXIT_USAGE);
  const dataflow = o.dataflow ?? 'ws';
  if (!['ws', 'os', 'is'].includes(dataflow)) throw new CliError(`--dataflow: expected ws | os | is, found "${dataflow}"`, EXIT_USAGE);
  if (o.trials !== undefined && o.margin !== undefined) throw new CliError('--trials and --margin: give one of them (a trial count, or a precision target)', EXIT_USAGE);
  const sizing: Record<string, unknown> = {};
  if (o.margin !== undefined) {
    const p = precisionSchema.safeParse({ margin: Number(o.margin), confidence: Number(o.confidence ?? '0.95'), earlyStop: o.earlyStop !== false });
    if (!p.success) throw new CliError(`--margin/--confidence: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, EXIT_USAGE);
    sizing.precision = p.data;
  } else sizing.trialsPerPoint = int(o.trials, 'trials', 1, 10_000, 100);
  let fit: Record<string, unknown> | undefined;
  if (o.fitPreset !== undefined) {
    if (!FIT_PRESETS[o.fitPreset]) throw new CliError(`--fit-preset: expected one of ${Object.keys(FIT_PRESETS).join(', ')}, found "${o.fitPreset}"`, EXIT_USAGE);
    fit = { preset: o.fitPreset };
  } else if (o.sramFit !== undefined) {
    fit = { sramFitPerMbit: real(o.sramFit, 'sram-fit'), source: 'faultline avf command line',
      ...(o.regFitFlop !== undefined ? { registerFitPerFlop: real(o.regFitFlop, 'reg-fit-flop') } : {}),
      ...(o.regFitMbit !== undefined ? { registerFitPerMbit: real(o.regFitMbit, 'reg-fit-mbit') } : {}) };
  }
  const due = o.dueRule ?? 'output';
  if (due !== 'output' && due !== 'never') throw new CliError(`--due-rule: expected output | never, found "${due}"`, EXIT_USAGE);
  let sram: Record<string, number> | undefined;
  if (o.sramKib !== undefined) {
    const k = o.sramKib.split(',').map(Number);
    if (k.length !== 3 || !k.every((x) => Number.isFinite(x) && x > 0)) throw new CliError(`--sram-kib: expected "weight,ifmap,ofmap" KiB, e.g. 256,64,64; found "${o.sramKib}"`, EXIT_USAGE);
    sram = { weightKiB: k[0]!, ifmapKiB: k[1]!, ofmapKiB: k[2]!, banks: 1 };
  }
  const critical = o.critical ? o.critical.split(',').map((s) => int(s.trim(), 'critical', 0, 100_000, 0)) : [];
  const doc = {
    version: 1, name: `AVF study: ${o.model}`, description: `AVF and FIT per structure of ${o.model} (${o.protection ?? 'relu'}, ${fmt}) on a ${o.rows ?? 16}x${o.cols ?? 16} ${dataflow} array`,
    seed: int(o.seed, 'seed', 0, 0xffffffff, 1), models: [o.model], protections: [o.protection ?? 'relu'], formats: [fmt],
    array: { rows: int(o.rows, 'rows', 1, 256, 16), cols: int(o.cols, 'cols', 1, 256, 16), dataflow, ...(sram ? { sram } : {}) },
    faults: { kind: 'avf', targets },
    testSet: { start: int(o.start, 'start', 0, 10_000_000, 0), count: int(o.images, 'images', 1, 10_000, 1) },
    criticalClasses: critical, due: { nonFinite: due }, ...sizing, ...(fit ? { fit } : {}),
  };
  const parsed = parseCampaign(doc, 'faultline avf');
  if (!parsed.ok) throw new CliError(parsed.reason, EXIT_USAGE);
  return parsed.value;
}

const pct = (i: Interval): string => `${(i.mean * 100).toFixed(3)}% [${(i.lo * 100).toFixed(3)}, ${(i.hi * 100).toFixed(3)}]`;
const g = (v: number): string => (v === 0 ? '0' : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6 ? v.toExponential(3) : String(+v.toPrecision(4)));
const fitI = (i: Interval): string => `${g(i.mean)} [${g(i.lo)}, ${g(i.hi)}]`;

/** The AVF / FIT table of a summary, as printed: one row per AVF point (protection, structure),
 * FIT columns when the campaign gives raw rates, and a total row per model x protection x format. */
export function avfTable(s: CampaignSummary): string {
  const withFit = s.fit.length > 0;
  const many = new Set(s.avf.map((r) => `${r.model}|${r.format}`)).size > 1;
  const rows: (string | number)[][] = [];
  const groups = [...new Set(s.avf.map((r) => `${r.model}|${r.protection}|${r.format}`))];
  for (const k of groups) {
    const [model, protection, format] = k.split('|') as [string, string, string];
    const who = many ? `${protection} (${model}, ${format})` : protection;
    const fit = s.fit.find((f) => f.model === model && f.protection === protection && f.format === format)?.report;
    for (const r of s.avf.filter((x) => x.model === model && x.protection === protection && x.format === format)) {
      const f = fit?.structures.find((x) => x.target === r.target);
      rows.push([who, r.target, r.bits, r.tally.sites, r.tally.sdc, r.tally.due, pct(r.avf.sdc), pct(r.avf.due), ...(withFit ? [f ? fitI(f.fitSdc) : '', f ? fitI(f.fitDue) : ''] : [])]);
    }
    if (fit) rows.push([who, 'total', fit.structures.reduce((a, x) => a + x.bits, 0), '', '', '', '', '', fitI(fit.total.fitSdc), fitI(fit.total.fitDue)]);
  }
  const head = ['protection', 'structure', 'bits', 'sites', 'SDC', 'DUE', 'AVF_SDC (95% CI)', 'AVF_DUE (95% CI)', ...(withFit ? ['FIT_SDC (95% CI)', 'FIT_DUE (95% CI)'] : [])];
  return renderTable(head, rows);
}

/** Runs the command. */
export async function avfCommand(o: AvfCliOptions): Promise<void> {
  const campaign = avfCampaign(o);
  const plan = expandCampaign(campaign, process.cwd());
  const hash = campaignHash(campaign);
  const workers = int(o.workers, 'workers', 1, 256, defaultWorkers());
  const kind = (o.runner ?? 'engine') as RunnerKind;
  if (kind !== 'engine' && kind !== 'fake') throw new CliError(`--runner: expected engine | fake, found "${o.runner}"`, EXIT_USAGE);
  const pool = createTrialPool({ workers, kind });
  const ctl = new AbortController();
  const onSigint = (): void => ctl.abort();
  process.on('SIGINT', onSigint);
  let out;
  try {
    out = await runCampaign({ plan, hash, outDir: o.out, runner: pool.run, runnerName: kind, concurrency: workers * 2, resume: o.resume === true,
      signal: ctl.signal, onNotice: (m) => process.stderr.write(`${m}\n`), lockCommand: 'faultline avf' });
  } catch (e) {
    throw new CliError(`avf study failed: ${(e as Error).message}`, 1);
  } finally {
    process.off('SIGINT', onSigint);
    await pool.destroy();
  }
  if (out.status !== 'complete' || !out.summary) throw new CliError(`stopped: ${out.missing} trials missing; rerun with the same options and --resume`, 130);
  const s = out.summary;
  process.stdout.write(`${s.description}\n${plan.trialsPerPoint} trials per structure planned (${s.trialCount.method}); ` +
    `${s.avf.map((r) => r.tally.sites).join('/')} sites used\n${avfTable(s)}\n`);
  if (s.fitRates) process.stdout.write(`FIT: failures per 1e9 h; raw rates: ${s.fitRates.source}\n`);
  process.stdout.write(`${o.out}/summary.json, summary.csv, report.html\n`);
}

/** Registers `faultline avf` on the program. */
export function register(program: Command): void {
  program
    .command('avf')
    .description('AVF (SDC/DUE) and FIT per structure for one model, array and format (residency-aware (bit, cycle) sampling)')
    .requiredOption('--model <id>', 'model id (faultline models)')
    .requiredOption('--out <dir>', 'output folder (results.jsonl, summary.json/csv, report.html)')
    .option('--protection <id>', 'protection (default relu)')
    .option('--format <f>', 'fp32 | fp16 | int8 (default fp32)')
    .option('--rows <n>', 'PE rows (default 16)')
    .option('--cols <n>', 'PE columns (default 16)')
    .option('--dataflow <d>', 'ws | os | is (default ws)')
    .option('--sram-kib <w,i,o>', 'weight, ifmap, ofmap SRAM sizes in KiB (default 64,64,64)')
    .option('--structures <list>', `comma-separated subset of ${AVF_STRUCTURES.join(',')} (default all)`)
    .option('--trials <n>', 'sites per structure (default 100)')
    .option('--margin <e>', 'instead of --trials: half-width of the AVF interval, e.g. 0.02')
    .option('--confidence <c>', 'confidence of --margin (default 0.95)')
    .option('--no-early-stop', 'with --margin: always run the planned trials')
    .option('--images <n>', 'test images per run (the run = n inferences; default 1)')
    .option('--start <i>', 'first test image (default 0)')
    .option('--seed <n>', 'study seed (default 1)')
    .option('--critical <list>', 'critical classes, e.g. 0,7')
    .option('--due-rule <r>', 'non-finite final outputs: output (DUE, default) | never (classify by top-1)')
    .option('--fit-preset <name>', `raw soft-error rates: ${Object.keys(FIT_PRESETS).join(' | ')}`)
    .option('--sram-fit <fit>', 'raw SRAM rate, FIT/Mbit (instead of a preset)')
    .option('--reg-fit-flop <fit>', 'raw PE register rate, FIT per flip-flop')
    .option('--reg-fit-mbit <fit>', 'raw PE register rate, FIT/Mbit')
    .option('--workers <n>', 'worker threads (default: all cores)')
    .option('--resume', 'continue the study in --out')
    .option('--runner <kind>', 'engine (default) | fake (synthetic, tests only)')
    .action(async (opts: AvfCliOptions) => {
      await avfCommand(opts);
    });
}
