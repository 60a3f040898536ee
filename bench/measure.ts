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

/** Timings of `runs` interleaved (base, other) rounds (see pairRounds). */
export interface PairRounds {
  /** Milliseconds of each timed round's `base` and `other` call. */
  readonly base: number[];
  readonly other: number[];
  /** other / base of each timed round (both calls of a round see the same machine load). */
  readonly ratios: number[];
  /** other / base of the first round (the first warm-up round when there is one). */
  readonly cold: number;
}

/** `warmup` untimed then `runs` timed rounds of `base` and `other` side by side, in alternating
 * order (whichever runs second pays the garbage collection of the first one's allocations). */
export function pairRounds(base: () => unknown, other: () => unknown, runs: number, warmup = 0): PairRounds {
  const out = { base: [] as number[], other: [] as number[], ratios: [] as number[] };
  let cold = NaN;
  const fns = [base, other];
  for (let r = -warmup; r < runs; r++) {
    const pair: number[] = [];
    for (const fn of r % 2 === 0 ? fns : [...fns].reverse()) {
      const t0 = performance.now();
      fn();
      pair[fns.indexOf(fn)] = performance.now() - t0;
    }
    if (r === -warmup) cold = pair[1]! / pair[0]!;
    if (r < 0) continue;
    out.base.push(pair[0]!);
    out.other.push(pair[1]!);
    out.ratios.push(pair[1]! / pair[0]!);
  }
  return { ...out, cold };
}
