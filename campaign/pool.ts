/**
 * A piscina worker pool running trials on several cores. Each worker builds its TrialRunner once
 * (model, data and engine loaded once per worker). Results do not depend on the worker count:
 * each trial is a pure function of its TrialSpec and the run loop stores them by trial index.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { TrialResult, TrialRunner, TrialSpec } from './types';
import type { RunnerKind, WorkerTask } from './worker-entry';
import type { KernelBackendName } from '../sim/kernels/types';

/** A running pool. */
export interface TrialPool {
  /** Runs a trial on a worker; aborting drops it (a running worker is terminated and replaced). */
  readonly run: TrialRunner;
  readonly workers: number;
  /** Stops all workers. */
  destroy(): Promise<void>;
}

/** Default worker count: all cores the process may use. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/** Default limit of one trial's wall time, ms (1 hour): a trial over it is recorded as timed out. */
export const DEFAULT_TRIAL_TIMEOUT_MS = 3_600_000;

/** The record of a trial stopped at its time limit: no images evaluated, `timedOut` set (the
 * summary leaves it out of every rate and counts it per point). Depends only on the limit. */
export function timedOutResult(spec: TrialSpec, limitMs: number): TrialResult {
  void spec;
  return { images: 0, goldenCorrect: 0, faultyCorrect: 0, sdc: 0, criticalSdc: 0, faultsInjected: 0, faultsByTarget: {}, layers: [], maskedAt: {}, cycles: 0, utilization: 0, timedOut: { limitMs } };
}

/** Options of a trial pool. */
export interface TrialPoolOptions {
  /** Worker threads (default: all cores). */
  readonly workers?: number;
  readonly kind: RunnerKind;
  /** Fake runner: CPU ms per trial. */
  readonly busyMs?: number;
  /** Engine runner: GEMM backend. */
  readonly kernel?: KernelBackendName;
  /** Wall-time limit of one trial, ms (default DEFAULT_TRIAL_TIMEOUT_MS; 0 = none): the worker
   * running it is terminated and replaced, and the trial is recorded as timed out. */
  readonly trialTimeoutMs?: number;
}

/** Starts a pool of `workers` threads (>= 1) running the `kind` runner (engine: on `kernel`). */
export function createTrialPool(opts: TrialPoolOptions): TrialPool {
  const limit = opts.trialTimeoutMs ?? DEFAULT_TRIAL_TIMEOUT_MS;
  const workers = Math.max(1, Math.floor(opts.workers ?? defaultWorkers()));
  const pool = new Piscina({
    filename: new URL('./worker.mjs', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
  });
  return {
    workers,
    run: (spec, signal) => {
      const task: WorkerTask = { kind: opts.kind, spec, ...(opts.busyMs ? { busyMs: opts.busyMs } : {}), ...(opts.kernel ? { kernel: opts.kernel } : {}) };
      if (!(limit > 0)) return pool.run(task, signal ? { signal } : {});
      // the caller's abort and the time limit both stop the task (piscina terminates its worker)
      const ctl = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => { timedOut = true; ctl.abort(); }, limit);
      const onAbort = (): void => ctl.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) ctl.abort();
      return (pool.run(task, { signal: ctl.signal }) as Promise<TrialResult>).then(
        (r) => r,
        (e: unknown) => { if (timedOut && !signal?.aborted) return timedOutResult(spec, limit); throw e; },
      ).finally(() => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort); });
    },
    destroy: () => pool.destroy(),
  };
}
