/**
 * `faultline campaign <file> --out <dir> [--workers N] [--resume] [--shard i/N]`: runs a fault-
 * injection campaign headless on a worker pool with a progress bar; Ctrl-C stops cleanly (results
 * so far stay in <dir>/results.jsonl and the command prints how to resume).
 */
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { loadCampaignFile } from '../../campaign/load';
import { parseShard, type Shard } from '../../campaign/plan';
import { createTrialPool, defaultWorkers } from '../../campaign/pool';
import { runCampaign } from '../../campaign/run';
import type { CampaignProgress } from '../../campaign/types';
import type { RunnerKind } from '../../campaign/worker-entry';

/** Options of the campaign command (as parsed by commander). */
export interface CampaignCliOptions {
  readonly out: string;
  readonly workers?: string;
  readonly resume?: boolean;
  readonly shard?: string;
  readonly runner?: string;
  readonly progress?: boolean;
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
    return { points: `${p.pointsDone}/${p.pointsTotal}`, faults: String(p.faultsInjected), ips: sec > 0 ? (p.inferences / sec).toFixed(1) : '0', eta: fmtEta(eta) };
  };
  if (!enabled) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: 'trials {bar} {value}/{total} | points {points} | faults {faults} | {ips} inf/s | ETA {eta}',
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
      process.stderr.write(`trials ${p.trialsDone}/${p.trialsTotal} | points ${f.points} | faults ${f.faults} | ${f.ips} inf/s | ETA ${f.eta}\n`);
    },
    stop: () => {},
  };
}

/** Runs the command; returns the process exit code (0 done, 1 error, 130 interrupted). */
export async function campaignCommand(file: string, opts: CampaignCliOptions): Promise<number> {
  const loaded = loadCampaignFile(file);
  if (!loaded.ok) { process.stderr.write(`${loaded.reason}\n`); return 1; }
  let shard: Shard = { index: 0, count: 1 };
  if (opts.shard !== undefined) {
    const s = parseShard(opts.shard);
    if (!s.ok) { process.stderr.write(`${s.reason}\n`); return 1; }
    shard = s.value;
  }
  const workers = opts.workers === undefined ? defaultWorkers() : Number(opts.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    process.stderr.write(`--workers: expected an integer in 1..256, found "${opts.workers}"\n`);
    return 1;
  }
  const kind = (opts.runner ?? 'engine') as RunnerKind;
  if (kind !== 'engine' && kind !== 'fake') { process.stderr.write(`--runner: expected engine | fake, found "${opts.runner}"\n`); return 1; }
  const pool = createTrialPool({ workers, kind });
  const ctl = new AbortController();
  const onSigint = (): void => {
    if (ctl.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping: no new trials; in-flight trials are dropped (Ctrl-C again to quit at once)\n');
    ctl.abort();
  };
  process.on('SIGINT', onSigint);
  const bar = progressReporter(opts.progress !== false);
  const shardArg = shard.count > 1 ? ` --shard ${shard.index}/${shard.count}` : '';
  try {
    const o = await runCampaign({
      plan: loaded.value.plan, hash: loaded.value.hash, outDir: opts.out, runner: pool.run, runnerName: kind, concurrency: workers * 2,
      shard, resume: opts.resume === true, signal: ctl.signal, onProgress: (p) => bar.update(p),
      onNotice: (m) => process.stderr.write(`${m}\n`),
    });
    bar.stop();
    if (o.status === 'aborted') {
      process.stderr.write(`stopped: ${o.resumed + o.ran} trials done, ${o.missing} missing; results kept in ${opts.out}/results.jsonl\n` +
        `resume with: faultline campaign ${file} --out ${opts.out} --resume${shardArg}\n`);
      return 130;
    }
    process.stdout.write(`done: ${o.ran} trials run${o.resumed ? `, ${o.resumed} resumed` : ''} in ${(o.elapsedMs / 1000).toFixed(1)} s; ` +
      `${opts.out}/summary.json, summary.csv, report.html\n`);
    return 0;
  } catch (e) {
    bar.stop();
    process.stderr.write(`campaign failed: ${(e as Error).message}\nfinished trials are kept; fix the cause and rerun with --resume\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    await pool.destroy();
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
    .option('--runner <kind>', 'trial runner: engine (default) or fake (synthetic numbers, for testing the machinery)')
    .option('--no-progress', 'no progress output')
    .action(async (file: string, opts: CampaignCliOptions) => {
      process.exitCode = await campaignCommand(file, opts);
    });
}
