/** Topology -> list of named GEMMs for the cycle model. */
import type { NamedGemm } from '../cycles/cycles';
import { topologyLayerToGemm } from './csv';
import type { Topology } from './types';

/** The named GEMMs of a topology, in file order (SCALE-Sim operand mapping of each row). */
export function topologyToGemms(t: Topology): NamedGemm[] {
  return t.layers.map((l) => ({ name: l.name, gemm: topologyLayerToGemm(l) }));
}
