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
import {
  applyOutMods, computeAcc, finishSoftmax, finishValue, inputOperands, isArrayKind, preActivation, prepareLayer, type LayerCompute,
} from './faultyCompute';
import { collectMods, type LayerMods } from './faultyMods';

/** Sparse difference of one layer's output for one image (indices into the image's tensor). */
export interface LayerDiff {
  readonly image: number;
  readonly indices: Int32Array;
  readonly golden: Float32Array;
  readonly faulty: Float32Array;
}

/** Propagation statistics of one layer over the whole run. */
export interface LayerFaultStats {
  readonly layer: number;
  readonly name: string;
  /** Output values (all images) that differ from golden. */
  corrupted: number;
  /** Output values in the run (images x layer size). */
  readonly total: number;
  /** Largest |faulty - golden| (Infinity / NaN when a value became non-finite). */
  maxAbsDelta: number;
  /** ||faulty - golden||2 / ||golden||2 over the images a fault touched (0 if none). */
  relL2: number;
  /** Outputs recomputed in array order. */
  recomputed: number;
  /** Touched by a fault but the array-order sum is unchanged (e.g. a flipped weight met a 0 input). */
  maskedInArray: number;
  /** Sum changed but the stored output is equal (ReLU of a negative value, a clip bound, rounding). */
  maskedByActivation: number;
  /** Recomputed because inputs changed (no direct fault), yet unchanged (vector layers: pooling etc.). */
  maskedDownstream: number;
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

const f32 = new Float32Array(2);
const u32 = new Uint32Array(f32.buffer);
/** Bit-exact equality of two values as fp32 (NaN payloads included). */
export function sameBits(a: number, b: number): boolean {
  f32[0] = a;
  f32[1] = b;
  return u32[0] === u32[1];
}

/** Options of the faulty engine. */
export interface FaultyOptions {
  /** Fast kernel for layers where many outputs are recomputed only because their inputs changed:
   * the layer is recomputed for that image on the kernel from the faulty and from the golden inputs
   * and an output changes iff the two differ. Without it, such outputs are recomputed in array order. */
  readonly kernel?: GemmKernel;
  /** Share of a layer's outputs (per image) above which the kernel path is used (default 0.1). */
  readonly kernelShare?: number;
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
  }));
  const diffs: LayerDiff[][] = plan.layers.map(() => []);
  const diffIndex = new Map<string, LayerDiff>();
  const touched: number[] = [];
  const sq = plan.layers.map(() => ({ d: 0, g: 0 }));
  const size = plan.layers.map((l) => shapeSize(l.outShape));
  const gOut = (layer: number, img: number): Float32Array => golden.layers[layer].output.subarray(img * size[layer], (img + 1) * size[layer]);
  for (const img of mods.candidates) {
    const layerMods = mods.modsFor(img);
    if (!layerMods) continue;
    touched.push(img);
    const faulty: (Float32Array | null)[] = plan.layers.map(() => null);
    const changed: (number[] | null)[] = plan.layers.map(() => null);
    plan.layers.forEach((run, L) => {
      const gl = golden.layers[L];
      const ins = run.inputIndices;
      const anyIn = ins.some((j) => j >= 0 && changed[j] !== null);
      const lm = layerMods.get(L) ?? null;
      if (!anyIn && !lm) return;
      const st = stats[L];
      const gO = gOut(L, img);
      const out = gO.slice();
      const ch: number[] = [];
      const inLen = shapeSize(run.inShape);
      const goldIn = (q: number): Float32Array => gl.inputs[q].subarray(img * inLen, (img + 1) * inLen);
      const faultyIn = (q: number): Float32Array => {
        const j = ins[q];
        const src = j >= 0 ? faulty[j] : null;
        return src ? (gl.formats.input.kind === 'fp32' ? src : quantizeArray(gl.formats.input, src)) : goldIn(q);
      };
      const lc = computeOf(L);
      if (lc) {
        const g = lc.geom;
        const xG = goldIn(0);
        const xF = faultyIn(0);
        const direct = lm ? lm.keys() : new Set<number>();
        const todo = new Set<number>(direct);
        const j0 = ins[0];
        if (j0 >= 0 && changed[j0]) {
          for (const e of changed[j0]!) {
            const uses = usesOf(g, e);
            for (let u = 0; u < uses.length; u += 2) for (let nn = 0; nn < g.N; nn++) todo.add(uses[u] * g.N + nn);
          }
        }
        const share = options.kernelShare ?? 0.1;
        const downstream = [...todo].filter((i) => !direct.has(i));
        if (options.kernel && lc.layer.activation.kind !== 'softmax' && downstream.length > share * g.M * g.N) {
          const fo = arrayLayerForward(lc.layer, xF, 1, run.inShape, lc.formats, options.kernel, true).output;
          const co = arrayLayerForward(lc.layer, xG, 1, run.inShape, lc.formats, options.kernel, true).output;
          for (const idx of downstream) {
            todo.delete(idx);
            st.recomputed++;
            if (sameBits(fo[idx], co[idx])) st.maskedDownstream++;
            else {
              out[idx] = fo[idx];
              ch.push(idx);
            }
          }
        }
        recomputeArray(lc, xG, xF, todo, lm, out, ch, st);
      } else {
        const layer = network.layers[L];
        const xsF = ins.map((_, q) => faultyIn(q));
        const xsG = ins.map((_, q) => goldIn(q));
        const fo = quantizeArray(gl.formats.output, referenceLayer(layer, xsF, gl.inShapes, gl.outShape, 1));
        const co = quantizeArray(gl.formats.output, referenceLayer(layer, xsG, gl.inShapes, gl.outShape, 1));
        for (let e = 0; e < fo.length; e++) {
          if (!sameBits(fo[e], co[e])) {
            out[e] = fo[e];
            ch.push(e);
          }
        }
        const inChanged = ins.reduce((s, j) => s + (j >= 0 && changed[j] ? changed[j]!.length : 0), 0);
        if (ch.length === 0) st.maskedDownstream += inChanged;
      }
      if (ch.length === 0) return;
      ch.sort((a, b) => a - b);
      faulty[L] = out;
      changed[L] = ch;
      const d: LayerDiff = { image: img, indices: Int32Array.from(ch), golden: Float32Array.from(ch, (e) => gO[e]), faulty: Float32Array.from(ch, (e) => out[e]) };
      diffs[L].push(d);
      diffIndex.set(`${L}:${img}`, d);
      st.corrupted += ch.length;
      for (const e of ch) {
        const delta = Math.abs(out[e] - gO[e]);
        st.maxAbsDelta = Number.isNaN(delta) || Number.isNaN(st.maxAbsDelta) ? NaN : Math.max(st.maxAbsDelta, delta);
        sq[L].d += delta * delta;
      }
    });
    for (let L = 0; L < plan.layers.length; L++) {
      const gO = gOut(L, img);
      for (let e = 0; e < gO.length; e++) sq[L].g += gO[e] * gO[e];
    }
  }
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

/** Recomputes the outputs in `todo` of one array layer for one image; writes changes into `out`/`ch`. */
function recomputeArray(lc: LayerCompute, xG: Float32Array, xF: Float32Array, todo: Set<number>, lm: LayerMods | null, out: Float32Array, ch: number[], st: LayerFaultStats): void {
  const N = lc.geom.N;
  const opG = inputOperands(lc, xG);
  const opF = xF === xG ? opG : inputOperands(lc, xF);
  const softmax = lc.layer.activation.kind === 'softmax';
  if (softmax) {
    const pixels = new Set<number>();
    for (const idx of todo) pixels.add(Math.floor(idx / N));
    const preF = new Float32Array(N);
    const preC = new Float32Array(N);
    const vF = new Float32Array(N);
    const vC = new Float32Array(N);
    for (const m of pixels) {
      for (let nn = 0; nn < N; nn++) {
        const mods = lm?.get(m * N + nn) ?? null;
        preF[nn] = preActivation(lc, computeAcc(lc, xF, opF, m, nn, mods), nn);
        preC[nn] = preActivation(lc, computeAcc(lc, xG, opG, m, nn, null), nn);
      }
      finishSoftmax(lc, preF, vF, 0);
      finishSoftmax(lc, preC, vC, 0);
      for (let nn = 0; nn < N; nn++) {
        st.recomputed++;
        const f = applyOutMods(lc.formats.output, vF[nn], lm?.get(m * N + nn) ?? null);
        if (!sameBits(f, vC[nn])) {
          out[m * N + nn] = f;
          ch.push(m * N + nn);
        } else if (lm?.has(m * N + nn)) st.maskedByActivation++;
        else st.maskedDownstream++;
      }
    }
    return;
  }
  for (const idx of todo) {
    const m = Math.floor(idx / N);
    const nn = idx - m * N;
    const mods = lm?.get(idx) ?? null;
    const aF = computeAcc(lc, xF, opF, m, nn, mods);
    const aC = computeAcc(lc, xG, opG, m, nn, null);
    const vF = applyOutMods(lc.formats.output, finishValue(lc, preActivation(lc, aF, nn), nn), mods);
    const vC = finishValue(lc, preActivation(lc, aC, nn), nn);
    st.recomputed++;
    if (!sameBits(vF, vC)) {
      out[idx] = vF;
      ch.push(idx);
    } else if (!mods) st.maskedDownstream++;
    else if (Object.is(aF, aC)) st.maskedInArray++;
    else st.maskedByActivation++;
  }
}
