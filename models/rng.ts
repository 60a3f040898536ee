/**
 * Seeded random numbers for models/: shuffles, splits and weight initialisation.
 * Wraps pure-rand's xoroshiro128+ so every use is reproducible from one integer seed.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

/** A seeded, mutable random source. */
export interface Rng {
  /** Uniform float in [0, 1). */
  float(): number;
  /** Uniform integer in [from, to] (both included). */
  int(from: number, to: number): number;
  /** Standard normal sample (Box-Muller), mean 0, standard deviation 1. */
  normal(): number;
}

/** Creates a seeded random source (seed: any 32-bit integer). */
export function makeRng(seed: number): Rng {
  const g = xoroshiro128plus(seed | 0);
  let spare: number | null = null;
  return {
    float: () => uniformFloat64(g),
    int: (from, to) => uniformInt(g, from, to),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = uniformFloat64(g);
      const v = uniformFloat64(g);
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** Fisher-Yates shuffle of `idx` in place with `rng`; returns `idx`. */
export function shuffleInPlace<T>(idx: T[] | Uint32Array, rng: Rng): T[] | Uint32Array {
  for (let i = idx.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t as never;
  }
  return idx;
}
