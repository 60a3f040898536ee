/**
 * Up-front memory estimate of an engine run (golden + faulty) and the cap check that refuses a run
 * before it allocates (issue 8: resource limits). The estimate counts the float32 tensors the engine
 * keeps for the whole run — the input batch, every layer's golden output for the whole batch (what
 * `GoldenLayer.output` holds), converted input copies when the format is not fp32, pre-activations of
 * softmax layers, each array layer's weights twice (stored and effective) — plus the largest transient
 * im2col operand of one layer, and, for a faulty run, a second copy of the per-layer outputs (the
 * faulty tensors of touched images; all images in the worst case). Pure: callers read the cap from
 * options or the FAULTLINE_MEMORY_CAP_MB environment variable and pass it in.
 */
import type { Network, Shape3 } from '../layers/types';
import type { NumericFormat } from '../types';
import { inferShapes, shapeSize } from '../layers/shapes';
import { fail, ok, type Result } from '../result';

/** Bytes per stored value (the engine keeps float32 tensors for every format). */
const F32 = 4;
/** Default cap of one run (MiB) when neither an option nor FAULTLINE_MEMORY_CAP_MB sets one. */
export const DEFAULT_MEMORY_CAP_MB = 4096;
/** Environment variable holding the cap in MiB. */
export const MEMORY_CAP_ENV = 'FAULTLINE_MEMORY_CAP_MB';

/** One layer's share of the estimate (bytes). */
export interface LayerMemory {
  readonly index: number;
  readonly name: string;
  /** Golden output for the whole batch (plus a faulty copy when `faulty`), bytes. */
  readonly tensors: number;
  /** Stored + effective weights, bytes (array layers; 0 otherwise). */
  readonly weights: number;
  /** im2col operand of the whole batch while the layer runs, bytes (transient). */
  readonly transient: number;
}

/** The estimate of a run (bytes). */
export interface MemoryEstimate {
  /** Images in the batch. */
  readonly images: number;
  /** Total estimate: batch + kept tensors + weights + the largest transient, bytes. */
  readonly bytes: number;
  readonly batch: number;
  readonly layers: readonly LayerMemory[];
}

/** What is run: a faulty run keeps faulty tensors too (default true); a non-fp32 format keeps converted inputs. */
export interface EstimateOptions {
  readonly faulty?: boolean;
  readonly format?: NumericFormat;
}

/** Estimates the memory of running `network` on `images` images (bytes; see the module doc for what is counted). */
export function estimateRunMemory(network: Network, images: number, options: EstimateOptions = {}): Result<MemoryEstimate> {
  const faulty = options.faulty ?? true;
  if (!Number.isInteger(images) || images < 1) return fail(`images: expected an integer >= 1, found ${images}`, 'images');
  const shapes = inferShapes(network);
  if (!shapes.ok) return shapes;
  const fp32 = (options.format?.kind ?? 'fp32') === 'fp32';
  const layers: LayerMemory[] = network.layers.map((layer, i) => {
    const ls = shapes.value.layers[i]!;
    const out = shapeSize(ls.output) * images * F32;
    let tensors = out * (faulty ? 2 : 1);
    let weights = 0;
    let transient = 0;
    if (layer.kind === 'conv2d' || layer.kind === 'dense') {
      weights = 2 * layer.weights.length * F32;
      const inS: Shape3 = ls.inputs[0]!;
      const K = layer.kind === 'conv2d' ? layer.kh * layer.kw * layer.inC : shapeSize(inS);
      const M = layer.kind === 'conv2d' ? ls.output.h * ls.output.w : 1;
      transient = images * M * K * F32;
      if (layer.activation.kind === 'softmax') tensors += out;
    }
    if (!fp32) tensors += ls.inputs.reduce((s, x) => s + shapeSize(x) * images * F32, 0);
    return { index: i, name: layer.name, tensors, weights, transient };
  });
  const batch = shapeSize(network.input) * images * F32;
  const kept = layers.reduce((s, l) => s + l.tensors + l.weights, 0);
  const peak = layers.reduce((m, l) => Math.max(m, l.transient), 0);
  return ok({ images, bytes: batch + kept + peak, batch, layers });
}

/** Bytes as MiB with one decimal, for messages. */
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Parses a cap in MiB from an option or environment value (undefined or '' = DEFAULT_MEMORY_CAP_MB);
 * `source` names it in the error.
 */
export function parseMemoryCapMb(value: string | number | undefined, source = MEMORY_CAP_ENV): Result<number> {
  if (value === undefined || value === '') return ok(DEFAULT_MEMORY_CAP_MB);
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n <= 0) return fail(`${source}: expected a memory cap in MiB > 0, found "${value}"`, source);
  return ok(n);
}

/**
 * Refuses a run whose estimate exceeds `capMb` MiB, before anything is allocated. The reason carries
 * the estimate, the cap, the largest layers and how to raise the cap.
 */
export function checkMemoryCap(network: Network, images: number, capMb: number, options: EstimateOptions = {}): Result<MemoryEstimate> {
  const est = estimateRunMemory(network, images, options);
  if (!est.ok) return est;
  const cap = capMb * 2 ** 20;
  if (est.value.bytes <= cap) return est;
  const top = [...est.value.layers].sort((a, b) => b.tensors + b.weights - (a.tensors + a.weights)).slice(0, 3)
    .map((l) => `${l.name} ${mib(l.tensors + l.weights)}`).join(', ');
  const perImage = est.value.bytes / images;
  const fits = Math.max(0, Math.floor(cap / perImage));
  return fail(
    `memory: this run needs about ${mib(est.value.bytes)} (${images} image(s); largest layers: ${top}), over the cap of ${mib(cap)}; ` +
      `run at most ${fits} image(s) or raise the cap (--memory-cap-mb or ${MEMORY_CAP_ENV})`,
    'memory',
  );
}
