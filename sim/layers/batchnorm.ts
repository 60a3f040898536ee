/**
 * Batch-norm folding: a conv2d/dense with a linear activation and no weight transform, whose
 * only consumer is a batchnorm (y = x*scale + shift per channel), becomes one layer with
 * w' = w*scale[n], b' = b*scale + shift and the batchnorm's activation. The folded layer keeps the
 * conv's name; later references to the batchnorm's name are renamed to it.
 */
import type { Layer, Network } from './types';
import { resolveInputs } from './shapes';

/** Returns a new network with foldable batch norms merged into their producers (input is not mutated). */
export function foldBatchNorm(network: Network): Network {
  const ids = resolveInputs(network);
  if (!ids.ok) return network;
  const consumers = new Array<number>(network.layers.length).fill(0);
  for (const list of ids.value) for (const j of list) if (j >= 0) consumers[j]++;
  const folded = new Map<number, Layer>(); // producer index -> folded layer
  const dropped = new Map<string, string>(); // batchnorm name -> producer name
  network.layers.forEach((bn, i) => {
    if (bn.kind !== 'batchnorm') return;
    const p = ids.value[i][0];
    if (p < 0 || p !== i - 1) return; // only an immediately preceding producer keeps implicit inputs valid
    const prod = network.layers[p];
    if (prod.kind !== 'conv2d' && prod.kind !== 'dense') return;
    if (consumers[p] !== 1 || prod.activation.kind !== 'linear' || (prod.weightTransform ?? 'none') !== 'none') return;
    const n = prod.kind === 'conv2d' ? prod.outC : prod.outF;
    const w = new Float32Array(prod.weights.length);
    for (let e = 0; e < w.length; e++) w[e] = prod.weights[e] * bn.scale[e % n];
    const b = new Float32Array(n);
    for (let c = 0; c < n; c++) b[c] = (prod.bias ? prod.bias[c] : 0) * bn.scale[c] + bn.shift[c];
    folded.set(p, { ...prod, weights: w, bias: b, activation: bn.activation });
    dropped.set(bn.name, prod.name);
  });
  if (dropped.size === 0) return network;
  const layers: Layer[] = [];
  network.layers.forEach((l, i) => {
    if (l.kind === 'batchnorm' && dropped.has(l.name)) return;
    const base = folded.get(i) ?? l;
    layers.push(base.inputs ? { ...base, inputs: base.inputs.map((name) => dropped.get(name) ?? name) } : base);
  });
  return { ...network, layers };
}
