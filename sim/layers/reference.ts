/**
 * Plain JS reference forward pass (ground truth for tests): direct loops per layer definition,
 * real arithmetic (fp64 sums, one rounding to fp32 per output), no numeric format, no GEMM
 * lowering. Weight transforms are applied to the raw weights.
 */
import { fail, ok, type Result } from '../result';
import type { Layer, Network, Shape3 } from './types';
import { inferShapes, shapeSize, type NetworkShapes } from './shapes';
import { applyActivation } from './activations';
import { transformWeights } from './weights';
import { addTensors, batchNormApply, globalAvgPool, pool } from './ops';
import { applyElementwise, concatChannels, sliceChannels } from './vectorOps';

/** Output of a reference forward pass: every layer's output (n images, NHWC, batch-major). */
export interface ReferenceRun {
  readonly shapes: NetworkShapes;
  /** outputs[i] = layer i's output for all images. */
  readonly outputs: readonly Float32Array[];
}

function directConv(layer: Extract<Layer, { kind: 'conv2d' }>, x: Float32Array, n: number, s: Shape3, o: Shape3): Float32Array {
  const w = transformWeights(layer.weightTransform, layer.weights);
  const out = new Float32Array(n * shapeSize(o));
  const { kh, kw, inC, outC, strideH, strideW } = layer;
  const { top, left } = layer.padding;
  let idx = 0;
  for (let img = 0; img < n; img++) {
    const base = img * shapeSize(s);
    for (let oy = 0; oy < o.h; oy++) {
      for (let ox = 0; ox < o.w; ox++) {
        for (let oc = 0; oc < outC; oc++) {
          let sum = layer.bias ? layer.bias[oc] : 0;
          for (let ky = 0; ky < kh; ky++) {
            const y = oy * strideH - top + ky;
            if (y < 0 || y >= s.h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const xx = ox * strideW - left + kx;
              if (xx < 0 || xx >= s.w) continue;
              for (let c = 0; c < inC; c++) sum += x[base + (y * s.w + xx) * inC + c] * w[((ky * kw + kx) * inC + c) * outC + oc];
            }
          }
          out[idx++] = sum;
        }
      }
    }
  }
  return applyActivation(layer.activation, out, outC, out);
}

function directDense(layer: Extract<Layer, { kind: 'dense' }>, x: Float32Array, n: number): Float32Array {
  const w = transformWeights(layer.weightTransform, layer.weights);
  const out = new Float32Array(n * layer.outF);
  for (let img = 0; img < n; img++) {
    for (let j = 0; j < layer.outF; j++) {
      let sum = layer.bias ? layer.bias[j] : 0;
      for (let i = 0; i < layer.inF; i++) sum += x[img * layer.inF + i] * w[i * layer.outF + j];
      out[img * layer.outF + j] = sum;
    }
  }
  return applyActivation(layer.activation, out, layer.outF, out);
}

/** Reference output of one layer for `n` images given its input tensors and their shapes. */
export function referenceLayer(layer: Layer, inputs: readonly Float32Array[], inShapes: readonly Shape3[], outShape: Shape3, n: number): Float32Array {
  const x = inputs[0];
  const s = inShapes[0];
  switch (layer.kind) {
    case 'conv2d':
      return directConv(layer, x, n, s, outShape);
    case 'dense':
      return directDense(layer, x, n);
    case 'maxpool':
    case 'avgpool':
      return pool(layer, x, n, s);
    case 'globalavgpool':
      return globalAvgPool(x, n, s);
    case 'batchnorm':
      return applyActivation(layer.activation, batchNormApply(x, s.c, layer.scale, layer.shift), s.c);
    case 'add':
      return applyActivation(layer.activation, addTensors(x, inputs[1]), s.c);
    case 'flatten':
      return x.slice();
    case 'activation':
      return applyActivation(layer.activation, x, s.c);
    case 'concat':
      return concatChannels(inputs, inShapes, n);
    case 'slice':
      return sliceChannels(x, s, n, layer.start, layer.count);
    case 'elementwise':
      return applyElementwise(layer.op, x, s.c, shapeSize(s));
  }
}

/** Runs the reference forward pass of `network` on `n` NHWC images in `batch`. */
export function referenceForward(network: Network, batch: Float32Array, n: number): Result<ReferenceRun> {
  const shapes = inferShapes(network);
  if (!shapes.ok) return shapes;
  if (batch.length !== n * shapeSize(network.input)) {
    return fail(`batch: expected ${n} x ${shapeSize(network.input)} values, found ${batch.length}`, 'batch');
  }
  const outputs: Float32Array[] = [];
  network.layers.forEach((layer, i) => {
    const ls = shapes.value.layers[i];
    const ins = ls.inputIndices.map((j) => (j < 0 ? batch : outputs[j]));
    outputs.push(referenceLayer(layer, ins, ls.inputs, ls.output, n));
  });
  return ok({ shapes: shapes.value, outputs });
}
