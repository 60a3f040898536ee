import { describe, expect, it } from 'vitest';
import { importTfjsModel } from '../../../models/io/tfjsImport';
import { parseKerasTopology } from '../../../models/io/tfjsTopology';
import { kt, tfjsModelJson as keras3Model, tfjsShard as shard } from '../../security/fixtures/tfjs-model';

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
