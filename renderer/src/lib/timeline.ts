/** Pure helpers of the waveform-style timeline: ruler steps and jumps between events (cycles). */

/** A point of interest on the timeline: a fault starting / ending, or a state change. */
export interface Edge {
  /** Absolute cycle. */
  readonly cycle: number;
  readonly kind: 'fault' | 'state';
}

/** A 1-2-5 step (cycles) at least `raw`, for ruler ticks. */
export function niceStep(raw: number): number {
  const r = Math.max(1, raw);
  const p = 10 ** Math.floor(Math.log10(r));
  for (const m of [1, 2, 5, 10]) if (m * p >= r) return m * p;
  return 10 * p;
}

/** The next (dir 1) or previous (dir -1) event of `kind` strictly after / before `cycle`, or null. */
export function nextEdge(edges: readonly Edge[], cycle: number, kind: Edge['kind'], dir: 1 | -1): number | null {
  const of = edges.filter((e) => e.kind === kind).map((e) => e.cycle);
  if (dir > 0) return of.find((c) => c > cycle) ?? null;
  for (let i = of.length - 1; i >= 0; i--) if (of[i] < cycle) return of[i];
  return null;
}
