/**
 * A piscina worker pool running trials on several cores. Each worker builds its TrialRunner once
 * (model, data and engine loaded once per worker). Results do not depend on the worker count:
 * each trial is a pure function of its TrialSpec and the run loop stores them by trial index.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { TrialRunner } from './types';
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

/** Starts a pool of `workers` threads (>= 1) running the `kind` runner (engine: on `kernel`). */
export function createTrialPool(opts: { workers?: number; kind: RunnerKind; busyMs?: number; kernel?: KernelBackendName }): TrialPool {
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
      return pool.run(task, signal ? { signal } : {});
    },
    destroy: () => pool.destroy(),
  };
}
