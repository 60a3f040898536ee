/**
 * `faultline avf --model M --out DIR [...]`: an AVF study of one model x protection x format on
 * one array. It is a campaign whose fault source is `{ kind: "avf", targets }` (one single-SEU
 * (bit, cycle) site per trial, campaign/avf.ts), sized by a trial count or a margin + confidence
 * (absolute, or relative with "20%"; campaign/precision.ts), run on the worker pool like any campaign (resumable with --resume),
 * written to DIR (summary.json/csv, report.html), and printed as an AVF + FIT table.
 */
import type { Command } from 'commander';
import { campaignHash, expandCampaign } from '../../campaign/plan';
import { createTrialPool, defaultWorkers } from '../../campaign/pool';
import { runCampaign } from '../../campaign/run';
import type { CampaignFile } from '../../campaign/schema';
import { avfStudyCampaign, type AvfStudyOptions } from '../../campaign/avf-study';
import type { RunnerKind } from '../../campaign/worker-entry';
import { AVF_STRUCTURES } from '../../campaign/avf';
import { FIT_PRESETS } from '../../campaign/fit';
import type { CampaignSummary } from '../../campaign/summary';
import type { Interval } from '../../campaign/stats';
import { CliError, EXIT_USAGE } from '../errors';
import { renderTable } from '../table';

/** Options of `faultline avf` (as parsed by commander). */
export interface AvfCliOptions extends AvfStudyOptions {
  readonly out: string;
  readonly workers?: string;
  readonly resume?: boolean;
  readonly runner?: string;
}

/** The in-memory campaign of an AVF study (campaign/avf-study.ts; see docs/README-reliability.md). */
export function avfCampaign(o: AvfCliOptions): CampaignFile {
  const c = avfStudyCampaign(o);
  if (!c.ok) throw new CliError(c.reason, EXIT_USAGE);
  return c.value;
}

function workerCount(v: string | undefined): number {
  if (v === undefined) return defaultWorkers();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new CliError(`--workers: expected an integer in 1..256, found "${v}"`, EXIT_USAGE);
  return n;
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
  const workers = workerCount(o.workers);
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
    .option('--margin <e>', 'instead of --trials: half-width of the AVF interval, absolute (0.02 = +-2 points) or relative with % (20% = +-20% of the AVF)')
    .option('--prior <p>', 'with a relative --margin: a-priori AVF for sizing (else plan 10,000 and stop early)')
    .option('--interval <m>', 'with --margin: wilson (default) | cp (Clopper-Pearson, exact) for the stop check and AVF/FIT intervals')
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
