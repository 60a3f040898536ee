/**
 * Runner of ONNX's backend node tests (Debian libonnx-testdata: data/node/test_*) through the
 * importer and the golden engine. A node test belongs to operator X when its graph is one X node.
 * Graph inputs after the first are bound as initializers (the network has one runtime input;
 * weights, scales and shapes are constants). Comparison: fp32 |got - want| <= ATOL + RTOL*|want|;
 * integer outputs (uint8/int8 codes) within one code.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { convertModel, decodeModel, decodeTensor, fromNhwc, SUPPORTED_OPS, toNhwc, type OnnxTensor } from '../../../models/onnx';
import { runGolden } from '../../../sim/engine/golden';
import { createJsKernel } from '../../../sim/kernels/js';

const { onnx } = onnxProto;

/** Where Debian's libonnx-testdata puts the node tests. */
export const NODE_DIR = '/usr/share/libonnx-testdata/data/node';
/** fp32 tolerance (ONNX's backend test runner uses rtol 1e-3, atol 1e-7; ours is tighter in rtol). */
export const RTOL = 1e-4;
export const ATOL = 1e-5;

/** Outcome of one test data set. */
export type NodeOutcome =
  | { readonly test: string; readonly op: string; readonly status: 'pass'; readonly maxErr: number }
  | { readonly test: string; readonly op: string; readonly status: 'refused'; readonly reason: string }
  | { readonly test: string; readonly op: string; readonly status: 'mismatch'; readonly reason: string };

const readPb = (file: string): OnnxTensor => {
  const r = decodeTensor(onnx.TensorProto.decode(readFileSync(file)), file);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

/** Node-test directories whose graph is a single supported operator, with that operator. */
export function supportedNodeTests(dir = NODE_DIR): { test: string; op: string }[] {
  const out: { test: string; op: string }[] = [];
  for (const test of readdirSync(dir).sort()) {
    const file = join(dir, test, 'model.onnx');
    if (!existsSync(file)) continue;
    const m = decodeModel(readFileSync(file), file);
    if (!m.ok || m.value.nodes.length !== 1) continue;
    const op = m.value.nodes[0].opType;
    if (op !== 'Constant' && SUPPORTED_OPS.includes(op)) out.push({ test, op });
  }
  return out;
}

/** Runs every data set of one node test; one outcome per data set. */
export function runNodeTest(test: string, op: string, dir = NODE_DIR): NodeOutcome[] {
  const base = join(dir, test);
  const decoded = decodeModel(readFileSync(join(base, 'model.onnx')));
  if (!decoded.ok) return [{ test, op, status: 'refused', reason: decoded.reason }];
  const outcomes: NodeOutcome[] = [];
  for (const set of readdirSync(base).filter((d) => d.startsWith('test_data_set_')).sort()) {
    const files = readdirSync(join(base, set)).sort();
    const read = (prefix: string, i: number): OnnxTensor => readPb(join(base, set, files.filter((f) => f.startsWith(prefix))[i]));
    const m = decoded.value;
    const initializers = new Map(m.initializers);
    m.inputs.slice(1).forEach((v, i) => initializers.set(v.name, { ...read('input_', i + 1), name: v.name }));
    // the importer judges the graph first (optional / sequence inputs are refused before any data is read)
    const imp = convertModel({ ...m, inputs: m.inputs.slice(0, 1), initializers, outputs: m.outputs.slice(0, 1) });
    if (!imp.ok) {
      outcomes.push({ test, op, status: 'refused', reason: imp.reason });
      continue;
    }
    const x = read('input_', 0);
    const wants = [read('output_', 0)];
    const n = x.dims.length > 1 ? x.dims[0] : 1;
    const batch = toNhwc(x.data, imp.value.input.layout, n);
    const g = runGolden(imp.value.network, batch, { format: { kind: 'fp32' } }, createJsKernel());
    if (!g.ok) {
      outcomes.push({ test, op, status: 'mismatch', reason: `golden run failed: ${g.reason}` });
      continue;
    }
    const got = fromNhwc(g.value.output, imp.value.output.layout, n);
    const want = wants[0];
    const isInt = want.dataType !== 1 && want.dataType !== 11;
    if (got.length !== want.data.length) {
      outcomes.push({ test, op, status: 'mismatch', reason: `${got.length} output values, expected ${want.data.length}` });
      continue;
    }
    let maxErr = 0;
    let bad = -1;
    for (let i = 0; i < got.length; i++) {
      const e = Math.abs(got[i] - want.data[i]);
      if (!(e <= (isInt ? 1 : ATOL + RTOL * Math.abs(want.data[i])))) bad = bad < 0 ? i : bad;
      if (e > maxErr || Number.isNaN(e)) maxErr = Number.isNaN(e) ? Infinity : e;
    }
    outcomes.push(bad < 0 ? { test, op, status: 'pass', maxErr } : { test, op, status: 'mismatch', reason: `${set}: element ${bad}: got ${got[bad]}, expected ${want.data[bad]} (max error ${maxErr})` });
  }
  return outcomes;
}
