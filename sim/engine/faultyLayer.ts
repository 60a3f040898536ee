/**
 * Per-layer pieces of the faulty engine: propagation statistics, bit-exact comparison, the
 * array-order recompute of a set of outputs of one array layer for one image, and one array layer
 * over the active images of a chunk (direct outputs in array order, downstream-only outputs batched
 * through the kernel).
 */
import type { GemmKernel } from '../kernels/types';
import { usesOf, type ConvGeom } from '../dataflow/scheduleGeom';
import { arrayLayerForward } from './golden-gemm';
import { applyOutMods, computeAcc, computeAccPair, finishSoftmax, finishValue, inputOperands, preActivation, productsUnchanged, rowOf, type LayerCompute } from './faultyCompute';
import { batchable, batchWeightPairs } from './faultyBatch';
import type { LayerMods } from './faultyMods';

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
  /** What masks in this layer: the activation of an array layer ('relu', 'clip', ...) or the kind
   * of a vector-unit layer ('maxpool', 'add', ...); labels the masked counts above. */
  readonly masker: string;
}

const f32 = new Float32Array(2);
const u32 = new Uint32Array(f32.buffer);
/** Bit-exact equality of two values as fp32 (NaN payloads included). */
export function sameBits(a: number, b: number): boolean {
  f32[0] = a;
  f32[1] = b;
  return u32[0] === u32[1];
}

/** Per-image state while a chunk of images goes through the layers. */
export interface ImageState {
  readonly img: number;
  /** Mods per array layer (a LayerMods may be shared by images that see the same faults). */
  readonly mods: Map<number, LayerMods>;
  /** Faulty output per layer (null: golden). */
  readonly faulty: (Float32Array | null)[];
  /** Changed output indices per layer, ascending (null: none). */
  readonly changed: (Int32Array | null)[];
}

/** Kernel-path settings of arrayStep (FaultyOptions). */
export interface KernelPath {
  readonly kernel?: GemmKernel;
  readonly kernelShare?: number;
  readonly kernelMinMacs?: number;
}

/** Reusable per-layer marks (row stamps), sized to the layer's M. */
export interface StepScratch {
  readonly rowMark: Int32Array;
  readonly pixMark: Int32Array;
  epoch: number;
}

/** Scratch buffers for an array layer of geometry `g`. */
export function stepScratch(g: ConvGeom): StepScratch {
  return { rowMark: new Int32Array(g.M), pixMark: new Int32Array(g.M), epoch: 0 };
}

const NONE = new Int32Array(0);

/**
 * One array layer for the active images of a chunk. Outputs a fault touches directly are
 * recomputed in array order (faulty and clean, masking rule); outputs recomputed only because
 * their inputs changed go through the kernel, batched over every such image, when their share and
 * work are large enough (an output changes iff the kernel's faulty and clean results differ), else
 * in array order. Changes are appended to `chs[q]` / `vals[q]` (index, faulty value).
 */
export function arrayStep(
  lc: LayerCompute, active: readonly ImageState[], ins: readonly number[], inLen: number, outLen: number,
  goldIn: (s: ImageState, q: number) => Float32Array, faultyIn: (s: ImageState, q: number) => Float32Array,
  chs: number[][], vals: number[][], st: LayerFaultStats, options: KernelPath, sc: StepScratch,
): void {
  const g = lc.geom;
  const N = g.N;
  const L = st.layer;
  const softmax = lc.layer.activation.kind === 'softmax';
  const share = options.kernelShare ?? 0.1;
  const minMacs = options.kernelMinMacs ?? 100_000;
  const j0 = ins[0];
  const directs: Int32Array[] = [];
  const downs: number[][] = [];
  let work = 0;
  for (const s of active) {
    const lm = s.mods.get(L);
    const direct = lm ? lm.keyList() : NONE;
    const chIn = j0 >= 0 ? s.changed[j0] : null;
    const down: number[] = [];
    if (chIn) {
      // rows (output pixels) reading a changed input; their outputs minus the direct ones
      const ep = ++sc.epoch;
      const dm = sc.pixMark;
      let di = 0;
      if (lc.layer.kind === 'dense') sc.rowMark[0] = ep; // one output row reads every input
      else {
        for (const e of chIn) {
          const uses = usesOf(g, e);
          for (let u = 0; u < uses.length; u += 2) sc.rowMark[uses[u]] = ep;
        }
      }
      if (softmax) for (const i of direct) dm[Math.floor(i / N)] = ep; // softmax: pixels with a direct fault stay whole in array order
      for (let m = 0; m < g.M; m++) {
        if (sc.rowMark[m] !== ep) continue;
        if (softmax && dm[m] === ep) continue;
        const base = m * N;
        while (di < direct.length && direct[di] < base) di++;
        for (let nn = 0; nn < N; nn++) {
          if (di < direct.length && direct[di] === base + nn) {
            di++;
            continue;
          }
          down.push(base + nn);
        }
      }
    }
    directs.push(direct);
    downs.push(down);
    if (down.length > share * g.M * N) work += down.length * g.K;
  }
  const viaKernel = options.kernel !== undefined && work >= minMacs;
  if (viaKernel) {
    const sel: number[] = [];
    downs.forEach((d, q) => {
      if (d.length > share * g.M * N) sel.push(q);
    });
    // one kernel call: the selected images' faulty inputs, then their golden inputs
    const S = sel.length;
    const b = new Float32Array(2 * S * inLen);
    sel.forEach((q, r) => {
      b.set(faultyIn(active[q], 0), r * inLen);
      b.set(goldIn(active[q], 0), (S + r) * inLen);
    });
    const inShape = { h: g.inH, w: g.inW, c: g.inC };
    const fo = arrayLayerForward(lc.layer, b, 2 * S, inShape, lc.formats, options.kernel!, true).output;
    const fu = new Uint32Array(fo.buffer, fo.byteOffset, fo.length);
    const cu = fu.subarray(S * outLen);
    sel.forEach((q, r) => {
      const base = r * outLen;
      const d = downs[q];
      st.recomputed += d.length;
      for (const idx of d) {
        if (fu[base + idx] === cu[base + idx]) st.maskedDownstream++;
        else {
          chs[q].push(idx);
          vals[q].push(fo[base + idx]);
        }
      }
      downs[q] = [];
    });
  }
  // direct outputs of images without an upstream change, grouped by their (shared) mods: the
  // array-order pairs of a group's images are computed together (interleaved chains)
  const groups = new Map<LayerMods, number[]>();
  if (!softmax) {
    active.forEach((s, q) => {
      const lm = s.mods.get(L);
      if (!lm || directs[q].length === 0 || (j0 >= 0 && s.faulty[j0])) return;
      const list = groups.get(lm);
      if (list) list.push(q);
      else groups.set(lm, [q]);
    });
  }
  for (const [lm, qs] of groups) {
    const left = groupDirect(lc, lm, qs.map((q) => goldIn(active[q], 0)), qs, chs, vals, st);
    qs.forEach((q, i) => (directs[q] = left[i]));
  }
  active.forEach((s, q) => {
    const direct = directs[q];
    const down = downs[q];
    if (direct.length === 0 && down.length === 0) return;
    const todo = down.length === 0 ? direct : [...direct, ...down];
    const xG = goldIn(s, 0);
    const xF = j0 >= 0 && s.faulty[j0] ? faultyIn(s, 0) : xG; // same object: no upstream change
    recomputeArray(lc, xG, xF, todo, s.mods.get(L) ?? null, chs[q], vals[q], st);
  });
}

/**
 * Direct outputs of the images `qs` (inputs `xs`, golden) that share the mods `lm`: outputs whose
 * mods are batchable are settled here (masking rule, stats, changes into chs/vals); returns per
 * image the outputs left for recomputeArray.
 */
function groupDirect(lc: LayerCompute, lm: LayerMods, xs: Float32Array[], qs: readonly number[], chs: number[][], vals: number[][], st: LayerFaultStats): Int32Array[] {
  const N = lc.geom.N;
  const rest: number[] = [];
  const accF = new Float64Array(xs.length);
  const accC = new Float64Array(xs.length);
  const sel: number[] = [];
  const selX: Float32Array[] = [];
  for (const idx of lm.keyList()) {
    const mods = lm.get(idx)!;
    if (!batchable(lc, mods)) {
      rest.push(idx);
      continue;
    }
    const m = Math.floor(idx / N);
    const nn = idx - m * N;
    sel.length = 0;
    selX.length = 0;
    for (let i = 0; i < xs.length; i++) {
      st.recomputed++;
      // unchanged products: the accumulation is the clean one (masked in the array)
      if (productsUnchanged(lc, xs[i], xs[i], m, nn, mods)) st.maskedInArray++;
      else {
        sel.push(i);
        selX.push(xs[i]);
      }
    }
    if (sel.length === 0) continue;
    batchWeightPairs(lc, rowOf(lc, m), selX, nn, mods, accF, accC);
    sel.forEach((i, r) => {
      const aF = accF[r];
      const aC = accC[r];
      const vF = applyOutMods(lc.formats.output, finishValue(lc, preActivation(lc, aF, nn), nn), mods);
      const vC = finishValue(lc, preActivation(lc, aC, nn), nn);
      if (!sameBits(vF, vC)) {
        chs[qs[i]].push(idx);
        vals[qs[i]].push(vF);
      } else if (Object.is(aF, aC)) st.maskedInArray++;
      else st.maskedByActivation++;
    });
  }
  const left = Int32Array.from(rest);
  return qs.map(() => left);
}

/** Recomputes the outputs in `todo` of one array layer for one image; appends changes to `ch`/`vals`. */
export function recomputeArray(lc: LayerCompute, xG: Float32Array, xF: Float32Array, todo: ArrayLike<number>, lm: LayerMods | null, ch: number[], vals: number[], st: LayerFaultStats): void {
  const N = lc.geom.N;
  const opG = inputOperands(lc, xG);
  const opF = xF === xG ? opG : inputOperands(lc, xF);
  const softmax = lc.layer.activation.kind === 'softmax';
  if (softmax) {
    const pixels = new Set<number>();
    for (let t = 0; t < todo.length; t++) pixels.add(Math.floor(todo[t] / N));
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
          ch.push(m * N + nn);
          vals.push(f);
        } else if (lm?.has(m * N + nn)) st.maskedByActivation++;
        else st.maskedDownstream++;
      }
    }
    return;
  }
  for (let t = 0; t < todo.length; t++) {
    const idx = todo[t];
    const m = Math.floor(idx / N);
    const nn = idx - m * N;
    const mods = lm?.get(idx) ?? null;
    st.recomputed++;
    // a fault whose modified products all equal the clean ones (e.g. a flipped weight times a zero
    // input) leaves the whole accumulation unchanged: masked in the array, nothing to recompute
    if (mods && xF === xG && productsUnchanged(lc, xF, opF, m, nn, mods)) {
      st.maskedInArray++;
      continue;
    }
    const [aF, aC] = mods && xF === xG ? computeAccPair(lc, xF, opF, m, nn, mods) : [computeAcc(lc, xF, opF, m, nn, mods), computeAcc(lc, xG, opG, m, nn, null)];
    const vF = applyOutMods(lc.formats.output, finishValue(lc, preActivation(lc, aF, nn), nn), mods);
    const vC = finishValue(lc, preActivation(lc, aC, nn), nn);
    if (!sameBits(vF, vC)) {
      ch.push(idx);
      vals.push(vF);
    } else if (!mods) st.maskedDownstream++;
    else if (Object.is(aF, aC)) st.maskedInArray++;
    else st.maskedByActivation++;
  }
}
