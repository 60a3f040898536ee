/**
 * The per-trial wall-time limit of GUI campaigns, the same as the CLI's `--trial-timeout`
 * (campaign/pool.ts, default DEFAULT_TRIAL_TIMEOUT_MS = 1 h): the job's trials run in a one-worker
 * trial pool, so a trial over the limit is stopped (its worker terminated and replaced) and recorded
 * as timed out (`timedOutResult`: no images, `timedOut: { limitMs }`; the summary counts it per point
 * and leaves it out of every rate). The simulation worker cannot interrupt its own synchronous
 * engine run, hence the pool; with the limit 0 (none) the caller keeps its in-process runner.
 */
import { createTrialPool, DEFAULT_TRIAL_TIMEOUT_MS, type TrialPool } from '../../../campaign/pool';
import type { RunnerKind } from '../../../campaign/worker-entry';
import type { TrialRunner } from '../../../campaign/types';
import type { KernelBackendName } from '../../../sim/kernels/types';
import { RequestError } from './errors';

/** Largest accepted limit, seconds (one week, as the CLI). */
export const MAX_TRIAL_TIMEOUT_S = 604_800;

/** The limit in ms of a job's `trialTimeoutS` (seconds; absent = the CLI default, 0 = none);
 * throws a bad-request RequestError naming `trialTimeoutS` for anything else. */
export function trialTimeoutMsOf(seconds: number | undefined): number {
  if (seconds === undefined) return DEFAULT_TRIAL_TIMEOUT_MS;
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_TRIAL_TIMEOUT_S) {
    throw new RequestError(`trialTimeoutS: expected seconds in 0..${MAX_TRIAL_TIMEOUT_S} (0 = none), found ${String(seconds)}`, 'trialTimeoutS');
  }
  return seconds * 1000;
}

/** What runs a job's trials under a limit. */
export interface TimedRunnerOptions {
  /** Limit of one trial, ms (> 0). */
  readonly limitMs: number;
  /** GEMM backend of the engine runner (default: FAULTLINE_KERNEL, else the fastest). */
  readonly kernel?: KernelBackendName;
  /** Runner kind in the pool worker (default 'engine'; 'fake' for tests). */
  readonly kind?: RunnerKind;
  /** Fake runner only: CPU ms per trial. */
  readonly busyMs?: number;
}

let cached: { key: string; pool: TrialPool } | null = null;

/** A TrialRunner enforcing `limitMs` per trial (one pool worker, kept between jobs with the same options). */
export function timedTrialRunner(o: TimedRunnerOptions): TrialRunner {
  const key = JSON.stringify([o.limitMs, o.kernel ?? '', o.kind ?? 'engine', o.busyMs ?? 0]);
  if (cached === null || cached.key !== key) {
    if (cached) void cached.pool.destroy();
    const pool = createTrialPool({
      workers: 1, kind: o.kind ?? 'engine', trialTimeoutMs: o.limitMs,
      ...(o.kernel ? { kernel: o.kernel } : {}), ...(o.busyMs ? { busyMs: o.busyMs } : {}),
    });
    cached = { key, pool };
  }
  return cached.pool.run;
}

/** Stops the kept pool worker (tests; the simulation worker's exit stops it too). */
export async function closeTimedTrialRunner(): Promise<void> {
  const c = cached;
  cached = null;
  if (c) await c.pool.destroy();
}
