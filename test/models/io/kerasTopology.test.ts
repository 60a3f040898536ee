import { describe, expect, it } from 'vitest';
import { importTfjsModel } from '../../../models/io/tfjsImport';
import { parseKerasTopology } from '../../../models/io/tfjsTopology';

const kt = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: [name, 0, 0] } });

/** A Keras 3 style functional model.json (model_config wrapper, batch_shape, args/keras_history nodes). */
function keras3Model(): unknown {
  return {
    format: 'layers-model',
    modelTopology: {
      keras_version: '3.4.1', backend: 'tensorflow',
      model_config: {
        class_name: 'Functional',
        config: {
          name: 'k3',
          layers: [
            { class_name: 'InputLayer', name: 'inp', config: { batch_shape: [null, 4, 4, 1], name: 'inp' }, inbound_nodes: [] },
            { class_name: 'Conv2D', name: 'c', config: { name: 'c', filters: 2, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'relu', use_bias: true }, inbound_nodes: [{ args: [kt('inp')], kwargs: {} }] },
            { class_name: 'Conv2D', name: 'skip', config: { name: 'skip', filters: 2, kernel_size: 1, strides: 1, padding: 'valid', activation: 'linear', use_bias: false }, inbound_nodes: [{ args: [kt('inp')], kwargs: {} }] },
            { class_name: 'Add', name: 'add', config: { name: 'add' }, inbound_nodes: [{ args: [[kt('c'), kt('skip')]], kwargs: {} }] },
            { class_name: 'Flatten', name: 'f', config: { name: 'f' }, inbound_nodes: [{ args: [kt('add')], kwargs: {} }] },
            { class_name: 'Dense', name: 'd', config: { name: 'd', units: 3, activation: 'softmax', use_bias: true }, inbound_nodes: [{ args: [kt('f')], kwargs: {} }] },
          ],
          input_layers: [['inp', 0, 0]],
          output_layers: ['d', 0, 0],
        },
      },
    },
    weightsManifest: [{
      paths: ['w.bin'],
      weights: [
        { name: 'c/kernel', shape: [3, 3, 1, 2], dtype: 'float32' }, { name: 'c/bias', shape: [2], dtype: 'float32' },
        { name: 'skip/kernel', shape: [1, 1, 1, 2], dtype: 'float32' },
        { name: 'd/kernel', shape: [32, 3], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.01 } }, { name: 'd/bias', shape: [3], dtype: 'float32' },
      ],
    }],
  };
}

function shard(): Uint8Array {
  const floats = 18 + 2 + 2;
  const b = new Uint8Array(floats * 4 + 96 + 12);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < floats; i++) dv.setFloat32(4 * i, i / 10, true);
  for (let i = 0; i < 96; i++) b[floats * 4 + i] = i;
  for (let i = 0; i < 3; i++) dv.setFloat32(floats * 4 + 96 + 4 * i, i === 0 ? 0 : -i, true);
  return b;
}

describe('Keras 3 topology', () => {
  it('resolves args/keras_history inputs and the model_config wrapper', () => {
    const g = parseKerasTopology((keras3Model() as { modelTopology: unknown }).modelTopology);
    expect(g.ok).toBe(true);
    if (!g.ok) return;
    expect(g.value.inputShape).toEqual([4, 4, 1]);
    expect(g.value.nodes.find((n) => n.name === 'add')!.inputs).toEqual(['c', 'skip']);
    expect(g.value.output).toBe('d');
  });

  it('imports weights (float32 and uint8-quantized) and inserts an identity input layer for a branch from the input', () => {
    const r = importTfjsModel(keras3Model(), new Map([['w.bin', shard()]]));
    if (!r.ok) throw new Error(r.reason);
    const net = r.value;
    expect(net.layers.map((l) => l.name)).toEqual(['inp', 'c', 'skip', 'add', 'f', 'd']);
    const skip = net.layers[2]!;
    expect(skip.inputs).toEqual(['inp']);
    const d = net.layers[5]!;
    if (d.kind !== 'dense') throw new Error('kind');
    expect(d.weights[5]).toBeCloseTo(-1 + 0.01 * 5, 6);
    expect(Array.from(d.bias!)).toEqual([0, -1, -2]);
    const c = net.layers[1]!;
    expect(c.kind === 'conv2d' && c.padding).toEqual({ top: 1, bottom: 1, left: 1, right: 1 });
  });

  it('rejects shared layers and multiple outputs', () => {
    const m = keras3Model() as { modelTopology: { model_config: { config: { layers: { inbound_nodes: unknown[] }[]; output_layers: unknown } } } };
    const shared = structuredClone(m);
    shared.modelTopology.model_config.config.layers[1]!.inbound_nodes.push({ args: [kt('inp')] });
    expect((importTfjsModel(shared, new Map([['w.bin', shard()]])) as { reason: string }).reason).toMatch(/layers\[1\] \(c\): layer is called 2 times/);
    const two = structuredClone(m);
    two.modelTopology.model_config.config.output_layers = [['d', 0, 0], ['c', 0, 0]];
    expect((importTfjsModel(two, new Map([['w.bin', shard()]])) as { reason: string }).reason).toMatch(/2 outputs are unsupported/);
  });
});
