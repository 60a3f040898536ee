/**
 * sim/engine/golden.ts goldenStep: the per-layer step runGolden (and the BER rerun) calls. Vector
 * layers on its fast paths (batch norm + relu/linear, add + relu) give the same bits as
 * referenceLayer followed by the output rounding, NaN and -0 inputs included; a step on a run's
 * own layers reproduces that run's layer.
 */
import { describe, expect, it } from 'vitest';
import { goldenStep, runGolden } from '../../../sim/engine/golden';
import { createJsKernel } from '../../../sim/kernels';
import { FP16, FP32, int8Format, quantizeArray } from '../../../sim/format';
import { uniformFormats } from '../../../sim/format/accumulator';
import { referenceLayer } from '../../../sim/layers';
import type { Layer, Network } from '../../../sim/layers/types';
import type { NumericFormat } from '../../../sim/types';
import { residualNet, randArray, rng } from '../layers/fixtures';

const js = createJsKernel();
const bits = (x: Float32Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

/** residualNet with its batch norm followed by `act`. */
function withBnActivation(act: 'relu' | 'linear'): Network {
  const net = residualNet(3);
  return { ...net, layers: net.layers.map((l): Layer => (l.kind === 'batchnorm' ? { ...l, activation: { kind: act } } : l)) };
}

describe('goldenStep', () => {
  for (const format of [FP32, FP16, int8Format(3, 4)] as NumericFormat[]) {
    for (const act of ['relu', 'linear'] as const) {
      it(`batch norm (${act}) and add layers equal referenceLayer bit for bit (${format.kind})`, () => {
        const net = withBnActivation(act);
        const size = net.input.h * net.input.w * net.input.c;
        const x = randArray(rng(7), 2 * size, 2);
        const run = runGolden(net, x, { format }, js);
        if (!run.ok) throw new Error(run.reason);
        let checked = 0;
        run.value.layers.forEach((gl, i) => {
          const layer = net.layers[i]!;
          if (layer.kind !== 'batchnorm' && layer.kind !== 'add') return;
          const want = quantizeArray(gl.formats.output, referenceLayer(layer, gl.inputs, gl.inShapes, gl.outShape, run.value.n));
          expect(bits(gl.output), `${layer.name}`).toEqual(bits(want));
          // NaN, -0, infinities and negative values in the input: the same bits as the reference too
          const odd = gl.inputs.map((a) => {
            const b = a.slice();
            b[0] = Number.NaN; b[1] = -0; b[2] = -Infinity; b[3] = Infinity; b[4] = -1.5;
            return b;
          });
          const done = run.value.layers.map((l, j) => (gl.inputIndices.includes(j) ? { ...l, output: odd[gl.inputIndices.indexOf(j)]! } : l));
          const step = goldenStep(layer, i, run.value.shapes.layers[i]!, done, x, run.value.n, gl.formats, js);
          const ref = quantizeArray(gl.formats.output, referenceLayer(layer, step.inputs, gl.inShapes, gl.outShape, run.value.n));
          expect(bits(step.output), `${layer.name} with NaN/-0 inputs`).toEqual(bits(ref));
          checked++;
        });
        expect(checked).toBeGreaterThanOrEqual(2);
      });
    }
  }

  it('a step on the run\'s own earlier layers reproduces every layer of the run', () => {
    const net = residualNet(4);
    const x = randArray(rng(9), 3 * net.input.h * net.input.w * net.input.c);
    const run = runGolden(net, x, { format: FP32 }, js);
    if (!run.ok) throw new Error(run.reason);
    run.value.layers.forEach((gl, i) => {
      const s = goldenStep(net.layers[i]!, i, run.value.shapes.layers[i]!, run.value.layers, x, run.value.n, uniformFormats(FP32), js);
      expect(bits(s.output), gl.name).toEqual(bits(gl.output));
      expect(s.unit).toBe(gl.unit);
      expect(s.gemm).toEqual(gl.gemm);
    });
    // a transient step keeps no reference to its weights
    const c = net.layers.findIndex((l) => l.kind === 'conv2d');
    const t = goldenStep(net.layers[c]!, c, run.value.shapes.layers[c]!, run.value.layers, x, run.value.n, uniformFormats(FP32), js, { transientWeights: true });
    expect(bits(t.output)).toEqual(bits(run.value.layers[c]!.output));
    expect(t.storedWeights).toBeNull();
    expect(t.weights).toBeNull();
  });
});
