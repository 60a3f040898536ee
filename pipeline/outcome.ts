/**
 * The faulty side of a run in one shape (pipeline/types.ts FaultyOutcome), from the faulty engine's
 * sparse differences or from a full inference of a statically corrupted network.
 */
import type { GoldenRun } from '../sim/engine/golden';
import type { FaultyRun } from '../sim/engine/faulty';
import { predictions } from '../sim/engine/tensors';
import type { FaultyOutcome, LayerDelta } from './types';

/** Outcome of the faulty engine: golden everywhere except the recomputed differences. */
export function engineOutcome(g: GoldenRun, fr: FaultyRun): FaultyOutcome {
  const n = g.n;
  const last = g.layers.length - 1;
  const outSize = g.output.length / n;
  const output = g.output.slice();
  for (const img of fr.touchedImages) output.set(fr.output(last, img), img * outSize);
  const lastDiff = new Int32Array(n).fill(-1);
  fr.diffs.forEach((ds, L) => { for (const d of ds) if (d.indices.length > 0) lastDiff[d.image] = Math.max(lastDiff[d.image]!, L); });
  const due = (fr as FaultyRun & { readonly due?: Uint8Array }).due ?? new Uint8Array(n);
  return {
    engine: fr, output, predictions: predictions(output, n, outSize), lastDiff, due,
    layers: fr.layers.map((l): LayerDelta => ({ name: l.name, corrupted: l.corrupted, total: l.total, maxAbsDelta: l.maxAbsDelta, relL2: l.relL2 })),
    output1: (layer, image) => fr.output(layer, image),
  };
}

/** Sum of squares of a golden tensor (diffStats' denominator, same order), cached per array. */
const squares = new WeakMap<Float32Array, number>();
function sumSquares(g: Float32Array): number {
  let den = squares.get(g);
  if (den === undefined) {
    den = 0;
    for (let i = 0; i < g.length; i++) den += g[i]! * g[i]!;
    squares.set(g, den);
  }
  return den;
}

/** diffStats (sim/engine/tensors.ts, same values) of one layer's batch, plus per image whether it
 * changed (`lastDiff[i] = L`). One branch per word on |f - g| (0: equal values; finite: counted;
 * NaN / Infinity: equal infinities and NaN pairs skipped, else counted as an infinite delta);
 * squares summed in the same order, so the same values (HB: about twice as fast when most words
 * differ, as at BER 1e-5 on ResNet-18). */
function layerDiff(go: Float32Array, fo: Float32Array, n: number, L: number, lastDiff: Int32Array): { changed: number; maxAbsDelta: number; relL2: number } {
  if (go === fo) return { changed: 0, maxAbsDelta: 0, relL2: 0 };
  const size = go.length / n;
  let changed = 0, maxD = 0, num = 0, inf = false;
  for (let i = 0, k = 0; i < n; i++) {
    const before = changed;
    for (const end = k + size; k < end; k++) {
      const d = Math.abs(fo[k]! - go[k]!);
      if (d === 0) continue;
      if (d < Infinity) {
        changed++;
        if (d > maxD) maxD = d;
        num += d * d;
        continue;
      }
      const g = go[k]!, f = fo[k]!;
      if (g === f || (g !== g && f !== f)) continue; // the same infinity; NaN in both
      changed++;
      inf = true;
    }
    if (changed > before) lastDiff[i] = L;
  }
  if (inf) { maxD = Infinity; num = Infinity; }
  if (changed === 0) return { changed: 0, maxAbsDelta: 0, relL2: 0 };
  const den = sumSquares(go);
  return { changed, maxAbsDelta: maxD, relL2: den === 0 ? Infinity : Math.sqrt(num / den) };
}

/** Outcome of a full inference `f` of a corrupted copy of `g`'s network on the same images
 * (layers `f` shares with `g`, the same arrays, are unchanged without being compared). */
export function staticOutcome(g: GoldenRun, f: Pick<GoldenRun, 'layers' | 'output' | 'predictions'>, due: Uint8Array): FaultyOutcome {
  const n = g.n;
  const lastDiff = new Int32Array(n).fill(-1);
  const layers = g.layers.map((gl, L): LayerDelta => {
    const d = layerDiff(gl.output, f.layers[L]!.output, n, L, lastDiff);
    return { name: gl.name, corrupted: d.changed, total: gl.output.length, maxAbsDelta: d.maxAbsDelta, relL2: d.relL2 };
  });
  return {
    engine: null, output: f.output, predictions: f.predictions, lastDiff, due, layers,
    output1: (layer, image) => {
      const o = f.layers[layer]!.output;
      const size = o.length / n;
      return o.slice(image * size, (image + 1) * size);
    },
  };
}
