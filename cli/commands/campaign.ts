/**
 * `faultline campaign <file> --out <dir> [--workers N] [--resume] [--shard i/N]`: runs a fault-
 * injection campaign headless on a worker pool with a progress bar; Ctrl-C stops cleanly (results
 * so far stay in <dir>/results.jsonl and the command prints how to resume).
 */
import { Option, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { loadCampaignFile } from '../../campaign/load';
import { parseShard, type Shard } from '../../campaign/plan';
import { createTrialPool, defaultWorkers, DEFAULT_TRIAL_TIMEOUT_MS } from '../../campaign/pool';
import { runCampaign } from '../../campaign/run';
import type { CampaignProgress } from '../../campaign/types';
import type { RunnerKind } from '../../campaign/worker-entry';
import { CliError, EXIT_USAGE } from '../errors';
import { DEFAULT_KERNEL, KERNEL_ENV, KERNEL_NAMES, parseKernelName, resolveKernelName } from '../../pipeline/kernels';
import { renderTable } from '../table';
import { outcomeRows, progressInterval } from '../../campaign/report/text';
import { avfTable } from './avf';

/** Options of the campaign command (as parsed by commander). */
export interface CampaignCliOptions {
  readonly out: string;
  readonly workers?: string;
  readonly resume?: boolean;
  readonly shard?: string;
  readonly runner?: string;
  /** GEMM backend; overrides the campaign file's `kernel`. */
  readonly kernel?: string;
  /** Wall-time limit of one trial, seconds (0 = none; default 3600). */
  readonly trialTimeout?: string;
  readonly progress?: boolean;
  /** Fake runner only: CPU ms spun per trial (tests of interruption). */
  readonly fakeBusyMs?: string;
}

function fmtEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = Math.floor(seconds % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s).padStart(2, '0')}s`;
}

/** Progress bar on a TTY, one log line every 10 s elsewhere (cluster logs). */
function progressReporter(enabled: boolean): { update(p: CampaignProgress): void; stop(): void } {
  let start: CampaignProgress | null = null;
  const fields = (p: CampaignProgress): Record<string, string> => {
    start ??= p;
    const ranNow = p.trialsDone - start.trialsDone;
    const sec = p.elapsedMs / 1000;
    const eta = ranNow > 0 ? ((p.trialsTotal - p.trialsDone) * sec) / ranNow : NaN;
    return { points: `${p.pointsDone}/${p.pointsTotal}`, faults: String(p.faultsInjected), ips: sec > 0 ? (p.inferences / sec).toFixed(1) : '0', eta: fmtEta(eta), interval: progressInterval(p) };
  };
  if (!enabled) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: 'trials {bar} {value}/{total} | points {points} | faults {faults} | {ips} inf/s | ETA {eta}{interval}',
      hideCursor: true, stream: process.stderr, etaBuffer: 50,
    });
    let started = false;
    return {
      update: (p) => { if (!started) { bar.start(p.trialsTotal, p.trialsDone, fields(p)); started = true; } else bar.update(p.trialsDone, fields(p)); },
      stop: () => { if (started) bar.stop(); },
    };
  }
  let last = 0;
  return {
    update: (p) => {
      const f = fields(p);
      if (p.elapsedMs - last < 10_000 && p.trialsDone < p.trialsTotal) return;
      last = p.elapsedMs;
      process.stderr.write(`trials ${p.trialsDone}/${p.trialsTotal} | points ${f.points} | faults ${f.faults} | ${f.ips} inf/s | ETA ${f.eta}${f.interval}\n`);
    },
    stop: () => {},
  };
}

/** Exit code of a campaign stopped by Ctrl-C / abort (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** Runs the command. Throws CliError: exit 2 bad input, 1 trial failure, 130 interrupted (with the resume command). */
export async function campaignCommand(file: string, opts: CampaignCliOptions): Promise<void> {
  const loaded = loadCampaignFile(file);
  if (!loaded.ok) throw new CliError(loaded.reason, EXIT_USAGE);
  let shard: Shard = { index: 0, count: 1 };
  if (opts.shard !== undefined) {
    const s = parseShard(opts.shard);
    if (!s.ok) throw new CliError(s.reason, EXIT_USAGE);
    shard = s.value;
  }
  const workers = opts.workers === undefined ? defaultWorkers() : Number(opts.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new CliError(`--workers: expected an integer in 1..256, found "${opts.workers}"`, EXIT_USAGE);
  }
  const kind = (opts.runner ?? 'engine') as RunnerKind;
  if (kind !== 'engine' && kind !== 'fake') throw new CliError(`--runner: expected engine | fake, found "${opts.runner}"`, EXIT_USAGE);
  let kernelName = loaded.value.plan.campaign.kernel as string | undefined;
  if (opts.kernel !== undefined) {
    const k = parseKernelName(opts.kernel, '--kernel');
    if (!k.ok) throw new CliError(k.reason, EXIT_USAGE);
    kernelName = k.value;
  }
  const kernel = resolveKernelName(kernelName);
  if (!kernel.ok) throw new CliError(kernel.reason, EXIT_USAGE);
  const busyMs = kind === 'fake' && opts.fakeBusyMs !== undefined ? Math.max(0, Math.min(10_000, Number(opts.fakeBusyMs) || 0)) : 0;
  const timeoutS = opts.trialTimeout === undefined ? DEFAULT_TRIAL_TIMEOUT_MS / 1000 : Number(opts.trialTimeout);
  if (!Number.isFinite(timeoutS) || timeoutS < 0 || timeoutS > 7 * 86_400) {
    throw new CliError(`--trial-timeout: expected seconds in 0..604800 (0 = none), found "${opts.trialTimeout}"`, EXIT_USAGE);
  }
  const pool = createTrialPool({ workers, kind, busyMs, kernel: kernel.value, trialTimeoutMs: timeoutS * 1000 });
  const ctl = new AbortController();
  const onSigint = (): void => {
    if (ctl.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping: no new trials; in-flight trials are dropped (Ctrl-C again to quit at once)\n');
    ctl.abort();
  };
  process.on('SIGINT', onSigint);
  const bar = progressReporter(opts.progress !== false);
  const shardArg = shard.count > 1 ? ` --shard ${shard.index}/${shard.count}` : '';
  let o;
  try {
    o = await runCampaign({
      plan: loaded.value.plan, hash: loaded.value.hash, outDir: opts.out, runner: pool.run, runnerName: kind, concurrency: workers * 2,
      shard, resume: opts.resume === true, signal: ctl.signal, onProgress: (p) => bar.update(p),
      onNotice: (m) => process.stderr.write(`${m}\n`),
    });
  } catch (e) {
    bar.stop();
    throw new CliError(`campaign failed: ${(e as Error).message}\nfinished trials are kept in ${opts.out}; fix the cause and rerun with --resume`, 1);
  } finally {
    process.off('SIGINT', onSigint);
    await pool.destroy();
  }
  bar.stop();
  if (o.status === 'aborted') {
    throw new CliError(`stopped: ${o.resumed + o.ran} trials done, ${o.missing} missing; results kept in ${opts.out}/results.jsonl\n` +
      `resume with: faultline campaign ${file} --out ${opts.out} --resume${shardArg}`, EXIT_INTERRUPTED);
  }
  process.stdout.write(`done: ${o.ran} trials run${o.resumed ? `, ${o.resumed} resumed` : ''} in ${(o.elapsedMs / 1000).toFixed(1)} s; ` +
    `${opts.out}/summary.json, summary.csv, report.html\n`);
  if (o.summary) {
    const t = outcomeRows(o.summary); // outcome classes with 95% intervals (issue 14; * = stopped early)
    if (t.rows.length > 0) process.stdout.write(renderTable(t.header, t.rows) + '\n');
    if (o.summary.avf.length > 0) process.stdout.write(avfTable(o.summary) + '\n');
  }
}

/** Registers `faultline campaign` on the program. */
export function register(program: Command): void {
  program
    .command('campaign')
    .description('run a fault-injection campaign file headless (resumable, shardable)')
    .argument('<file>', 'campaign JSON file')
    .requiredOption('--out <dir>', 'output folder (results.jsonl, summary.json/csv, report.html)')
    .option('--workers <n>', 'worker threads (default: all cores)')
    .option('--resume', 'continue the run in --out: runs exactly the missing trials')
    .option('--shard <i/N>', 'run only trials with index mod N == i (0-based), for clusters')
    .option('-k, --kernel <name>', `GEMM backend of the trials: ${KERNEL_NAMES.join(' | ')} (default: the file's "kernel", else ${KERNEL_ENV}, else ${DEFAULT_KERNEL}; results are the same on each)`)
    .option('--trial-timeout <s>', `wall-time limit of one trial in seconds; a trial over it is recorded as timed out and left out of the rates (0 = none; default ${DEFAULT_TRIAL_TIMEOUT_MS / 1000})`)
    .option('--runner <kind>', 'trial runner: engine (default) or fake (synthetic numbers, for testing the machinery)')
    .option('--no-progress', 'no progress output')
    .addOption(new Option('--fake-busy-ms <ms>', 'fake runner: CPU ms per trial').hideHelp())
    .action(async (file: string, opts: CampaignCliOptions) => {
      await campaignCommand(file, opts);
    });
}
