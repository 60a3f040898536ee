/**
 * App-wide state shared by the views (they are re-created on navigation): the accelerator and
 * model chosen, the scenario being run, the last run and cycle report, the scrubbed cycle, and
 * helpers that call the simulation channels with progress and cancellation.
 */
import type { z } from 'zod';
import type { ArrayInput, CyclesResponse, RunResponse } from '../../../ipc/sim-schemas';
import type { IpcError } from '../../../ipc/wire';
import { getBridge } from '../bridge';

/** Array settings as the forms edit them. */
export type ArraySettings = z.output<typeof ArrayInput>;
/** A `sim.run` reply. */
export type RunResult = z.output<typeof RunResponse>;
/** A `sim.cycles` reply. */
export type CyclesResult = z.output<typeof CyclesResponse>;

/** Progress of the running job, or null. */
export interface JobState {
  readonly id: string;
  done: number;
  total: number | null;
  message: string;
}

/** The shared session (reactive). */
export const session = $state({
  model: 'lenet5',
  array: { rows: 16, cols: 16, dataflow: 'ws', format: 'fp32', sramKiB: 64 } as ArraySettings,
  /** Scenario text run by the accelerator / propagation views, and its label. */
  scenarioText: '',
  scenarioLabel: '',
  images: 1,
  firstImage: 0,
  /** Protection id applied by sim.run ("relu" = none; choices from catalog.protections). */
  protection: 'relu',
  run: null as RunResult | null,
  /** Test-set index of the first image of `run`. */
  runFirstImage: 0,
  cycles: null as CyclesResult | null,
  /** Scrubbed cycle (absolute). */
  cycle: 0,
  job: null as JobState | null,
  error: null as IpcError | null,
  /** A notice that is not an error (e.g. "Run cancelled."), cleared by the next run. */
  notice: '',
});

let jobSeq = 0;
let unsubscribe: (() => void) | null = null;

function listen(): void {
  unsubscribe ??= getBridge().on('job.progress', (p) => {
    if (session.job && p.id === session.job.id) {
      session.job.done = p.done;
      session.job.total = p.total;
      session.job.message = p.message;
    }
  });
}

/** Loads the cycle report for the current model and array into `session.cycles`. */
export async function loadCycles(): Promise<void> {
  const r = await getBridge().invoke('sim.cycles', { model: session.model, array: { ...session.array } });
  if (r.ok) session.cycles = r.value;
  else session.error = r.error;
}

/** Options of `runScenario`. */
export interface RunOptions {
  /**
   * Inference (0-based within the run) whose feature maps are returned, or 'auto' (default): the
   * first inference the faults touched (the run is replayed for it when that is not inference 0).
   */
  readonly viewImage?: number | 'auto' | ((first: RunResult) => number);
}

/**
 * The inference a demo shows: the first one the faults reach that the fault-free model classifies
 * correctly, else the first one the faults reach, else the first correctly classified one, else 0.
 */
export function demoInference(r: RunResult): number {
  const ok = (k: number): boolean => r.labels === null || r.goldenPredictions[k] === r.labels[k];
  const touched = [...r.touchedImages].sort((a, b) => a - b);
  const all = Array.from({ length: r.images }, (_, k) => k);
  return touched.find(ok) ?? touched[0] ?? all.find(ok) ?? 0;
}

/** True when an IPC error reports a request the user cancelled. */
export function isCancelled(e: IpcError | null): boolean {
  return e !== null && e.code === 'cancelled';
}

/**
 * Runs the current scenario (sim.run) with progress; the result lands in `session.run`. The cycle
 * report is requested first but not awaited as part of the job, so a cancelled run returns at once.
 */
export async function runScenario(opts: RunOptions = {}): Promise<boolean> {
  listen();
  const id = `run-${++jobSeq}-${Date.now().toString(36)}`;
  session.job = { id, done: 0, total: null, message: 'starting' };
  session.error = null;
  session.notice = '';
  const bridge = getBridge();
  const first = session.firstImage;
  void loadCycles();
  const request = (viewImage: number) => ({
    model: session.model, array: { ...session.array }, images: session.images, firstImage: first,
    viewImage: Math.max(0, Math.min(session.images - 1, viewImage)),
    protection: session.protection,
    scenario: { text: session.scenarioText, file: `${session.scenarioLabel || 'scenario'}.json` },
  });
  let r = await bridge.invoke('sim.run', request(typeof opts.viewImage === 'number' ? opts.viewImage : 0), { id });
  const pick = opts.viewImage ?? 'auto';
  if (r.ok && typeof pick !== 'number' && session.job?.id === id) {
    const hit = r.value.touchedImages;
    const want = pick === 'auto' ? (hit.length > 0 && !hit.includes(r.value.viewImage) ? Math.min(...hit) : r.value.viewImage) : pick(r.value);
    if (want !== r.value.viewImage) {
      session.job.message = `replaying inference ${want}${hit.includes(want) ? ', which the faults reach' : ''}`;
      r = await bridge.invoke('sim.run', request(want), { id });
    }
  }
  if (session.job?.id === id) session.job = null;
  if (!r.ok) {
    if (isCancelled(r.error)) session.notice = 'Run cancelled.';
    else session.error = r.error;
    return false;
  }
  session.run = r.value;
  session.runFirstImage = first;
  session.cycle = Math.min(session.cycle, Math.max(0, r.value.totalCycles - 1));
  return true;
}

/** Cancels the running job, if any (the reply comes back at once with code "cancelled"). */
export function cancelJob(): void {
  if (session.job) {
    getBridge().cancel(session.job.id);
    session.job.message = 'cancelling';
  }
}

/** Loads a scenario file's text into the session. */
export async function useScenarioFile(source: 'example' | 'user', id: string): Promise<boolean> {
  const r = await getBridge().invoke('scenario.open', { source, id });
  if (!r.ok) {
    session.error = r.error;
    return false;
  }
  session.scenarioText = r.value.text;
  session.scenarioLabel = id;
  return true;
}
