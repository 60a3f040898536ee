/**
 * Main-thread side of the simulation worker: posts jobs to one worker thread (jobs run one at a
 * time, in order), relays progress, and cancels by terminating the thread (a fresh one starts on
 * the next job), so a cancel takes effect at once even in the middle of a long GEMM.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { WorkerMessage, WorkerRequest } from './worker-entry';
import { RequestError } from './errors';

/** Progress callback of a job: done of total steps, with a message. */
export type JobProgressFn = (done: number, total: number, message: string) => void;

/** A simulation worker host. */
export interface SimHost {
  /** Runs `method` in the worker; rejects with `Error('cancelled')` when `signal` aborts. */
  call(method: WorkerRequest['method'], payload: unknown, signal: AbortSignal, progress?: JobProgressFn): Promise<unknown>;
  /** Stops the worker thread. */
  close(): Promise<void>;
}

/** Path of the worker bootstrap under the app root. */
export function workerFile(appRoot: string): string {
  return join(appRoot, 'electron', 'services', 'sim', 'worker.mjs');
}

/** Creates a host whose worker is started lazily from `file` (see workerFile). */
export function createSimHost(file: string): SimHost {
  let worker: Worker | null = null;
  let seq = 0;
  let chain: Promise<unknown> = Promise.resolve();
  type Job = { resolve: (v: unknown) => void; reject: (e: Error) => void; progress?: JobProgressFn };
  const jobsOf = new WeakMap<Worker, Map<string, Job>>();

  function start(): Worker {
    const w = new Worker(file);
    const waiting = new Map<string, Job>();
    jobsOf.set(w, waiting);
    w.on('message', (m: WorkerMessage) => {
      const job = waiting.get(m.id);
      if (!job) return;
      if (m.kind === 'progress') job.progress?.(m.done, m.total, m.message);
      else {
        waiting.delete(m.id);
        if (m.kind === 'result') job.resolve(m.value);
        else job.reject(m.code ? new RequestError(m.message, m.field ?? 'request') : new Error(m.message));
      }
    });
    const fail = (e: Error): void => {
      for (const j of waiting.values()) j.reject(e);
      waiting.clear();
      if (worker === w) worker = null;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`simulation worker stopped (exit code ${code})`)));
    return w;
  }

  function runOne(method: WorkerRequest['method'], payload: unknown, signal: AbortSignal, progress?: JobProgressFn): Promise<unknown> {
    if (signal.aborted) return Promise.reject(new Error('cancelled'));
    worker ??= start();
    const w = worker;
    const waiting = jobsOf.get(w)!;
    const id = `j${++seq}`;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        waiting.delete(id);
        reject(new Error('cancelled'));
        if (worker === w) worker = null;
        void w.terminate();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waiting.set(id, {
        resolve: (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
        reject: (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
        progress,
      });
      w.postMessage({ id, method, payload } satisfies WorkerRequest);
    });
  }

  return {
    call(method, payload, signal, progress) {
      const p = chain.then(() => runOne(method, payload, signal, progress));
      chain = p.catch(() => undefined);
      return p;
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
