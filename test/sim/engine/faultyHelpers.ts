/** Small networks and specs shared by the fault tests (seeded, deterministic). */
import type { ArraySpec, Dataflow, NumericFormat } from '../../../sim/types';
import type { Network, Padding } from '../../../sim/layers/types';

/** Deterministic pseudo-random Float32Array in [-1, 1) (LCG), for weights/inputs. */
export function seeded(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = Math.fround(((s / 2 ** 32) * 2 - 1) * scale);
  }
  return a;
}

/** An array spec with small SRAMs (KiB) for tests. */
export function spec(rows: number, cols: number, dataflow: Dataflow, format: NumericFormat = { kind: 'fp32' }, kib = 4): ArraySpec {
  return { rows, cols, dataflow, format, sram: { weightKiB: kib, ifmapKiB: kib, ofmapKiB: kib, banks: 2 } };
}

const P0: Padding = { top: 0, bottom: 0, left: 0, right: 0 };
const P1: Padding = { top: 1, bottom: 1, left: 1, right: 1 };

/** Tiny conv net: 6x6x2 input, conv 3x3 (pad 1) to 3 channels + relu, maxpool 2, flatten, dense 27->4. */
export function tinyNet(seed = 1, act: 'relu' | 'linear' = 'relu'): Network {
  return {
    name: 'tiny',
    input: { h: 6, w: 6, c: 2 },
    layers: [
      { kind: 'conv2d', name: 'conv', kh: 3, kw: 3, inC: 2, outC: 3, strideH: 1, strideW: 1, padding: P1,
        weights: seeded(3 * 3 * 2 * 3, seed), bias: seeded(3, seed + 1, 0.1), activation: { kind: act } },
      { kind: 'maxpool', name: 'pool', ph: 2, pw: 2, strideH: 2, strideW: 2, padding: P0 },
      { kind: 'flatten', name: 'flat' },
      { kind: 'dense', name: 'fc', inF: 27, outF: 4, weights: seeded(27 * 4, seed + 2), bias: null, activation: { kind: 'linear' } },
    ],
  };
}

/** Single dense layer K -> N (linear). */
export function denseNet(K: number, N: number, seed = 3): Network {
  return {
    name: 'dense', input: { h: 1, w: 1, c: K },
    layers: [{ kind: 'dense', name: 'fc', inF: K, outF: N, weights: seeded(K * N, seed), bias: null, activation: { kind: 'linear' } }],
  };
}

/** Single conv layer (stride 1, no padding, linear) on an h x w x inC input. */
export function convNet(h: number, w: number, inC: number, outC: number, k: number, seed = 5): Network {
  return {
    name: 'conv', input: { h, w, c: inC },
    layers: [{ kind: 'conv2d', name: 'conv', kh: k, kw: k, inC, outC, strideH: 1, strideW: 1, padding: P0,
      weights: seeded(k * k * inC * outC, seed), bias: null, activation: { kind: 'linear' } }],
  };
}

import type { GemmKernel } from '../../../sim/kernels/types';
import { runGolden, type GoldenRun } from '../../../sim/engine/golden';
import { runFaulty, type FaultyOptions, type FaultyRun } from '../../../sim/engine/faulty';
import { applyScrubs, resolveFaults, type ScrubEvent } from '../../../sim/faults/resolve';
import type { FaultRecord } from '../../../sim/faults/types';
import type { ConcreteFault } from '../../../sim/faults/ops';
import { referenceRunFull } from '../../reference/cycleSim';
import { shapeSize } from '../../../sim/layers/shapes';

/** A GEMM kernel that sums in array order (k ascending, fround(acc + fround(a*b))), so the golden
 * run equals the array's order bit for bit and engine and reference can be compared everywhere. */
export const arrayOrderKernel: GemmKernel = {
  name: 'js',
  matmul(a, b, M, K, N) {
    const out = new Float32Array(M * N);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s = Math.fround(s + Math.fround(a[i * K + k] * b[k * N + j]));
      out[i * N + j] = s;
    }
    return out;
  },
  dispose: () => undefined,
};

/** Engine vs reference on one scenario. */
export interface Checked {
  readonly golden: GoldenRun;
  readonly engine: FaultyRun;
  readonly reference: Float32Array[];
  /** Per image: the reference's DUE flag (ECC detected an uncorrectable read). */
  readonly referenceDue: Uint8Array;
  readonly faults: ConcreteFault[];
}

/** Runs golden, the faulty engine and the cycle reference on the same faults. */
export function runBoth(net: Network, s: ArraySpec, images: Float32Array, records: readonly FaultRecord[], seed = 1, opts: FaultyOptions = {}, scrubs: readonly ScrubEvent[] = []): Checked {
  const r = resolveFaults(s, records, seed);
  if (!r.ok) throw new Error(r.reason);
  const g = runGolden(net, images, s, arrayOrderKernel, { useConv2d: false });
  if (!g.ok) throw new Error(g.reason);
  // the engine sees scrubs through the resolved faults; the reference rewrites its words
  const engine = runFaulty(g.value, s, applyScrubs(r.value, scrubs), opts);
  const ref = referenceRunFull(net, s, images, r.value, { scrubs });
  return { golden: g.value, engine, reference: ref.outputs, referenceDue: ref.due, faults: r.value };
}

/** Bit patterns of a Float32Array (for exact comparisons, NaN included). */
export const bitsOf = (a: Float32Array): number[] => Array.from(new Uint32Array(a.slice().buffer));

/** Per layer and image: [engine bits, reference bits, golden bits]. */
export function layerBits(c: Checked, layer: number, image: number): { engine: number[]; reference: number[]; golden: number[] } {
  const size = c.golden.layers[layer].output.length / c.golden.n;
  void shapeSize;
  return {
    engine: bitsOf(c.engine.output(layer, image)),
    reference: bitsOf(c.reference[layer].subarray(image * size, (image + 1) * size)),
    golden: bitsOf(c.golden.layers[layer].output.subarray(image * size, (image + 1) * size)),
  };
}

/** Residual net: conv a (pad 1) -> conv b (pad 1) -> add(a, b) + relu -> flatten -> dense 32->3. */
export function residualNet(seed = 7): Network {
  return {
    name: 'residual', input: { h: 4, w: 4, c: 2 },
    layers: [
      { kind: 'conv2d', name: 'a', kh: 3, kw: 3, inC: 2, outC: 2, strideH: 1, strideW: 1, padding: P1, weights: seeded(36, seed), bias: null, activation: { kind: 'relu' } },
      { kind: 'conv2d', name: 'b', kh: 3, kw: 3, inC: 2, outC: 2, strideH: 1, strideW: 1, padding: P1, weights: seeded(36, seed + 1), bias: seeded(2, seed + 2, 0.1), activation: { kind: 'linear' } },
      { kind: 'add', name: 'sum', inputs: ['a', 'b'], activation: { kind: 'relu' } },
      { kind: 'flatten', name: 'flat' },
      { kind: 'dense', name: 'fc', inF: 32, outF: 3, weights: seeded(96, seed + 3), bias: null, activation: { kind: 'linear' } },
    ],
  };
}
