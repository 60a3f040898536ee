import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importTfjsModel } from '../../../models/io/tfjsImport';
import { loadTfjsModel, saveTfjsModel } from '../../../models/io/tfjsFiles';
import { materialize } from '../../../models/nets/init';
import { lenet5Arch } from '../../../models/nets/mnistNets';
import { networkToTf } from '../../../models/train/tfModel';
import { makeRng } from '../../../models/rng';

await tf.setBackend('cpu');

function randomInput(shape: number[], seed: number): tf.Tensor {
  const rng = makeRng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.float()), shape);
}

async function roundTrip(model: tf.LayersModel, inputShape: number[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fl-tfjs-'));
  const path = await saveTfjsModel(model, dir);
  const net = loadTfjsModel(path);
  if (!net.ok) throw new Error(net.reason);
  const back = networkToTf(net.value);
  const x = randomInput([3, ...inputShape], 11);
  const a = (model.predict(x) as tf.Tensor).dataSync();
  const b = (back.model.predict(x) as tf.Tensor).dataSync();
  expect(b.length).toBe(a.length);
  let maxDiff = 0;
  a.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - b[i]!))));
  expect(maxDiff).toBeLessThan(1e-4);
}

describe('tfjs LayersModel import', () => {
  it('round-trips our LeNet-5 exported via withSaveHandler', async () => {
    const t = networkToTf(materialize(lenet5Arch(), 3));
    await roundTrip(t.model, [28, 28, 1]);
  });

  it('imports a functional Keras-style model with BN, ReLU6, ZeroPadding2D, Dropout and Add', async () => {
    const input = tf.input({ shape: [9, 9, 2] });
    const p = tf.layers.zeroPadding2d({ padding: [[1, 2], [0, 1]] }).apply(input) as tf.SymbolicTensor;
    const c1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'valid', useBias: false }).apply(p) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ epsilon: 1e-3 }).apply(c1) as tf.SymbolicTensor;
    const r6 = tf.layers.reLU({ maxValue: 6 }).apply(bn) as tf.SymbolicTensor;
    const c2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(r6) as tf.SymbolicTensor;
    const add = tf.layers.add().apply([c2, r6]) as tf.SymbolicTensor;
    const pool = tf.layers.averagePooling2d({ poolSize: 2, padding: 'valid' }).apply(add) as tf.SymbolicTensor;
    const gap = tf.layers.globalAveragePooling2d({}).apply(pool) as tf.SymbolicTensor;
    const drop = tf.layers.dropout({ rate: 0.5 }).apply(gap) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(drop) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    // non-trivial batch-norm statistics
    const bnLayer = model.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
    bnLayer.setWeights([tf.tensor1d([1, 2, 0.5, 1.5]), tf.tensor1d([0.1, -0.2, 0.3, 0]), tf.tensor1d([0.2, -0.1, 0, 0.4]), tf.tensor1d([0.5, 2, 1, 0.25])]);
    await roundTrip(model, [9, 9, 2]);
    const dir = mkdtempSync(join(tmpdir(), 'fl-tfjs-'));
    const net = loadTfjsModel(await saveTfjsModel(model, dir));
    if (!net.ok) throw new Error(net.reason);
    const kinds = net.value.layers.map((l) => l.kind);
    expect(kinds).toEqual(['conv2d', 'batchnorm', 'activation', 'conv2d', 'add', 'avgpool', 'globalavgpool', 'dense']);
    const conv1 = net.value.layers[0]!;
    expect(conv1.kind === 'conv2d' && conv1.padding).toEqual({ top: 1, bottom: 2, left: 0, right: 1 });
    const act = net.value.layers[2]!;
    expect(act.kind === 'activation' && act.activation).toEqual({ kind: 'clip', bound: 6 });
  });

  it('names the layer and class of unsupported layers', async () => {
    const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [5, 5, 1], filters: 1, kernelSize: 3 }), tf.layers.upSampling2d({})] });
    const dir = mkdtempSync(join(tmpdir(), 'fl-tfjs-'));
    const r = loadTfjsModel(await saveTfjsModel(model, dir));
    expect(!r.ok && r.reason).toMatch(/layer 'up_sampling2d_UpSampling2D\d+' \(UpSampling2D\): unsupported layer class 'UpSampling2D'/);
  });

  it('rejects channels_first, missing shards, truncated shards and bad topologies', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
    const dir = mkdtempSync(join(tmpdir(), 'fl-tfjs-'));
    const path = await saveTfjsModel(model, dir);
    const ok = loadTfjsModel(path);
    expect(ok.ok && ok.value.input).toEqual({ h: 1, w: 1, c: 4 });
    const json = JSON.parse(readFileSync(path, 'utf8'));
    const bin = new Uint8Array(readFileSync(join(dir, 'group1-shard1of1.bin')));
    const short = importTfjsModel(json, new Map([['group1-shard1of1.bin', bin.slice(0, 10)]]), 'm.json');
    expect(!short.ok && short.reason).toMatch(/m\.json: weightsManifest\[0\]\.weights\[0\] \(.*kernel\): offset 0 \+ 32 bytes exceeds the 10 shard bytes/);
    const missing = importTfjsModel(json, new Map(), 'm.json');
    expect(!missing.ok && missing.reason).toMatch(/shard 'group1-shard1of1\.bin' not found/);
    const cf = structuredClone(json);
    cf.modelTopology.config.layers[0].config.data_format = 'channels_first';
    expect((importTfjsModel(cf, new Map([['group1-shard1of1.bin', bin]])) as { reason: string }).reason).toMatch(/channels_last only/);
    expect(importTfjsModel({ modelTopology: 5 }, new Map()).ok).toBe(false);
    const escape = structuredClone(json);
    escape.weightsManifest[0].paths = ['../../etc/passwd'];
    writeFileSync(join(dir, 'evil.json'), JSON.stringify(escape));
    const e = loadTfjsModel(join(dir, 'evil.json'));
    expect(!e.ok && e.reason).toMatch(/leaves the folder/);
  });
});
