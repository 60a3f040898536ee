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
import type { Layer, Shape3 } from '../layers/types';
import type { ConcreteFault } from '../faults/ops';
import { shapeSize } from '../layers/shapes';
import { referenceLayer } from '../layers/reference';
import { addTensors } from '../layers/ops';
import { reluInPlace } from '../layers/activations';
import { quantizeArray } from '../format/format';
import { convGeom, type ConvGeom } from '../dataflow/scheduleGeom';
import { memoryLayout, type MemoryLayout } from '../memory/layout';
import type { GoldenRun } from './golden';
import type { GemmKernel } from '../kernels/types';
import { planRun, type RunPlan } from './faultyPlan';
import { isArrayKind, prepareLayer, type LayerCompute, type LayerEcc } from './faultyCompute';
import { hasEcc, wordCodec } from '../memory/ecc';
import { eccCorrectedAlways } from './faultyEcc';
import { collectMods } from './faultyMods';
import { Changes, LayerCounts, type ImageState, type LayerFaultStats } from './faultyLayer';
import { DiffStore, type LayerDiff } from './faultyDiffs';
import { arrayStep, stepScratch, type KernelRows, type StepScratch } from './faultyStep';

export { sameBits, type LayerFaultStats } from './faultyLayer';

export type { LayerDiff } from './faultyDiffs';

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
  /** Per image: 1 when a read of an ECC-protected SRAM word detected an uncorrectable error (a DUE:
   * the inference is flagged, its outputs are what the array computed from the data bits as read). */
  readonly due: Uint8Array;
  /** Images with a DUE (ascending). */
  readonly dueImages: readonly number[];
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
  /** Take the golden outputs as the kernel's clean results when the kernel is batch invariant and
   * computed the golden run (default true; false: always recompute them, for comparison). */
  readonly reuseGolden?: boolean;
  /** Array-order chains of direct outputs in WebAssembly (default true; false: JavaScript). */
  readonly useWasm?: boolean;
}

/** States of the chunk that layer L must process: a fault of theirs reaches L, or an input changed. */
function activeStates(states: readonly ImageState[], L: number, ins: readonly number[]): ImageState[] {
  const out: ImageState[] = [];
  for (const s of states) {
    let on = s.mods.has(L);
    for (let i = 0; !on && i < ins.length; i++) on = ins[i] >= 0 && s.changed[ins[i]] !== null;
    if (on) out.push(s);
  }
  return out;
}

/** Every output of one image whose faulty (`fu`, bits of `fo`) and clean (`cu`) words differ, from `base`. */
function compareAll(fo: Float32Array, fu: Uint32Array, cu: Uint32Array, base: number, len: number, log: Changes, q: number): void {
  for (let e = 0; e < len; e++) if (fu[base + e] !== cu[base + e]) log.push(q, e, fo[base + e]);
}

/** A vector-unit layer on `n` images: referenceLayer, or for max pooling the kernel's maxPool when
 * it has one (equal to the reference pool bit for bit, NaN and -0 included: GemmKernel.maxPool). */
function vectorForward(layer: Layer, inputs: Float32Array[], inShapes: readonly Shape3[], outShape: Shape3, n: number, k: GemmKernel | undefined): Float32Array {
  if (layer.kind === 'maxpool' && k?.maxPool) return k.maxPool(inputs[0], n, inShapes[0], layer.ph, layer.pw, layer.strideH, layer.strideW, layer.padding);
  if (layer.kind === 'add' && inputs.length === 2 && (layer.activation.kind === 'relu' || layer.activation.kind === 'linear')) {
    // referenceLayer's add (fround(a + b)), then its relu in place: one allocation, not two
    const out = addTensors(inputs[0], inputs[1]);
    if (layer.activation.kind === 'relu') reluInPlace(out);
    return out;
  }
  return referenceLayer(layer, inputs, inShapes, outShape, n);
}

/** Whether a[a0..a0+len) and b[b0..b0+len) hold the same bits (stops at the first difference). */
function sameRow(a: Uint32Array, a0: number, b: Uint32Array, b0: number, len: number): boolean {
  for (let e = 0; e < len; e++) if (a[a0 + e] !== b[b0 + e]) return false;
  return true;
}

/** Per golden tensor: single images' sums of squares, once computed (NaN: not yet). A golden run
 * is fixed, so campaign trials of one image on a cached golden run pay each sum once. */
const imageSquares = new WeakMap<Float32Array, Float64Array>();

/** Sum of squares of the images `imgs` (ascending) of a batch tensor of `size` values per image
 * (one running sum over the images in order; a single image's is cached). */
function sumSquares(t: Float32Array, size: number, imgs: readonly number[]): number {
  let per: Float64Array | undefined;
  if (imgs.length === 1) {
    per = imageSquares.get(t);
    if (!per) imageSquares.set(t, (per = new Float64Array(t.length / size).fill(NaN)));
    if (!Number.isNaN(per[imgs[0]])) return per[imgs[0]];
  }
  let s = 0;
  for (const img of imgs) for (let e = img * size; e < (img + 1) * size; e++) s += t[e] * t[e];
  if (per) per[imgs[0]] = s;
  return s;
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
    return (prepared[i] ??= prepareLayer(l, plan.layers[i], golden.layers[i].formats, golden.layers[i].weights, ecc));
  };
  const codec = (sram: 'weightSram' | 'ifmapSram' | 'ofmapSram'): ReturnType<typeof wordCodec> | null => (hasEcc(spec, sram) ? wordCodec(layout.wordBits) : null);
  const ecc: LayerEcc = { w: codec('weightSram'), x: codec('ifmapSram'), out: codec('ofmapSram') };
  const due = new Uint8Array(n);
  // faults an SRAM's ECC always corrects (the only error ever in their word: one bit) reach nothing
  const mods = collectMods(plan, geoms, layout, faults, n, spec.ecc ? eccCorrectedAlways(spec, faults) : undefined);
  const counts = plan.layers.map((l) => new LayerCounts(l.index));
  const touched: number[] = [];
  // statistics: counters in LayerCounts (one stable hidden class for the hot code), floating-point
  // sums apart; the LayerFaultStats objects are built at the end
  const store = new DiffStore(plan.layers.length, counts);
  const { maxAbs, sqD } = store;
  const sqG = new Float64Array(plan.layers.length); // sum of squared golden values (touched images)
  const size = plan.layers.map((l) => shapeSize(l.outShape));
  const gOut = (layer: number, img: number): Float32Array => golden.layers[layer].output.subarray(img * size[layer], (img + 1) * size[layer]);
  // images per chunk: at most 256, and about 16 Mi activation values held at once
  const perImage = size.reduce((a, b) => a + b, 0);
  const chunk = Math.max(1, options.chunk ?? Math.min(256, Math.floor(2 ** 24 / Math.max(1, perImage))));
  // the golden run's array-layer calls, repeated by the kernel path; its clean half is skipped when
  // the golden rows are that call's results (the same batch-invariant kernel)
  const path = golden.layerPath ?? { useConv2d: true, keepPreActivation: false };
  const k = options.kernel;
  const reusable = options.reuseGolden !== false && k?.batchInvariant === true && golden.kernel === k.name && golden.layerPath !== undefined;
  // vector layers: the golden run's outputs are their clean results (goldenStep computes them as
  // referenceLayer does; a kernel's maxPool equals the reference pool bit for bit)
  const vectorReuse = options.reuseGolden !== false && golden.layerPath !== undefined;
  const scratches = new Map<number, StepScratch>();
  const scratch = (L: number, g: ConvGeom): StepScratch => {
    let sc = scratches.get(L);
    if (!sc) scratches.set(L, (sc = stepScratch(g)));
    return sc;
  };
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
      const active = activeStates(states, L, ins);
      if (active.length === 0) continue;
      const st = counts[L];
      const inLen = shapeSize(run.inShape);
      const outLen = size[L];
      const goldIn = (s: ImageState, q: number): Float32Array => gl.inputs[q].subarray(s.img * inLen, (s.img + 1) * inLen);
      const faultyIn = (s: ImageState, q: number): Float32Array => {
        const j = ins[q];
        const src = j >= 0 ? s.faulty[j] : null;
        return src ? (gl.formats.input.kind === 'fp32' ? src : quantizeArray(gl.formats.input, src)) : goldIn(s, q);
      };
      // changed outputs (image slot, index, faulty value) of the active images
      const log = new Changes(active.length);
      const lc = computeOf(L);
      let kernelRows: KernelRows | null = null;
      if (lc) kernelRows = arrayStep(lc, active, ins, inLen, outLen, goldIn, faultyIn, log, st, options, scratch(L, lc.geom), { output: gl.output, useConv2d: path.useConv2d, keepPreActivation: path.keepPreActivation, reusable });
      else {
        // vector-unit layer: the whole layer for the active images, faulty and clean inputs
        const layer = network.layers[L];
        const batch = (get: (s: ImageState, q: number) => Float32Array, q: number): Float32Array => {
          if (active.length === 1) return get(active[0], q); // read only: no copy
          const b = new Float32Array(active.length * inLen);
          active.forEach((s, r) => b.set(get(s, q), r * inLen));
          return b;
        };
        // a fresh array (no layer returns its input): rounded to the output format in place
        const vo = vectorForward(layer, ins.map((_, q) => batch(faultyIn, q)), gl.inShapes, gl.outShape, active.length, k);
        const fo = quantizeArray(gl.formats.output, vo, vo);
        const fu = new Uint32Array(fo.buffer, fo.byteOffset, fo.length);
        const inChanged = (s: ImageState): number => ins.reduce((a, j) => a + (j >= 0 && s.changed[j] ? s.changed[j]!.length : 0), 0);
        if (vectorReuse) {
          // the golden run computed this layer with the same arithmetic (goldenStep): its outputs
          // are the clean results, and the faulty rows are the images' faulty tensors (an output
          // changed iff its bits differ from golden)
          const gu = new Uint32Array(gl.output.buffer, gl.output.byteOffset, gl.output.length);
          const rowOf = new Int32Array(active.length);
          active.forEach((s, q) => {
            rowOf[q] = q;
            if (sameRow(fu, q * outLen, gu, s.img * outLen, outLen)) st.maskedDownstream += inChanged(s);
          });
          kernelRows = { buf: fo, rowOf }; // read only from here on (no log entries are applied to it)
        } else {
          const co = quantizeArray(gl.formats.output, referenceLayer(layer, ins.map((_, q) => batch(goldIn, q)), gl.inShapes, gl.outShape, active.length));
          const cu = new Uint32Array(co.buffer, co.byteOffset, co.length);
          active.forEach((s, q) => {
            compareAll(fo, fu, cu, q * outLen, outLen, log, q);
            if (log.counts[q] === 0) st.maskedDownstream += inChanged(s);
          });
        }
      }
      for (let q = 0; q < active.length; q++) if (log.due[q]) due[active[q].img] = 1;
      // changed images' faulty tensors and diffs (one block of typed arrays per layer and chunk)
      store.addChunk(L, active, log, gl.output, outLen, kernelRows);
    }
  }
  // golden norms only where something changed, over the touched images
  for (let L = 0; L < plan.layers.length; L++) {
    if (sqD[L] === 0) continue;
    sqG[L] = sumSquares(golden.layers[L].output, size[L], touched);
  }
  const stats: LayerFaultStats[] = plan.layers.map((l, L) => ({
    layer: l.index, name: l.name, corrupted: counts[L].corrupted, total: n * size[L],
    maxAbsDelta: maxAbs[L], relL2: sqD[L] === 0 ? 0 : Math.sqrt(sqD[L]) / Math.sqrt(sqG[L]),
    recomputed: counts[L].recomputed, maskedInArray: counts[L].maskedInArray, maskedByActivation: counts[L].maskedByActivation,
    maskedDownstream: counts[L].maskedDownstream,
    masker: ((ly) => ('activation' in ly ? ly.activation.kind : ly.kind))(network.layers[l.index]),
  }));
  return {
    plan, layout, faults, nImages: n, touchedImages: touched, faultTouches: mods.touches, layers: stats,
    get diffs() {
      return store.diffs();
    },
    cycles: { inference: plan.inferenceCycles, total: plan.inferenceCycles * n },
    due,
    dueImages: Array.from(due.keys()).filter((i) => due[i] === 1),
    output(layer, image) {
      const o = gOut(layer, image).slice();
      store.applyTo(layer, image, o);
      return o;
    },
  };
}

