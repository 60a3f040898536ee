/**
 * Exports a shipped model to ONNX (opset 13, NCHW input 'input', output 'output'):
 *   npx tsx scripts/export-onnx.ts [model-id=lenet5] [out=models/onnx/examples/<id>.onnx]
 * The round-trip test (test/models/onnx/roundtrip.test.ts) re-imports the same export.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadModel } from '../models/io/load';
import { networkToOnnx } from '../models/onnx/export';

const id = process.argv[2] ?? 'lenet5';
const out = process.argv[3] ?? `models/onnx/examples/${id}.onnx`;
const r = networkToOnnx(loadModel(id));
if (!r.ok) {
  process.stderr.write(`export-onnx: ${id}: ${r.reason}\n`);
  process.exit(2);
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, r.value);
process.stdout.write(`wrote ${out} (${r.value.length} bytes)\n`);
