/**
 * Per-layer pieces of the faulty engine: propagation statistics, bit-exact comparison and the
 * array-order recompute of a set of outputs of one array layer for one image.
 */
import { applyOutMods, computeAcc, computeAccPair, finishSoftmax, finishValue, inputOperands, preActivation, type LayerCompute } from './faultyCompute';
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

/** Recomputes the outputs in `todo` of one array layer for one image; writes changes into `out`/`ch`. */
export function recomputeArray(lc: LayerCompute, xG: Float32Array, xF: Float32Array, todo: Set<number>, lm: LayerMods | null, out: Float32Array, ch: number[], st: LayerFaultStats): void {
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
    const [aF, aC] = mods && xF === xG ? computeAccPair(lc, xF, opF, m, nn, mods) : [computeAcc(lc, xF, opF, m, nn, mods), computeAcc(lc, xG, opG, m, nn, null)];
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
