/**
 * Shared set-up of the ResNet rows of sections (b2) and (c2): the shipped ResNet-18/50 with batch
 * norm folded into the convolutions (foldBatchNorm: what the hardware runs and what the ONNX
 * importer produces), seeded random images in 0..1, and the run pipeline's default kernel.
 * Files starting with '_' are not loaded as sections by bench/run.ts; this one exports no sections.
 */
import { loadModel } from '../../models/io/load';
import { makeRng } from '../../models/rng';
import { foldBatchNorm } from '../../sim/layers/batchnorm';
import type { Network } from '../../sim/layers/types';
import type { GemmKernel } from '../../sim/kernels/types';
import { kernelFor, resolveKernelName } from '../../pipeline/kernels';

/** ResNet-18 (seeded weights) with its batch norms folded into the convolutions. */
export const resnet18Folded = (): Network => foldBatchNorm(loadModel('resnet18'));

/** ResNet-50 (seeded weights) with its batch norms folded into the convolutions. */
export const resnet50Folded = (): Network => foldBatchNorm(loadModel('resnet50'));

/** `n` images of the network's input shape, uniform in 0..1 from `seed`. */
export function randomImages(net: Network, n: number, seed: number): Float32Array {
  const rng = makeRng(seed);
  const { h, w, c } = net.input;
  return Float32Array.from({ length: n * h * w * c }, () => rng.float());
}

/** The kernel the run pipeline uses by default. */
export async function defaultKernel(): Promise<GemmKernel> {
  const name = resolveKernelName(undefined);
  if (!name.ok) throw new Error(name.reason);
  const k = await kernelFor(name.value);
  if (!k.ok) throw new Error(k.reason);
  return k.value;
}
