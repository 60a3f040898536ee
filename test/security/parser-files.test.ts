/**
 * Issue 17, items 12-16: the attacks on the parsers and importers, reproduced. 12 devices, FIFOs,
 * folders and symlinks out of the model folder; 13 decompression bombs; 14 built-in object names as
 * ids; 15 nonsense values; 16 a UTF-8 byte-order mark.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import { loadCampaignFile } from '../../campaign/load';
import { parseCampaignText } from '../../campaign/schema';
import { loadTfjsModel } from '../../models/io/tfjsFiles';
import { importTfjsModel } from '../../models/io/tfjsImport';
import { readWeights } from '../../models/io/weights';
import { encodeWeights, type WeightsMeta } from '../../models/io/weightsFormat';
import { loadCifar10, loadIdxDataset, loadPngFolder, MAX_FILE_BYTES } from '../../models/io/datasets';
import { encodeIdxUbyte } from '../../models/data/idx';
import { decodePngPixels } from '../../models/data/png';
import { materialize } from '../../models/nets/init';
import { getArch } from '../../models/nets';
import { loadModelResult } from '../../models/io/load';
import { parseProtection } from '../../models/protections/spec';
import { loadProtected } from '../../models/protections/io';
import { parseScenarioFile } from '../../scenarios/io/load';
import { validateScenario } from '../../scenarios/validate';
import { listScenarios } from '../../scenarios/io/catalog';
import { saveScenario } from '../../electron/services/scenario-files';
import { readTextFile } from '../../cli/files';
import { listCampaigns } from '../../electron/services/campaigns';
import { parseTopology } from '../../sim/topology/csv';
import { parseScaleSimConfig } from '../../sim/topology/cfg';
import { DEFAULT_ARRAY_SPEC } from '../../sim/array/spec';
import { berDoc, writeCampaign } from '../campaign/helpers';
import { tfjsModelJson, tfjsShard } from './fixtures/tfjs-model';

const root = new URL('../../', import.meta.url).pathname;
const BIN = join(root, 'bin/faultline.mjs');
const dir = mkdtempSync(join(tmpdir(), 'fl-parsers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const reasonOf = (r: { ok: boolean; reason?: string }): string => (r.ok ? '' : String(r.reason));
const sub = (name: string): string => { const d = join(dir, name); mkdirSync(d, { recursive: true }); return d; };
const fifo = (path: string): string => { execFileSync('mkfifo', [path]); return path; };
const mem = (): number => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };

/** Runs `f`, requires a failure within 1 s that keeps under 32 MiB, and returns its reason. */
function refusedFast(f: () => { ok: boolean; reason?: string }): string {
  const m0 = mem();
  const t0 = Date.now();
  const r = f();
  expect(Date.now() - t0).toBeLessThan(1000);
  expect(mem() - m0).toBeLessThan(32 * 2 ** 20);
  expect(r.ok).toBe(false);
  return reasonOf(r);
}

const meta: WeightsMeta = { id: 'w', architecture: 'tiny', testAccuracy: null, testSize: 0, trainSize: 0, date: '2026-01-01T00:00:00Z', command: 'none', epochs: 0, seed: 1, splitSeed: 1, testFraction: 0.15, backend: 'cpu', hyper: {} };
const tiny = materialize({ name: 'tiny', input: { h: 6, w: 6, c: 1 }, layers: [
  { name: 'c1', kind: 'conv2d', k: 3, outC: 2, stride: 1, pad: 'valid', bias: true, activation: 'relu' },
  { name: 'p1', kind: 'maxpool', size: 2, stride: 2, pad: 'valid' },
  { name: 'f', kind: 'flatten' },
  { name: 'd1', kind: 'dense', outF: 3, bias: true, activation: 'linear' },
] } as never, 5);

describe('item 12: devices, FIFOs, folders and symlinks', () => {
  it('campaign: /dev/zero, a FIFO and a folder are refused at once (was 1.19 GB in 40 s / a hang)', () => {
    const d = sub('c12');
    expect(refusedFast(() => loadCampaignFile('/dev/zero'))).toBe('/dev/zero: expected a regular file, found a device');
    expect(refusedFast(() => loadCampaignFile(fifo(join(d, 'fifo.json'))))).toMatch(/fifo\.json: expected a regular file, found a FIFO/);
    expect(refusedFast(() => loadCampaignFile(d))).toMatch(/expected a regular file, found a folder/);
    // a scenario file of a campaign that is a FIFO
    fifo(join(d, 's.json'));
    expect(refusedFast(() => loadCampaignFile(writeCampaign(d, berDoc({ faults: { kind: 'scenarios', files: ['s.json'] } }))))).toMatch(/\$\.faults\.files\[0\]: .*found a FIFO/);
  });

  it('the GUI campaign list skips a FIFO campaign file and a FIFO summary instead of hanging', () => {
    const files = sub('gui-campaigns');
    const out = sub('gui-runs');
    writeCampaign(files, berDoc(), 'good.json');
    fifo(join(files, 'pipe.json'));
    mkdirSync(join(out, 'r1'));
    fifo(join(out, 'r1', 'summary.json'));
    const t0 = Date.now();
    const l = listCampaigns(files, out);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(l.files.map((f) => f.id)).toEqual(['good']);
    expect(l.runs).toEqual([]);
  });

  it('the CLI: faultline campaign on a FIFO exits 2 at once instead of hanging', () => {
    const d = sub('c12cli');
    const r = spawnSync(process.execPath, [BIN, 'campaign', fifo(join(d, 'c.json')), '--out', join(d, 'o'), '--runner', 'fake'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('expected a regular file, found a FIFO');
  }, 70_000);

  it('model.json, IDX, CIFAR-10 and PNG importers refuse /dev/zero, FIFOs and folders with the path', () => {
    const d = sub('imp');
    const f = fifo(join(d, 'pipe'));
    for (const bad of ['/dev/zero', f, d]) {
      expect(refusedFast(() => loadTfjsModel(bad))).toMatch(/expected a regular file, found (a device|a FIFO|a folder)/);
      expect(refusedFast(() => loadIdxDataset(bad, bad))).toMatch(/expected a regular file/);
      expect(refusedFast(() => loadCifar10([bad]))).toMatch(/expected a regular file/);
    }
    const pngs = sub('pngs/a');
    symlinkSync('/dev/zero', join(pngs, 'zero.png'));
    expect(refusedFast(() => loadPngFolder(join(dir, 'pngs')))).toMatch(/zero\.png: expected a regular file, found a device/);
    rmSync(join(pngs, 'zero.png'));
    fifo(join(pngs, 'pipe.png'));
    expect(refusedFast(() => loadPngFolder(join(dir, 'pngs')))).toMatch(/pipe\.png: expected a regular file, found a FIFO/);
  });

  it('weights, scenario and topology files: FIFOs and devices refused; a weights id cannot name a path', () => {
    const d = sub('w12');
    fifo(join(d, 'm.json'));
    writeFileSync(join(d, 'm.bin'), new Uint8Array(0));
    expect(refusedFast(() => readWeights('m', d))).toMatch(/m\.json: expected a regular file, found a FIFO/);
    expect(refusedFast(() => readWeights('../../etc/passwd', d))).toMatch(/weights id: expected letters, digits/);
    expect(refusedFast(() => parseScenarioFile(join(d, 'm.json')))).toMatch(/found a FIFO/);
    expect(() => readTextFile('/dev/zero')).toThrow('/dev/zero: expected a regular file, found a device');
    expect(listScenarios(d)).toEqual([expect.objectContaining({ id: 'm', description: expect.stringMatching(/^unreadable: m\.json: expected a regular file, found a FIFO/) })]);
  });

  it('a model shard that is a symlink to /etc/passwd, or a path with .., is not read', () => {
    const d = sub('shards');
    symlinkSync('/etc/passwd', join(d, 'w.bin'));
    writeFileSync(join(d, 'model.json'), JSON.stringify(tfjsModelJson()));
    expect(refusedFast(() => loadTfjsModel(join(d, 'model.json')))).toMatch(/shard 'w\.bin': resolves to \/etc\/passwd, outside the folder/);
    const m = tfjsModelJson() as { weightsManifest: { paths: string[] }[] };
    m.weightsManifest[0]!.paths = ['../../../../etc/passwd'];
    writeFileSync(join(d, 'model.json'), JSON.stringify(m));
    expect(refusedFast(() => loadTfjsModel(join(d, 'model.json')))).toMatch(/path leaves the folder/);
    // a real shard next to model.json is read
    rmSync(join(d, 'w.bin'));
    writeFileSync(join(d, 'w.bin'), tfjsShard());
    writeFileSync(join(d, 'model.json'), JSON.stringify(tfjsModelJson()));
    expect(loadTfjsModel(join(d, 'model.json')).ok).toBe(true);
  });
});

describe('item 13: decompression bombs are capped from the header', () => {
  const zeros = Buffer.alloc(48 * 2 ** 20);
  const chunk = (type: string, data: Uint8Array): Buffer => {
    const b = Buffer.alloc(12 + data.length);
    b.writeUInt32BE(data.length, 0);
    b.write(type, 4, 'latin1');
    b.set(data, 8);
    return b; // CRC left 0: the guard runs before the decoder checks it
  };
  const ihdr = (w: number, h: number): Buffer => { const d = Buffer.alloc(13); d.writeUInt32BE(w, 0); d.writeUInt32BE(h, 4); d[8] = 8; d[9] = 0; return chunk('IHDR', d); };
  const sig = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

  it('a 1x1 PNG whose image data inflates to 48 MiB is refused at the 2 bytes its header declares', () => {
    const bomb = Buffer.concat([sig, ihdr(1, 1), chunk('IDAT', deflateSync(zeros)), chunk('IEND', new Uint8Array(0))]);
    expect(bomb.length).toBeLessThan(1 << 20);
    expect(refusedFast(() => decodePngPixels('bomb.png', bomb))).toBe('bomb.png: image data decompresses to more than the 2 bytes its 1x1 header declares (a decompression bomb or a damaged file)');
    const d = sub('bomb/a');
    writeFileSync(join(d, 'x.png'), bomb);
    expect(refusedFast(() => loadPngFolder(join(dir, 'bomb')))).toMatch(/x\.png: image data decompresses to more than the 2 bytes/);
  });

  it('a compressed colour profile (iCCP) is not inflated: the image still decodes', () => {
    const good = Buffer.from(encodePng({ width: 2, height: 2, data: new Uint8Array([0, 64, 128, 255]), channels: 1, depth: 8 }));
    const iccp = chunk('iCCP', Buffer.concat([Buffer.from('p\0\0', 'latin1'), deflateSync(zeros)]));
    const withProfile = Buffer.concat([good.subarray(0, 33), iccp, good.subarray(33)]);
    const m0 = mem();
    const r = decodePngPixels('p.png', withProfile);
    expect(mem() - m0).toBeLessThan(32 * 2 ** 20);
    expect(r.ok && Array.from(r.value.px).map((v) => Math.round(v * 255))).toEqual([0, 64, 128, 255]);
  });

  it('a gzip IDX whose header declares too much is refused before inflating; one that inflates past its header stops there', () => {
    const d = sub('idx13');
    const labels = join(d, 'labels');
    writeFileSync(labels, encodeIdxUbyte([2], new Uint8Array([0, 1])));
    const header = encodeIdxUbyte([60_000, 100, 100], new Uint8Array(0)); // declares 600 MB
    writeFileSync(join(d, 'big.gz'), gzipSync(Buffer.concat([header, Buffer.alloc(1 << 20)])));
    expect(refusedFast(() => loadIdxDataset(join(d, 'big.gz'), labels))).toMatch(new RegExp(`big\\.gz: the IDX header declares 600000016 bytes, over the ${MAX_FILE_BYTES}-byte limit; refused before decompressing`));
    const small = encodeIdxUbyte([2, 2, 2], new Uint8Array(8)); // declares 24 bytes, then 48 MiB more
    writeFileSync(join(d, 'bomb.gz'), gzipSync(Buffer.concat([small, zeros])));
    expect(refusedFast(() => loadIdxDataset(join(d, 'bomb.gz'), labels))).toMatch(/bomb\.gz: decompresses to more than the 24 bytes its IDX header declares/);
    writeFileSync(join(d, 'ok.gz'), gzipSync(small));
    expect(loadIdxDataset(join(d, 'ok.gz'), labels).ok).toBe(true);
    // a 250 MiB gzip file is refused by its size before it is read (sparse file: no disk used)
    writeFileSync(join(d, 'huge.gz'), gzipSync(small));
    truncateSync(join(d, 'huge.gz'), 250 * 2 ** 20);
    expect(refusedFast(() => loadIdxDataset(join(d, 'huge.gz'), labels))).toMatch(/huge\.gz \(gzip\): expected at most 67108864 bytes, found 262144000/);
  });
});

describe('item 14: ids are looked up as own keys only', () => {
  it('model "constructor" and protection "toString" are unknown ids, with the expected list', () => {
    expect(getArch('constructor')).toBeUndefined();
    expect(getArch('__proto__')).toBeUndefined();
    expect(reasonOf(loadModelResult('constructor'))).toMatch(/model: expected one of lenet5, .*found 'constructor'/);
    for (const p of ['toString', 'relu+toString', 'hasOwnProperty', 'constructor']) {
      const r = parseProtection(p);
      expect(reasonOf(r)).toMatch(/unknown part "(toString|hasOwnProperty|constructor)"; expected one of relu/);
    }
    const r = loadProtected('lenet5', 'toString', tiny);
    expect(reasonOf(r)).toMatch(/unknown part "toString"/);
    expect(reasonOf(r)).not.toMatch(/native code/);
  });
});

describe('item 15: nonsense values are refused with the field and what was expected', () => {
  const { doc, bin } = encodeWeights(tiny, meta);

  it('weights decoding to NaN or Infinity', () => {
    const d = sub('nan');
    writeFileSync(join(d, 'w.json'), JSON.stringify(doc));
    for (const [bad, shown] of [[NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity']] as const) {
      const b = bin.slice();
      new DataView(b.buffer).setFloat32(8, bad, true);
      writeFileSync(join(d, 'w.bin'), b);
      expect(reasonOf(readWeights('w', d))).toMatch(new RegExp(`w\\.bin: tensors\\.0 \\(layers\\.0\\.weights\\): value 2 at byte 8 is ${shown}; expected finite numbers`));
    }
    writeFileSync(join(d, 'w.bin'), bin);
    expect(readWeights('w', d).ok).toBe(true);
  });

  it('pooling padding 1.5 or null in a weights file', () => {
    const d = sub('pad');
    writeFileSync(join(d, 'w.bin'), bin);
    for (const v of [1.5, null, -1]) {
      const bad = JSON.parse(JSON.stringify(doc)) as { network: { layers: { padding: Record<string, unknown> }[] } };
      bad.network.layers[1]!.padding.top = v;
      writeFileSync(join(d, 'w.json'), JSON.stringify(bad));
      expect(reasonOf(readWeights('w', d))).toMatch(new RegExp(`network\\.layers\\.1\\.padding\\.top: .*; found ${String(v)}`));
    }
    const nulled = JSON.parse(JSON.stringify(doc)) as { network: { layers: { padding: unknown }[] } };
    nulled.network.layers[1]!.padding = null;
    writeFileSync(join(d, 'w.json'), JSON.stringify(nulled));
    expect(reasonOf(readWeights('w', d))).toMatch(/network\.layers\.1\.padding: .*found null/);
  });

  it('Keras kernel_size null (was silently 1), filters 1.5, pool_size "2" and ZeroPadding2D null', () => {
    const withConfig = (layer: number, patch: Record<string, unknown>) => {
      const m = tfjsModelJson() as { modelTopology: { model_config: { config: { layers: { config: Record<string, unknown> }[] } } } };
      Object.assign(m.modelTopology.model_config.config.layers[layer]!.config, patch);
      return importTfjsModel(m, new Map([['w.bin', tfjsShard()]]));
    };
    expect(reasonOf(withConfig(1, { kernel_size: null }))).toMatch(/layer 'c' \(Conv2D\): kernel_size: expected an integer >= 1 or a list of two, found null/);
    expect(reasonOf(withConfig(1, { kernel_size: [3] }))).toMatch(/kernel_size: expected an integer >= 1 or a list of two, found \[3\]/);
    expect(reasonOf(withConfig(1, { filters: 1.5 }))).toMatch(/filters: expected an integer >= 1, found 1\.5/);
    expect(reasonOf(withConfig(5, { units: null }))).toMatch(/units: expected an integer >= 1, found null/);
    expect(withConfig(1, {}).ok).toBe(true);
  });

  it('scenario.save storing `1` (or any non-object)', () => {
    const d = sub('save');
    for (const [text, what] of [['1', 'a number'], ['[]', 'an array'], ['"x"', 'a string'], ['null', 'null']] as const) {
      expect(() => saveScenario(d, { id: 'x', text, overwrite: true } as never)).toThrow(`text: expected a scenario document (a JSON object), found ${what}`);
    }
    expect(readdirSync(d)).toEqual([]);
    const ok = saveScenario(d, { id: 'x', text: '\uFEFF{"version":1}', overwrite: true } as never);
    expect(ok.written).toBe(true);
  });
});

describe('item 16: a UTF-8 byte-order mark is accepted by every parser', () => {
  const BOM = '\uFEFF';
  it('every shipped scenario and campaign file, with a BOM, is accepted (was refused)', () => {
    const d = sub('bom');
    const scen = readdirSync(join(root, 'scenarios/examples')).filter((f) => f.endsWith('.json'));
    let n = 0;
    for (const f of scen) {
      const text = readFileSync(join(root, 'scenarios/examples', f), 'utf8');
      const plain = validateScenario(text, DEFAULT_ARRAY_SPEC);
      const withBom = validateScenario(BOM + text, DEFAULT_ARRAY_SPEC);
      expect(withBom.ok, `${f}: ${reasonOf(withBom)}`).toBe(plain.ok);
      writeFileSync(join(d, f), BOM + text);
      expect(parseScenarioFile(join(d, f)).ok, f).toBe(true);
      n++;
    }
    for (const f of readdirSync(join(root, 'campaigns')).filter((x) => x.endsWith('.json'))) {
      const text = readFileSync(join(root, 'campaigns', f), 'utf8');
      expect(parseCampaignText(BOM + text, f).ok, f).toBe(parseCampaignText(text, f).ok);
      n++;
    }
    expect(n).toBeGreaterThan(15);
    expect(listScenarios(d).every((s) => !s.description.startsWith('unreadable'))).toBe(true);
  });

  it('weights .json and model.json with a BOM load; topology CSV and .cfg still do', () => {
    const d = sub('bom-models');
    const { doc, bin } = encodeWeights(tiny, meta);
    writeFileSync(join(d, 'w.json'), BOM + JSON.stringify(doc));
    writeFileSync(join(d, 'w.bin'), bin);
    expect(readWeights('w', d).ok).toBe(true);
    writeFileSync(join(d, 'model.json'), BOM + JSON.stringify(tfjsModelJson()));
    writeFileSync(join(d, 'w.bin'), tfjsShard());
    expect(loadTfjsModel(join(d, 'model.json')).ok).toBe(true);
    const csv = readdirSync(join(root, 'topologies')).find((f) => f.endsWith('.csv'))!;
    expect(parseTopology(BOM + readFileSync(join(root, 'topologies', csv), 'utf8')).ok).toBe(true);
    const cfgDir = join(root, 'test/sim/cycles/fixtures/scalesim');
    const cfg = readdirSync(cfgDir).find((x) => !x.includes('.'))!;
    expect(parseScaleSimConfig(BOM + readFileSync(join(cfgDir, cfg, 'config.cfg'), 'utf8')).ok).toBe(true);
  });
});
