/**
 * Turns a weight-free `Arch` into a sim `Network` with seeded He-normal weights
 * (std = sqrt(2 / fan_in), fan_in = kh*kw*inC for conv, inF for dense), zero biases, and batch norm
 * in inference form with scale 1 and shift 0. Deterministic for a given (arch, seed).
 */
import type { Layer, Network } from '../../sim/layers/types';
import { makeRng } from '../rng';
import { type Arch, inferArch } from './arch';

/** Default seed for architecture-only weights. */
export const DEFAULT_INIT_SEED = 1234;

/** Allocates and initialises all weights of `arch` (memory: 4 bytes per parameter). */
export function materialize(arch: Arch, seed = DEFAULT_INIT_SEED): Network {
  const rng = makeRng(seed);
  const he = (n: number, fanIn: number): Float32Array => {
    const a = new Float32Array(n);
    const std = Math.sqrt(2 / fanIn);
    for (let i = 0; i < n; i++) a[i] = rng.normal() * std;
    return a;
  };
  const layers: Layer[] = inferArch(arch).map(({ layer: l, in: inS, padding }): Layer => {
    const base = l.inputs ? { name: l.name, inputs: l.inputs } : { name: l.name };
    switch (l.kind) {
      case 'conv2d': {
        const fanIn = l.k * l.k * inS.c;
        return {
          ...base, kind: 'conv2d', kh: l.k, kw: l.k, inC: inS.c, outC: l.outC, strideH: l.stride, strideW: l.stride, padding,
          weights: he(fanIn * l.outC, fanIn), bias: l.bias ? new Float32Array(l.outC) : null, activation: l.activation,
        };
      }
      case 'dense': {
        const inF = inS.h * inS.w * inS.c;
        return { ...base, kind: 'dense', inF, outF: l.outF, weights: he(inF * l.outF, inF), bias: l.bias ? new Float32Array(l.outF) : null, activation: l.activation };
      }
      case 'maxpool':
      case 'avgpool':
        return { ...base, kind: l.kind, ph: l.size, pw: l.size, strideH: l.stride, strideW: l.stride, padding };
      case 'batchnorm':
        return { ...base, kind: 'batchnorm', scale: new Float32Array(inS.c).fill(l.initScale ?? 1), shift: new Float32Array(inS.c), activation: l.activation ?? { kind: 'linear' } };
      case 'add':
        return { ...base, kind: 'add', activation: l.activation ?? { kind: 'linear' } };
      case 'activation':
        return { ...base, kind: 'activation', activation: l.activation ?? { kind: 'linear' } };
      case 'globalavgpool':
        return { ...base, kind: 'globalavgpool' };
      case 'flatten':
        return { ...base, kind: 'flatten' };
    }
  });
  return arch.classes ? { name: arch.name, input: arch.input, layers, classes: arch.classes } : { name: arch.name, input: arch.input, layers };
}
