/** Lowering of a Network to the named GEMMs the cycle model runs (array layers only). */
import type { Network } from '../layers/types';
import { gemmShape } from '../layers/lowering';
import { inferShapes } from '../layers/shapes';
import { ok, type Result } from '../result';
import type { NamedGemm } from './cycles';

/**
 * The array layers (conv2d, dense) of `network` as named GEMMs in layer order; pooling,
 * batch-norm, add, flatten and activations run in the vector unit and take no array cycles here.
 * `batch` images multiply M (one GEMM per layer for the whole batch). Fails when shapes do not
 * infer (the reason names the layer and field).
 */
export function networkGemms(network: Network, batch = 1): Result<NamedGemm[]> {
  const shapes = inferShapes(network);
  if (!shapes.ok) return shapes;
  const out: NamedGemm[] = [];
  network.layers.forEach((layer, i) => {
    const g = gemmShape(layer, shapes.value.layers[i].inputs[0]);
    if (g !== null) out.push({ name: layer.name, gemm: { M: g.M * batch, K: g.K, N: g.N } });
  });
  return ok(out);
}
