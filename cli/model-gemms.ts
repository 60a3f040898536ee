/** GEMMs of a Faultline model-registry architecture (models/nets), for the cycle model. */
import { ARCHITECTURES, getArch } from '../models/nets';
import { inferArch } from '../models/nets/arch';
import type { NamedGemm } from '../sim/cycles';
import { CliError } from './errors';
import { isOnnxPath } from '../models/onnx/file';
import { loadModelResult } from '../models/io/load';
import { networkGemms } from '../sim/cycles/network';

/** Ids of the architectures in the model registry (models/nets), sorted. */
export function modelIds(): string[] {
  return Object.keys(ARCHITECTURES).sort();
}

/**
 * Array layers of model `id` as named GEMMs, per image: conv M = Ho*Wo (with the model's own
 * padding), K = k*k*inC, N = outC; dense M = 1, K = inputs, N = outputs. Throws CliError for an
 * unknown id or an inconsistent architecture.
 */
export function modelGemms(id: string): NamedGemm[] {
  if (isOnnxPath(id)) {
    // an imported .onnx file: its array layers (one GEMM per channel group of grouped convs)
    const r = loadModelResult(id);
    if (!r.ok) throw new CliError(`--${r.reason}`);
    const g = networkGemms(r.value.net);
    if (!g.ok) throw new CliError(`--model ${id}: ${g.reason}`);
    return g.value;
  }
  const arch = getArch(id);
  if (arch === undefined) throw new CliError(`--model: expected one of ${modelIds().join(', ')}, found "${id}"`);
  let infos: ReturnType<typeof inferArch>;
  try {
    infos = inferArch(arch);
  } catch (e) {
    throw new CliError(`--model ${id}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const out: NamedGemm[] = [];
  for (const { layer, in: inp, out: o } of infos) {
    if (layer.kind === 'conv2d') out.push({ name: layer.name, gemm: { M: o.h * o.w, K: layer.k * layer.k * inp.c, N: layer.outC } });
    else if (layer.kind === 'dense') out.push({ name: layer.name, gemm: { M: 1, K: inp.h * inp.w * inp.c, N: layer.outF } });
  }
  return out;
}
