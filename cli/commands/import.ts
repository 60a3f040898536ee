/**
 * `faultline import`: reads an .onnx file, converts it to a simulator network and prints its
 * layers (kind, output shape, GEMM per image), what was folded or lowered, and how to use it.
 *   faultline import model.onnx [--json]
 * Any command taking `--model <id>` also takes `--model path/to/model.onnx` (models/io/load.ts).
 */
import type { Command } from 'commander';
import { importOnnxFile } from '../../models/onnx/file';
import type { OnnxImport } from '../../models/onnx/convert';
import { gemmShape } from '../../sim/layers/lowering';
import { inferShapes } from '../../sim/layers/shapes';
import { CliError } from '../errors';
import { renderTable } from '../table';

/** One layer of the import summary. */
export interface ImportedLayer {
  readonly name: string;
  readonly kind: string;
  /** Output shape h x w x c (NHWC, per image). */
  readonly out: string;
  /** GEMM per image on the array (M x K x N), '' for vector-unit layers. */
  readonly gemm: string;
  /** Weights held in the weight SRAM (values). */
  readonly params: number;
}

/** Imports `file` and summarises it; throws CliError (exit 2) with the importer's reason. */
export function importSummary(file: string): { imported: OnnxImport; layers: ImportedLayer[] } {
  const r = importOnnxFile(file);
  if (!r.ok) throw new CliError(`import: ${r.reason}`);
  const net = r.value.network;
  const shapes = inferShapes(net);
  if (!shapes.ok) throw new CliError(`import: ${file}: the converted network is inconsistent: ${shapes.reason}`);
  const layers = net.layers.map((l, i) => {
    const ls = shapes.value.layers[i];
    const g = gemmShape(l, ls.inputs[0]);
    return {
      name: l.name, kind: l.kind, out: `${ls.output.h}x${ls.output.w}x${ls.output.c}`, gemm: g ? `${g.M}x${g.K}x${g.N}` : '',
      params: l.kind === 'conv2d' || l.kind === 'dense' ? l.weights.length + (l.bias?.length ?? 0) : 0,
    };
  });
  return { imported: r.value, layers };
}

/** Registers `import` on the program. */
export function register(program: Command): void {
  program
    .command('import')
    .description('import an ONNX model (.onnx): check every operator, print the simulator layers; use the file with --model <path.onnx>')
    .argument('<file>', 'ONNX model file (.onnx, weights inside the file)')
    .option('--json', 'print the summary as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const { imported, layers } = importSummary(file);
      const net = imported.network;
      const inDims = imported.input.layout.dims.join('x');
      const params = layers.reduce((a, l) => a + l.params, 0);
      if (opts.json === true) {
        process.stdout.write(`${JSON.stringify({ name: net.name, opset: imported.opset, input: { name: imported.input.name, nchw: imported.input.layout.dims, nhwc: net.input }, output: imported.output.name, params, layers, notes: imported.notes }, null, 2)}\n`);
        return;
      }
      const rows = layers.map((l, i) => [i, l.name, l.kind, l.out, l.gemm, l.params]);
      process.stdout.write([
        `${file}: ${net.name}, ai.onnx opset ${imported.opset}, ${layers.length} layers, ${params} parameters`,
        `input '${imported.input.name}' ${inDims} (ONNX, per image) -> ${net.input.h}x${net.input.w}x${net.input.c} NHWC; output '${imported.output.name}'`,
        renderTable(['#', 'Layer', 'Kind', 'Out HxWxC', 'GEMM MxKxN', 'Params'], rows),
        ...imported.notes.map((n) => `note: ${n}`),
        `use it with: faultline run --model ${file} ... (also faultline cycles --model ${file}, campaign "models")`,
      ].join('\n') + '\n');
    });
}
