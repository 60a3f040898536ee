/**
 * Worker-thread side of the campaign pool: builds its TrialRunner once per worker (loading the
 * model, data and engine once) and runs the trials it is sent.
 */
import type { TrialResult, TrialRunner, TrialSpec } from './types';
import type { KernelBackendName } from '../sim/kernels/types';
import { fakeRunner } from './fake';

/** Which TrialRunner a worker builds. "engine" is the real simulator (campaign/trial.ts). */
export type RunnerKind = 'engine' | 'fake';

/** A task sent to a worker. */
export interface WorkerTask {
  readonly kind: RunnerKind;
  /** Fake runner only: CPU time to spin per trial, ms. */
  readonly busyMs?: number;
  /** Engine runner only: GEMM backend (default: FAULTLINE_KERNEL, else the fastest). */
  readonly kernel?: KernelBackendName;
  readonly spec: TrialSpec;
}

let runner: Promise<TrialRunner> | undefined;

async function build(task: WorkerTask): Promise<TrialRunner> {
  if (task.kind === 'fake') return fakeRunner(task.busyMs ?? 0);
  const { createEngineRunner } = await import('./trial');
  return createEngineRunner(task.kernel ? { kernel: task.kernel } : {});
}

/** Runs one trial (the runner is built on the first task and reused). */
export async function handle(task: WorkerTask): Promise<TrialResult> {
  runner ??= build(task);
  return (await runner)(task.spec);
}
