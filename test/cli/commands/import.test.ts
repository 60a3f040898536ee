import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSummary } from '../../../cli/commands/import';
import { modelGemms } from '../../../cli/model-gemms';
import { loadModelResult } from '../../../models/io/load';
import { encodeModel, node, tensor } from '../../../models/onnx/build';

const BIN = join(process.cwd(), 'bin/faultline.mjs');
const LENET = 'models/onnx/examples/lenet5.onnx';

describe('faultline import', () => {
  it('summarises the LeNet-5 export: layers, GEMMs, parameters', () => {
    const { imported, layers } = importSummary(LENET);
    expect(layers.map((l) => l.kind)).toEqual(['conv2d', 'maxpool', 'conv2d', 'maxpool', 'flatten', 'dense', 'dense', 'dense']);
    expect(layers[0].gemm).toBe('784x25x6');
    expect(layers.reduce((a, l) => a + l.params, 0)).toBe(61706);
    expect(imported.input.layout.dims).toEqual([1, 28, 28]);
  });

  it('refuses an unsupported operator naming the node, the op type and the supported list (exit 2)', () => {
    const dir = join(tmpdir(), `onnx-import-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'erf.onnx');
    writeFileSync(file, encodeModel({
      name: 'erf', input: { name: 'x', dims: ['N', 4] }, output: { name: 'y', dims: ['N', 4] },
      nodes: [node('Gemm', ['x', 'w'], ['g'], {}, 'fc'), node('Erf', ['g'], ['y'], {}, 'my_erf')], initializers: [tensor('w', [4, 4], new Float32Array(16))],
    }));
    expect(() => importSummary(file)).toThrow(/node 'my_erf' \(Erf\): unsupported operator \(supported: Conv, Gemm, MatMul, .*QLinearMatMul, Constant; on constants only: Shape, .*\)/);
    const r = spawnSync(process.execPath, [BIN, 'import', file], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/my_erf/);
    // a folder named like a model is not read
    const folder = join(dir, 'folder.onnx');
    mkdirSync(folder, { recursive: true });
    expect(() => importSummary(folder)).toThrow(/expected a regular file/);
  });

  it('--model path.onnx goes through the shared loader (run, campaigns, GUI) and the cycle model', () => {
    const r = loadModelResult(LENET);
    expect(r.ok && r.value.onnx?.opset).toBe(13);
    expect(modelGemms(LENET).map((g) => g.name)).toEqual(['conv1', 'conv2', 'fc1', 'fc2', 'fc3']);
    const cli = spawnSync(process.execPath, [BIN, 'import', LENET], { encoding: 'utf8' });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/8 layers, 61706 parameters/);
  });
});
