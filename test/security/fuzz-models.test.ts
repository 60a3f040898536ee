/**
 * Issue 8: property-based fuzzing of the model and dataset files — TensorFlow.js model.json and its
 * weight shard (through loadTfjsModel / importTfjsModel), Faultline weights .json + .bin (through
 * readWeights), IDX, CIFAR-10 binary batches and PNG images — with FUZZ_RUNS (10,000) mutated and random
 * inputs each. Every input must end in a value or an error with a reason (see fuzz-helpers.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { loadTfjsModel } from '../../models/io/tfjsFiles';
import { importTfjsModel } from '../../models/io/tfjsImport';
import { readWeights } from '../../models/io/weights';
import { encodeWeights, type WeightsMeta } from '../../models/io/weightsFormat';
import { materialize } from '../../models/nets/init';
import { encodeIdxUbyte, idxToDataset, parseIdx } from '../../models/data/idx';
import { CIFAR_RECORD_BYTES, parseCifar10 } from '../../models/data/cifar';
import { decodePngPixels, pngsToDataset } from '../../models/data/png';
import { bytesInput, describeStats, fuzzParser, textInput } from './fuzz-helpers';
import { tfjsModelJson, tfjsShard } from './fixtures/tfjs-model';

const T = 180_000;
// Files are rewritten once per input: a RAM-backed folder keeps 10,000 writes fast where /dev/shm exists.
const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'faultline-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fuzz: model files (issue 8)', () => {
  it('TensorFlow.js model.json (read from disk with its shard)', () => {
    writeFileSync(join(dir, 'w.bin'), tfjsShard());
    const seed = JSON.stringify(tfjsModelJson(), null, 1);
    expect(importTfjsModel(JSON.parse(seed), new Map([['w.bin', tfjsShard()]])).ok).toBe(true);
    const s = fuzzParser(textInput([seed]), (t) => {
      writeFileSync(join(dir, 'model.json'), t);
      return loadTfjsModel(join(dir, 'model.json'));
    });
    console.log(describeStats('model.json', s));
    expect(s.ok).toBeGreaterThan(0);
  }, T);

  it('TensorFlow.js weight shard bytes', () => {
    const json = tfjsModelJson();
    const s = fuzzParser(bytesInput([tfjsShard()]), (b) => importTfjsModel(json, new Map([['w.bin', b]])));
    console.log(describeStats('model shard', s));
    expect(s.ok).toBeGreaterThan(0);
  }, T);

  const meta: WeightsMeta = {
    id: 'fuzz', architecture: 'tiny', testAccuracy: null, testSize: 0, trainSize: 0, date: '2026-01-01T00:00:00Z',
    command: 'none', epochs: 0, seed: 1, splitSeed: 1, testFraction: 0.15, backend: 'cpu', hyper: {},
  };
  const tiny = materialize({
    name: 'tiny', input: { h: 6, w: 6, c: 1 },
    layers: [
      { name: 'c1', kind: 'conv2d', k: 3, outC: 2, stride: 1, pad: 'valid', bias: true, activation: 'relu' },
      { name: 'p1', kind: 'maxpool', size: 2, stride: 2, pad: 'valid' },
      { name: 'f', kind: 'flatten' },
      { name: 'd1', kind: 'dense', outF: 3, bias: true, activation: 'linear' },
    ],
  } as never, 5);
  const { doc, bin } = encodeWeights(tiny, meta);

  it('weights .json (read from disk with its .bin)', () => {
    writeFileSync(join(dir, 'w1.bin'), bin);
    const seed = JSON.stringify(doc);
    writeFileSync(join(dir, 'w1.json'), seed);
    expect(readWeights('w1', dir).ok).toBe(true);
    const s = fuzzParser(textInput([seed, JSON.stringify(doc, null, 1)]), (t) => {
      writeFileSync(join(dir, 'w1.json'), t);
      return readWeights('w1', dir);
    });
    console.log(describeStats('weights.json', s));
    expect(s.ok).toBeGreaterThan(0);
  }, T);

  it('weights .bin', () => {
    writeFileSync(join(dir, 'w2.json'), JSON.stringify(doc));
    const s = fuzzParser(bytesInput([bin]), (b) => {
      writeFileSync(join(dir, 'w2.bin'), b);
      return readWeights('w2', dir);
    });
    console.log(describeStats('weights.bin', s));
    expect(s.ok).toBeGreaterThan(0);
  }, T);
});

describe('fuzz: datasets (issue 8)', () => {
  const px = Uint8Array.from({ length: 5 * 4 * 4 }, (_, i) => (i * 37) & 255);
  const images = encodeIdxUbyte([5, 4, 4], px);
  const labels = encodeIdxUbyte([5], Uint8Array.from([0, 1, 2, 1, 0]));

  it('IDX images and labels', () => {
    const goodImages = parseIdx(images, 'images');
    const goodLabels = parseIdx(labels, 'labels');
    if (!goodImages.ok || !goodLabels.ok) throw new Error('seed IDX files do not parse');
    const s = fuzzParser(bytesInput([images, labels, encodeIdxUbyte([2, 2, 2, 1], px.slice(0, 8))]), (b) => {
      const t = parseIdx(b, 'fuzz');
      if (!t.ok) return t;
      // the mutated file as the image file, then as the label file, of a dataset
      const asImages = idxToDataset(t.value, goodLabels.value);
      const asLabels = idxToDataset(goodImages.value, t.value);
      if (asLabels.ok === false && !asLabels.reason) throw new Error('label-side failure without a reason');
      return asImages.ok ? asImages : asLabels;
    });
    console.log(describeStats('idx', s));
    expect(s.ok).toBeGreaterThan(0);
  }, T);

  it('CIFAR-10 binary batches', () => {
    const rec = Uint8Array.from({ length: 2 * CIFAR_RECORD_BYTES }, (_, i) => (i % CIFAR_RECORD_BYTES === 0 ? i % 10 : (i * 13) & 255));
    const s = fuzzParser(bytesInput([rec, rec.slice(0, CIFAR_RECORD_BYTES)]), (b) => parseCifar10([{ file: 'data_batch_1.bin', bytes: b }]));
    console.log(describeStats('cifar-10', s));
    expect(s.ok).toBeGreaterThan(0);
  }, T);

  it('PNG images (gray, RGB, RGBA, 16-bit, palette)', () => {
    const gray = encodePng({ width: 4, height: 3, data: Uint8Array.from({ length: 12 }, (_, i) => i * 20), channels: 1, depth: 8 });
    const rgb = encodePng({ width: 3, height: 3, data: Uint8Array.from({ length: 27 }, (_, i) => i * 9), channels: 3, depth: 8 });
    const rgba16 = encodePng({ width: 2, height: 2, data: Uint16Array.from({ length: 16 }, (_, i) => i * 4000), channels: 4, depth: 16 });
    const s = fuzzParser(bytesInput([gray, rgb, rgba16]), (b) => {
      const one = decodePngPixels('x.png', b);
      if (!one.ok) return one;
      return pngsToDataset([{ file: 'a/x.png', className: 'a', bytes: b }, { file: 'b/y.png', className: 'b', bytes: b }], 1);
    });
    console.log(describeStats('png', s));
    expect(s.ok).toBeGreaterThan(0);
  }, T);
});
