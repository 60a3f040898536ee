import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWeights, encodeWeights, type WeightsMeta } from '../../../models/io/weightsFormat';
import { readWeights, saveWeights } from '../../../models/io/weights';
import { materialize } from '../../../models/nets/init';
import { vggMnistArch } from '../../../models/nets/mnistNets';
import type { Network } from '../../../sim/layers/types';

const meta: WeightsMeta = {
  id: 'test', architecture: 'vgg_mnist', testAccuracy: null, testSize: 0, trainSize: 0, date: '2026-01-01T00:00:00Z',
  command: 'none', epochs: 0, seed: 1, splitSeed: 1, testFraction: 0.15, backend: 'cpu', hyper: {},
};

describe('weights file format', () => {
  it('round-trips every tensor bit-exactly, including per-neuron activation bounds', () => {
    const net = materialize(vggMnistArch(), 9);
    const withBound: Network = { ...net, layers: net.layers.map((l) => (l.kind === 'dense' && l.name === 'fc1' ? { ...l, activation: { kind: 'clip' as const, bound: Float32Array.from({ length: 64 }, (_, i) => i / 3) } } : l)) };
    const { doc, bin } = encodeWeights(withBound, meta);
    expect(bin.length).toBe(doc.binBytes);
    const back = decodeWeights(JSON.parse(JSON.stringify(doc)), bin);
    expect(back.ok).toBe(true);
    if (back.ok) expect(back.value).toEqual(withBound);
  });

  it('writes little-endian float32 at the recorded offsets', () => {
    const net = materialize(vggMnistArch(), 2);
    const { doc, bin } = encodeWeights(net, meta);
    const t = doc.tensors.find((x) => x.path === 'layers.0.weights')!;
    const conv = net.layers[0]!;
    if (conv.kind !== 'conv2d') throw new Error('kind');
    expect(new DataView(bin.buffer).getFloat32(t.offset + 4 * 7, true)).toBe(conv.weights[7]);
  });

  it('rejects wrong sizes, bad offsets and formats', () => {
    const { doc, bin } = encodeWeights(materialize(vggMnistArch(), 2), meta);
    const short = decodeWeights(doc, bin.slice(0, 8), 'w');
    expect(!short.ok && short.reason).toMatch(/w\.bin: expected \d+ bytes, found 8/);
    const bad = { ...doc, tensors: doc.tensors.map((t, i) => (i === 1 ? { ...t, offset: doc.binBytes } : t)) };
    expect(!decodeWeights(bad, bin).ok && (decodeWeights(bad, bin) as { reason: string }).reason).toMatch(/tensors\.1 .* lies outside/);
    expect(decodeWeights({ ...doc, format: 'x' } as never, bin).ok).toBe(false);
  });

  it('saves and reads files on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-w-'));
    const net = materialize(vggMnistArch(), 4);
    saveWeights(net, meta, dir);
    const r = readWeights('test', dir);
    expect(r.ok && r.value.net).toEqual(net);
    expect(r.ok && r.value.meta.architecture).toBe('vgg_mnist');
    writeFileSync(join(dir, 'test.json'), readFileSync(join(dir, 'test.json'), 'utf8').slice(0, 20));
    const broken = readWeights('test', dir);
    expect(!broken.ok && broken.reason).toMatch(/not valid JSON/);
    expect(readWeights('absent', dir).ok).toBe(false);
  });
});
