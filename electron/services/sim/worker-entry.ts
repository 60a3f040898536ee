/**
 * Entry of the simulation worker thread. Messages in: `{ id, method, payload }` with an already
 * validated payload; out: `{ id, kind: 'progress', done, total, message }` and finally
 * `{ id, kind: 'result', value }` or `{ id, kind: 'error', message }`. Keeps the last runs for
 * `sim.inspect`. Cancellation is done by the owner terminating the thread.
 */
import { parentPort } from 'node:worker_threads';
import { cycles, images, run, type KeptRun } from './pipeline';
import { inspect } from './inspect';
import { runCampaignJob, type CampaignJob } from './campaign-job';
import { isBadRequest, RequestError } from './errors';

/** A request to the worker. */
export interface WorkerRequest {
  readonly id: string;
  readonly method: 'cycles' | 'run' | 'inspect' | 'images' | 'campaign';
  readonly payload: unknown;
}

/** A message from the worker. */
export type WorkerMessage =
  | { readonly id: string; readonly kind: 'progress'; readonly done: number; readonly total: number; readonly message: string }
  | { readonly id: string; readonly kind: 'result'; readonly value: unknown }
  | { readonly id: string; readonly kind: 'error'; readonly message: string; readonly code?: 'bad-request'; readonly field?: string };

/** Runs kept for inspection, newest last. */
const KEEP = 4;
const kept = new Map<string, KeptRun>();

async function handle(req: WorkerRequest): Promise<unknown> {
  // Payloads were validated against the contract in main before they were posted here.
  const p = req.payload as any;
  switch (req.method) {
    case 'cycles':
      return cycles(p.model, p.array);
    case 'images':
      return images(p);
    case 'inspect': {
      const k = kept.get(p.runId);
      if (!k) throw new RequestError(`runId: run ${JSON.stringify(p.runId)} is no longer in memory (run it again)`, 'runId');
      return inspect(k, p);
    }
    case 'campaign':
      return runCampaignJob(p as CampaignJob, (done, total, message) => parentPort?.postMessage({ id: req.id, kind: 'progress', done, total, message } satisfies WorkerMessage));
    case 'run': {
      const out = await run(p.request, p.runId, (done, total, message) => parentPort?.postMessage({ id: req.id, kind: 'progress', done, total, message } satisfies WorkerMessage));
      kept.set(p.runId, out.kept);
      while (kept.size > KEEP) kept.delete(kept.keys().next().value as string);
      return out.reply;
    }
  }
}

parentPort?.on('message', (req: WorkerRequest) => {
  handle(req).then(
    (value) => parentPort?.postMessage({ id: req.id, kind: 'result', value } satisfies WorkerMessage),
    (e: unknown) => parentPort?.postMessage({
      id: req.id, kind: 'error', message: e instanceof Error ? e.message : String(e),
      ...(isBadRequest(e) ? { code: 'bad-request' as const, field: (e as RequestError).field } : {}),
    } satisfies WorkerMessage),
  );
});
