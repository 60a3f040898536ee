/**
 * Every parser of a file Faultline reads (ONNX too; models/onnx has its own field-level fuzz test), as a fuzz target: a fast-check input arbitrary (mutated
 * valid seeds plus random input, see fuzz-helpers.ts) and the call that parses one input (through
 * the real file-reading path where there is one). Shared by the bounded fuzz test in `npm test`
 * (fuzz-parsers.test.ts) and the long run of `npm run fuzz` (scripts/fuzz.ts).
 */
import fc from 'fast-check';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import { validateScenario } from '../../scenarios/validate';
import { DEFAULT_ARRAY_SPEC } from '../../sim/array/spec';
import { parseCampaignText } from '../../campaign/schema';
import { parseTopology } from '../../sim/topology/csv';
import { parseScaleSimConfig } from '../../sim/topology/cfg';
import { parseRecordLine, readResults, recordLine } from '../../campaign/results';
import { readManifest } from '../../campaign/output';
import { loadTfjsModel } from '../../models/io/tfjsFiles';
import { importTfjsModel } from '../../models/io/tfjsImport';
import { readWeights } from '../../models/io/weights';
import { encodeWeights, type WeightsMeta } from '../../models/io/weightsFormat';
import { materialize } from '../../models/nets/init';
import { encodeIdxUbyte, idxToDataset, parseIdx } from '../../models/data/idx';
import { CIFAR_RECORD_BYTES, parseCifar10 } from '../../models/data/cifar';
import { decodePngPixels, pngsToDataset } from '../../models/data/png';
import { readMaybeGzip } from '../../models/io/datasets';
import { importOnnxFile } from '../../models/onnx/file';
import { bytesInput, textInput } from './fuzz-helpers';
import { tfjsModelJson, tfjsShard } from './fixtures/tfjs-model';

/** One parser under fuzz. */
export interface FuzzTarget<T = unknown> {
  /** Short name used in reports and `npm run fuzz -- --only <name>`. */
  readonly name: string;
  readonly input: fc.Arbitrary<T>;
  /** Parses one input; must return `{ok: true}` or `{ok: false, reason}` and never throw. */
  readonly parse: (x: T) => unknown;
}

const root = new URL('../../', import.meta.url).pathname;
const filesIn = (dir: string, ext: string): string[] =>
  readdirSync(join(root, dir)).filter((f) => f.endsWith(ext)).map((f) => readFileSync(join(root, dir, f), 'utf8'));
const H = 'ab'.repeat(32);

/** A RAM-backed scratch folder where one exists (each input is written once); `cleanup` removes it. */
export function fuzzScratch(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'faultline-fuzz-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const target = <T>(t: FuzzTarget<T>): FuzzTarget => t as FuzzTarget;

/** All fuzz targets; files are written under `dir`. */
export function fuzzTargets(dir: string): FuzzTarget[] {
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
  writeFileSync(join(dir, 'w.bin'), tfjsShard());
  writeFileSync(join(dir, 'w1.bin'), bin);
  writeFileSync(join(dir, 'w2.json'), JSON.stringify(doc));
  const px = Uint8Array.from({ length: 5 * 4 * 4 }, (_, i) => (i * 37) & 255);
  const idxImages = encodeIdxUbyte([5, 4, 4], px);
  const idxLabels = encodeIdxUbyte([5], Uint8Array.from([0, 1, 2, 1, 0]));
  const goodImages = parseIdx(idxImages, 'images');
  const goodLabels = parseIdx(idxLabels, 'labels');
  if (!goodImages.ok || !goodLabels.ok) throw new Error('seed IDX files do not parse');
  const cifar = Uint8Array.from({ length: 2 * CIFAR_RECORD_BYTES }, (_, i) => (i % CIFAR_RECORD_BYTES === 0 ? i % 10 : (i * 13) & 255));
  const pngs = [
    encodePng({ width: 4, height: 3, data: Uint8Array.from({ length: 12 }, (_, i) => i * 20), channels: 1, depth: 8 }),
    encodePng({ width: 3, height: 3, data: Uint8Array.from({ length: 27 }, (_, i) => i * 9), channels: 3, depth: 8 }),
    encodePng({ width: 2, height: 2, data: Uint16Array.from({ length: 16 }, (_, i) => i * 4000), channels: 4, depth: 16 }),
  ];
  const rec = { v: 1 as const, i: 7, point: 'lenet5|relu|fp32|ber:weightSram:seu:per-bit:0.00001', trial: 3, seed: 123456, r: { images: 10, correct: 9, sdc: 1, criticalSdc: 0, goldenCorrect: 10, faults: 2, layers: [{ corrupted: 0.5, maxAbs: Infinity, relL2: 0.1 }] } };
  const lines = [recordLine(rec as never, H), recordLine({ ...rec, i: 0, r: { images: 1 } } as never, H)];
  const manifest = JSON.stringify({ version: 1, campaignHash: H, shard: { index: 0, count: 2 }, totalTrials: 24, runner: 'engine', scenarioDigests: { 'a.json': 'cd'.repeat(32) } }, null, 2);
  const cfgDir = 'test/sim/cycles/fixtures/scalesim';
  return [
    target({ name: 'scenario', input: textInput(filesIn('scenarios/examples', '.json')), parse: (t) => validateScenario(t, DEFAULT_ARRAY_SPEC, { file: 'fuzz.json' }) }),
    target({ name: 'campaign', input: textInput(filesIn('campaigns', '.json')), parse: (t) => parseCampaignText(t, 'fuzz.json') }),
    target({ name: 'topology.csv', input: textInput(filesIn('topologies', '.csv').filter((t) => t.length < 20_000)), parse: (t) => parseTopology(t) }),
    target({
      name: 'config.cfg',
      input: textInput(readdirSync(join(root, cfgDir)).filter((d) => !d.includes('.')).map((d) => readFileSync(join(root, cfgDir, d, 'config.cfg'), 'utf8'))),
      parse: (t) => parseScaleSimConfig(t),
    }),
    target({ name: 'results line', input: textInput(lines.map((l) => l.trimEnd())), parse: (t) => parseRecordLine(t, H) }),
    target({ name: 'results.jsonl', input: textInput([lines.join(''), lines[0]! + lines[1]!.slice(0, 30)]), parse: (t) => {
      writeFileSync(join(dir, 'results.jsonl'), t);
      return readResults(join(dir, 'results.jsonl'), H);
    } }),
    target({ name: 'manifest.json', input: textInput([manifest]), parse: (t) => {
      writeFileSync(join(dir, 'manifest.json'), t);
      return readManifest(join(dir, 'manifest.json'));
    } }),
    target({ name: 'model.json', input: textInput([JSON.stringify(tfjsModelJson(), null, 1)]), parse: (t) => {
      writeFileSync(join(dir, 'model.json'), t);
      return loadTfjsModel(join(dir, 'model.json'));
    } }),
    target({ name: 'model shard', input: bytesInput([tfjsShard()]), parse: (b) => importTfjsModel(tfjsModelJson(), new Map([['w.bin', b]])) }),
    target({ name: 'weights.json', input: textInput([JSON.stringify(doc), JSON.stringify(doc, null, 1)]), parse: (t) => {
      writeFileSync(join(dir, 'w1.json'), t);
      return readWeights('w1', dir);
    } }),
    target({ name: 'weights.bin', input: bytesInput([bin]), parse: (b) => {
      writeFileSync(join(dir, 'w2.bin'), b);
      return readWeights('w2', dir);
    } }),
    target({ name: 'idx', input: bytesInput([idxImages, idxLabels, encodeIdxUbyte([2, 2, 2, 1], px.slice(0, 8))]), parse: (b) => {
      const t = parseIdx(b, 'fuzz');
      if (!t.ok) return t;
      // the mutated file as the image file, then as the label file, of a dataset
      const asImages = idxToDataset(t.value, goodLabels.value);
      const asLabels = idxToDataset(goodImages.value, t.value);
      if (asLabels.ok === false && !asLabels.reason) throw new Error('label-side failure without a reason');
      return asImages.ok ? asImages : asLabels;
    } }),
    // gzip's CRC makes nearly every mutation invalid: one input in ten is an unmutated seed
    target({ name: 'idx.gz', input: fc.oneof({ weight: 1, arbitrary: fc.constantFrom(gzipSync(idxImages), gzipSync(idxLabels)) }, { weight: 9, arbitrary: bytesInput([gzipSync(idxImages), gzipSync(idxLabels)]) }), parse: (b) => {
      writeFileSync(join(dir, 'x.gz'), b);
      const r = readMaybeGzip(join(dir, 'x.gz'));
      return r.ok ? parseIdx(r.value, 'x.gz') : r;
    } }),
    target({ name: 'cifar-10', input: bytesInput([cifar, cifar.slice(0, CIFAR_RECORD_BYTES)]), parse: (b) => parseCifar10([{ file: 'data_batch_1.bin', bytes: b }]) }),
    target({ name: 'onnx', input: bytesInput([new Uint8Array(readFileSync(join(root, 'models/onnx/examples/lenet5.onnx')))]), parse: (b) => {
      writeFileSync(join(dir, 'm.onnx'), b);
      return importOnnxFile(join(dir, 'm.onnx'));
    } }),
    target({ name: 'png', input: bytesInput(pngs), parse: (b) => {
      const one = decodePngPixels('x.png', b);
      if (!one.ok) return one;
      return pngsToDataset([{ file: 'a/x.png', className: 'a', bytes: b }, { file: 'b/y.png', className: 'b', bytes: b }], 1);
    } }),
  ];
}
