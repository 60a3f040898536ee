/**
 * The faulty side of a run in one shape (pipeline/types.ts FaultyOutcome), from the faulty engine's
 * sparse differences or from a full inference of a statically corrupted network.
 */
import type { GoldenRun } from '../sim/engine/golden';
import type { FaultyRun } from '../sim/engine/faulty';
import { diffStats, predictions } from '../sim/engine/tensors';
import type { FaultyOutcome, LayerDelta } from './types';

const differs = (a: number, b: number): boolean => a !== b && !(Number.isNaN(a) && Number.isNaN(b));

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

/** Outcome of a full inference `f` of a corrupted copy of `g`'s network on the same images. */
export function staticOutcome(g: GoldenRun, f: GoldenRun, due: Uint8Array): FaultyOutcome {
  const n = g.n;
  const lastDiff = new Int32Array(n).fill(-1);
  const layers = g.layers.map((gl, L): LayerDelta => {
    const fo = f.layers[L]!.output;
    const d = diffStats(gl.output, fo);
    if (d.changed > 0) {
      const size = gl.output.length / n;
      for (let i = 0; i < n; i++) {
        for (let k = i * size; k < (i + 1) * size; k++) if (differs(gl.output[k]!, fo[k]!)) { lastDiff[i] = L; break; }
      }
    }
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
