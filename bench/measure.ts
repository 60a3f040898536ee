/** Timing helper for bench sections. */
import { performance } from 'node:perf_hooks';
import type { Timing } from './types';

/** Median of an array of numbers (mean of the middle two for even lengths). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * Times `fn` `runs` times after `warmup` untimed calls and returns the median in ms.
 * `fn` may be async; its result is kept alive in a sink so the work is not optimized away.
 */
export async function measure(fn: () => unknown, runs = 7, warmup = 2): Promise<Timing> {
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    sink = await fn();
    times.push(performance.now() - t0);
  }
  if (sink === Symbol.for('never')) times.push(0);
  return { medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), runs };
}
