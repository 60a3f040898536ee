/**
 * Shared fixture of the protection-training tests: a tiny seeded conv net on 6x6x1 "images" with
 * 3 classes decided by which third holds the bright bar, its data sets, and a spec parser that throws.
 */
import type { Network } from '../../../sim/layers/types';
import { makeRng } from '../../../models/rng';
import type { Dataset } from '../../../models/data/dataset';
import { parseProtection, type ProtectionSpec } from '../../../models/protections/spec';

/** The parsed protection `id` (throws on a bad id). */
export const prot = (id: string): ProtectionSpec => {
  const r = parseProtection(id);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

/** conv 3x3x1->4 (relu), maxpool 2x2, flatten, dense 36->8 (relu), dense 8->3 (softmax); weights normal from `seed`. */
export function tinyNet(seed: number): Network {
  const rng = makeRng(seed);
  const g = (n: number, s: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * s);
  return {
    name: 'tiny', input: { h: 6, w: 6, c: 1 },
    layers: [
      { kind: 'conv2d', name: 'c1', kh: 3, kw: 3, inC: 1, outC: 4, strideH: 1, strideW: 1, padding: { top: 1, bottom: 1, left: 1, right: 1 }, weights: g(36, 0.5), bias: g(4, 0.1), activation: { kind: 'relu' } },
      { kind: 'maxpool', name: 'p1', ph: 2, pw: 2, strideH: 2, strideW: 2, padding: { top: 0, bottom: 0, left: 0, right: 0 } },
      { kind: 'flatten', name: 'f' },
      { kind: 'dense', name: 'd1', inF: 36, outF: 8, weights: g(288, 0.3), bias: g(8, 0.1), activation: { kind: 'relu' } },
      { kind: 'dense', name: 'd2', inF: 8, outF: 3, weights: g(24, 0.5), bias: null, activation: { kind: 'softmax' } },
    ],
  };
}

/** `n` images of the tiny task from `seed`: noise 0..0.1 plus 0.9 on the label's third of the columns. */
export function tinyData(n: number, seed: number): Dataset {
  const r = makeRng(seed);
  const images = new Float32Array(n * 36);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = r.int(0, 2);
    labels[i] = c;
    for (let p = 0; p < 36; p++) images[i * 36 + p] = 0.1 * r.float() + (Math.floor((p % 6) / 2) === c ? 0.9 : 0);
  }
  return { n, shape: { h: 6, w: 6, c: 1 }, images, labels, classes: ['0', '1', '2'] };
}
