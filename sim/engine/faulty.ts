/**
 * The faulty engine: given a golden run (fast kernel, sim/engine/golden.ts) and resolved faults,
 * recompute only what the faults reach. Array layers: every output a fault touches, and every
 * output whose receptive field contains a changed input, is recomputed twice in array order
 * (with the faults and changed inputs, and fully clean); if both agree the output keeps its golden
 * value (masked), otherwise it takes the faulty value. Vector layers with changed inputs are
 * recomputed for that image (faulty vs clean, same rule). Images no fault touches are never
 * recomputed. Results are sparse per-layer differences plus propagation statistics.
 */
import type { ArraySpec } from '../types';
import type { ConcreteFault } from '../faults/ops';
import { shapeSize } from '../layers/shapes';
import { referenceLayer } from '../layers/reference';
import { quantizeArray } from '../format/format';
import { convGeom, usesOf, type ConvGeom } from '../dataflow/scheduleGeom';
import { memoryLayout, type MemoryLayout } from '../memory/layout';
import type { GoldenRun } from './golden';
import type { GemmKernel } from '../kernels/types';
import { arrayLayerForward } from './golden-gemm';
import { planRun, type RunPlan } from './faultyPlan';
import { isArrayKind, prepareLayer, type LayerCompute } from './faultyCompute';
import { collectMods, type LayerMods } from './faultyMods';
import { recomputeArray, sameBits, type LayerFaultStats } from './faultyLayer';

export { sameBits, type LayerFaultStats } from './faultyLayer';

/** Sparse difference of one layer's output for one image (indices into the image's tensor). */
export interface LayerDiff {
  readonly image: number;
  readonly indices: Int32Array;
  readonly golden: Float32Array;
  readonly faulty: Float32Array;
}

/** Result of a faulty run. */
export interface FaultyRun {
  readonly plan: RunPlan;
  readonly layout: MemoryLayout;
  readonly faults: readonly ConcreteFault[];
  /** Inferences in the run. */
  readonly nImages: number;
  /** Images whose computation a fault reached (sorted). */
  readonly touchedImages: readonly number[];
  /** Per concrete fault: GEMM terms / output words it touched. */
  readonly faultTouches: readonly number[];
  readonly layers: readonly LayerFaultStats[];
  /** Per layer: differences per image (only images with a difference). */
  readonly diffs: readonly LayerDiff[][];
  /** Cycles of one inference and of the whole run. */
  readonly cycles: { readonly inference: number; readonly total: number };
  /** Faulty output of layer `layer` for `image` (a fresh copy; golden where nothing changed). */
  output(layer: number, image: number): Float32Array;
}

/** Options of the faulty engine. */
export interface FaultyOptions {
  /** Fast kernel for layers where many outputs are recomputed only because their inputs changed:
   * the layer is recomputed for that image on the kernel from the faulty and from the golden inputs
   * and an output changes iff the two differ. Without it, such outputs are recomputed in array order. */
  readonly kernel?: GemmKernel;
  /** Share of a layer's outputs (per image) above which the kernel path is used (default 0.1). */
  readonly kernelShare?: number;
  /** Least array-order work (outputs x K MACs, summed over a chunk of images) for the kernel path
   * (default 100,000): below it the per-call overhead of the kernel exceeds the JS loop. */
  readonly kernelMinMacs?: number;
  /** Images processed together, layer by layer (default: up to 256, about 16 Mi activation values):
   * bounds memory and batches kernel calls. */
  readonly chunk?: number;
}

/** Per-image state while a chunk of images goes through the layers. */
interface ImageState {
  readonly img: number;
  readonly mods: Map<number, LayerMods>;
  readonly faulty: (Float32Array | null)[];
  readonly changed: (number[] | null)[];
}

/** Runs the faulty engine over a golden run. `spec` gives the array (its format must match the golden run). */
export function runFaulty(golden: GoldenRun, spec: ArraySpec, faults: readonly ConcreteFault[], options: FaultyOptions = {}): FaultyRun {
  const network = golden.network;
  const plan = planRun(network, spec);
  const layout = memoryLayout(spec, network, plan);
  const n = golden.n;
  const geoms: (ConvGeom | null)[] = network.layers.map((l, i) => (isArrayKind(l) ? convGeom(l, plan.layers[i].inShape, plan.layers[i].outShape) : null));
  // prepared lazily: only layers an image's faults or changes reach pay for weight encoding
  const prepared: (LayerCompute | null)[] = network.layers.map(() => null);
  const computeOf = (i: number): LayerCompute | null => {
    const l = network.layers[i];
    if (!isArrayKind(l)) return null;
    return (prepared[i] ??= prepareLayer(l, plan.layers[i], golden.layers[i].formats));
  };
  const mods = collectMods(plan, geoms, layout, faults, n);
  const stats: LayerFaultStats[] = plan.layers.map((l) => ({
    layer: l.index, name: l.name, corrupted: 0, total: n * shapeSize(l.outShape), maxAbsDelta: 0, relL2: 0,
    recomputed: 0, maskedInArray: 0, maskedByActivation: 0, maskedDownstream: 0,
    masker: ((ly) => ('activation' in ly ? ly.activation.kind : ly.kind))(network.layers[l.index]),
  }));
  const diffs: LayerDiff[][] = plan.layers.map(() => []);
  const diffIndex = new Map<string, LayerDiff>();
  const touched: number[] = [];
  const sq = plan.layers.map(() => ({ d: 0, g: 0 }));
  const size = plan.layers.map((l) => shapeSize(l.outShape));
  const gOut = (layer: number, img: number): Float32Array => golden.layers[layer].output.subarray(img * size[layer], (img + 1) * size[layer]);
  // images per chunk: at most 256, and about 16 Mi activation values held at once
  const perImage = size.reduce((a, b) => a + b, 0);
  const chunk = Math.max(1, options.chunk ?? Math.min(256, Math.floor(2 ** 24 / Math.max(1, perImage))));
  const share = options.kernelShare ?? 0.1;
  const minMacs = options.kernelMinMacs ?? 100_000;
  for (let c0 = 0; c0 < mods.candidates.length; c0 += chunk) {
    const states: ImageState[] = [];
    for (const img of mods.candidates.slice(c0, c0 + chunk)) {
      const layerMods = mods.modsFor(img);
      if (!layerMods) continue;
      touched.push(img);
      states.push({ img, mods: layerMods, faulty: plan.layers.map(() => null), changed: plan.layers.map(() => null) });
    }
    for (const run of plan.layers) {
      const L = run.index;
      const gl = golden.layers[L];
      const ins = run.inputIndices;
      const active = states.filter((s) => s.mods.has(L) || ins.some((j) => j >= 0 && s.changed[j] !== null));
      if (active.length === 0) continue;
      const st = stats[L];
      const inLen = shapeSize(run.inShape);
      const outLen = size[L];
      const goldIn = (s: ImageState, q: number): Float32Array => gl.inputs[q].subarray(s.img * inLen, (s.img + 1) * inLen);
      const faultyIn = (s: ImageState, q: number): Float32Array => {
        const j = ins[q];
        const src = j >= 0 ? s.faulty[j] : null;
        return src ? (gl.formats.input.kind === 'fp32' ? src : quantizeArray(gl.formats.input, src)) : goldIn(s, q);
      };
      const outs = active.map((s) => gOut(L, s.img).slice());
      const chs: number[][] = active.map(() => []);
      const lc = computeOf(L);
      if (lc) {
        const g = lc.geom;
        const softmax = lc.layer.activation.kind === 'softmax';
        const todos: Set<number>[] = [];
        const downs: number[][] = [];
        active.forEach((s) => {
          const lm = s.mods.get(L);
          const direct = lm ? lm.keys() : new Set<number>();
          const todo = new Set<number>(direct);
          const j0 = ins[0];
          if (j0 >= 0 && s.changed[j0]) {
            for (const e of s.changed[j0]!) {
              const uses = usesOf(g, e);
              for (let u = 0; u < uses.length; u += 2) for (let nn = 0; nn < g.N; nn++) todo.add(uses[u] * g.N + nn);
            }
          }
          todos.push(todo);
          // softmax couples a pixel's outputs: pixels with a direct fault stay whole in array order
          const softPix = softmax ? new Set([...direct].map((i) => Math.floor(i / g.N))) : null;
          downs.push([...todo].filter((i) => !direct.has(i) && !(softPix && softPix.has(Math.floor(i / g.N)))));
        });
        // images whose downstream-only outputs go through the kernel, batched over the chunk
        const viaKernel = active.map((_, q) => downs[q].length > share * g.M * g.N);
        const work = downs.reduce((a, d, q) => a + (viaKernel[q] ? d.length * g.K : 0), 0);
        if (options.kernel && work >= minMacs) {
          const sel = active.map((_, q) => q).filter((q) => viaKernel[q]);
          const bF = new Float32Array(sel.length * inLen);
          const bG = new Float32Array(sel.length * inLen);
          sel.forEach((q, r) => {
            bF.set(faultyIn(active[q], 0), r * inLen);
            bG.set(goldIn(active[q], 0), r * inLen);
          });
          const fo = arrayLayerForward(lc.layer, bF, sel.length, run.inShape, lc.formats, options.kernel, true).output;
          const co = arrayLayerForward(lc.layer, bG, sel.length, run.inShape, lc.formats, options.kernel, true).output;
          sel.forEach((q, r) => {
            const base = r * outLen;
            for (const idx of downs[q]) {
              todos[q].delete(idx);
              st.recomputed++;
              if (sameBits(fo[base + idx], co[base + idx])) st.maskedDownstream++;
              else {
                outs[q][idx] = fo[base + idx];
                chs[q].push(idx);
              }
            }
          });
        }
        active.forEach((s, q) => {
          const xG = goldIn(s, 0);
          const xF = ins[0] >= 0 && s.faulty[ins[0]] ? faultyIn(s, 0) : xG; // same object: no upstream change
          recomputeArray(lc, xG, xF, todos[q], s.mods.get(L) ?? null, outs[q], chs[q], st);
        });
      } else {
        // vector-unit layer: the whole layer for the active images, faulty and clean inputs
        const layer = network.layers[L];
        const batch = (get: (s: ImageState, q: number) => Float32Array, q: number): Float32Array => {
          const b = new Float32Array(active.length * inLen);
          active.forEach((s, r) => b.set(get(s, q), r * inLen));
          return b;
        };
        const fo = quantizeArray(gl.formats.output, referenceLayer(layer, ins.map((_, q) => batch(faultyIn, q)), gl.inShapes, gl.outShape, active.length));
        const co = quantizeArray(gl.formats.output, referenceLayer(layer, ins.map((_, q) => batch(goldIn, q)), gl.inShapes, gl.outShape, active.length));
        active.forEach((s, q) => {
          const base = q * outLen;
          for (let e = 0; e < outLen; e++) {
            if (!sameBits(fo[base + e], co[base + e])) {
              outs[q][e] = fo[base + e];
              chs[q].push(e);
            }
          }
          const inChanged = ins.reduce((a, j) => a + (j >= 0 && s.changed[j] ? s.changed[j]!.length : 0), 0);
          if (chs[q].length === 0) st.maskedDownstream += inChanged;
        });
      }
      active.forEach((s, q) => {
        const ch = chs[q];
        if (ch.length === 0) return;
        const out = outs[q];
        const gO = gOut(L, s.img);
        ch.sort((a, b) => a - b);
        s.faulty[L] = out;
        s.changed[L] = ch;
        const d: LayerDiff = { image: s.img, indices: Int32Array.from(ch), golden: Float32Array.from(ch, (e) => gO[e]), faulty: Float32Array.from(ch, (e) => out[e]) };
        diffs[L].push(d);
        diffIndex.set(`${L}:${s.img}`, d);
        st.corrupted += ch.length;
        for (const e of ch) {
          const delta = Math.abs(out[e] - gO[e]);
          st.maxAbsDelta = Number.isNaN(delta) || Number.isNaN(st.maxAbsDelta) ? NaN : Math.max(st.maxAbsDelta, delta);
          sq[L].d += delta * delta;
        }
      });
    }
  }
  // golden norms only where something changed, over the touched images
  sq.forEach((q, L) => {
    if (q.d === 0) return;
    for (const img of touched) {
      const gO = gOut(L, img);
      for (let e = 0; e < gO.length; e++) q.g += gO[e] * gO[e];
    }
  });
  for (const d of diffs) d.sort((a, b) => a.image - b.image);
  stats.forEach((s, L) => {
    s.relL2 = sq[L].d === 0 ? 0 : Math.sqrt(sq[L].d) / Math.sqrt(sq[L].g);
  });
  return {
    plan, layout, faults, nImages: n, touchedImages: touched, faultTouches: mods.touches, layers: stats, diffs,
    cycles: { inference: plan.inferenceCycles, total: plan.inferenceCycles * n },
    output(layer, image) {
      const o = gOut(layer, image).slice();
      const d = diffIndex.get(`${layer}:${image}`);
      if (d) d.indices.forEach((e, q) => (o[e] = d.faulty[q]));
      return o;
    },
  };
}

