/**
 * Per-layer int8 formats of an imported network's QLinear layers (models/onnx/opsQuant.ts): for a
 * QLinearConv / QLinearMatMul whose tensors are int8 with zero points 0 and per-tensor scales
 * 2^-n (n 0..7), ONNX's integer arithmetic is the engine's int8 arithmetic: codes q hold the values
 * q x 2^-n of Qm.n, products accumulate in int32 with nW + nX fraction bits (the int32 bias B has
 * exactly that scale), and the requantization by x_scale x w_scale / y_scale = 2^-(nX + nW - nY) is
 * the engine's shift with half-even rounding and int8 saturation. The dequantize layer before takes
 * the codes as Q7.0 and the quantize layer after returns Q7.0 codes, so the network's int8 codes
 * pass through exactly. Plugs into `GoldenOptions.layerFormats` for runs with `--format int8`.
 */
import type { Layer } from '../../sim/layers/types';
import type { OperandFormats } from '../../sim/format/accumulator';
import type { NumericFormat } from '../../sim/types';
import type { OnnxImport } from './convert';

/** Signed Qm.n with `fracBits` fraction bits (1 + m + n = 8). */
function q(fracBits: number): NumericFormat {
  return { kind: 'int8', intBits: 7 - fracBits, fracBits };
}

/** Layer formats of the mapped QLinear layers (other layers: undefined = the run's format), or null when the import has none. */
export function onnxLayerFormats(imp: Pick<OnnxImport, 'int8Fracs'>): ((layer: Layer, index: number) => OperandFormats | undefined) | null {
  if (imp.int8Fracs.size === 0) return null;
  const byName = new Map<string, OperandFormats>();
  for (const [name, f] of imp.int8Fracs) byName.set(name, { weight: q(f.weight), input: q(f.input), output: q(f.output) });
  return (layer) => byName.get(layer.name);
}
