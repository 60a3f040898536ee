/**
 * Issue 8: inputs the fuzz tests found that crashed a parser (threw instead of returning an error, or
 * allocated without bound), kept as plain regression tests next to the fix.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { encode as encodePng } from 'fast-png';
import { validateScenario } from '../../scenarios/validate';
import { DEFAULT_ARRAY_SPEC } from '../../sim/array/spec';
import { importTfjsModel } from '../../models/io/tfjsImport';
import { decodeWeights, type WeightsDoc } from '../../models/io/weightsFormat';
import { decodePngPixels } from '../../models/data/png';
import { tfjsModelJson, tfjsShard } from './fixtures/tfjs-model';
import { loadCampaignFile } from '../../campaign/load';
import { berDoc, tmp, writeCampaign } from '../campaign/helpers';

const reasonOf = (r: { ok: boolean; reason?: string }): string => (r.ok ? '' : String(r.reason));

describe('fuzz findings stay fixed', () => {
  it('scenario: an action or guard type named like an Object.prototype key is an unknown type, not a crash', () => {
    const text = readFileSync(new URL('../../scenarios/examples/single-seu-weight.json', import.meta.url), 'utf8');
    const doc = JSON.parse(text) as { machine: unknown };
    const json = JSON.stringify(doc).replace(/"type":"injectFault"/, '"type":"constructor"');
    expect(json).toContain('"constructor"');
    const r = validateScenario(json, DEFAULT_ARRAY_SPEC);
    expect(r.ok).toBe(false);
    expect(reasonOf(r)).toMatch(/unknown action type "constructor"/);
  });

  it('model.json: a negative or fractional weight shape is refused with the weight named', () => {
    for (const shape of [[-2, 3], [1.5], ['3']]) {
      const m = tfjsModelJson() as { weightsManifest: { weights: { shape: unknown }[] }[] };
      m.weightsManifest[0]!.weights[0]!.shape = shape;
      const r = importTfjsModel(m, new Map([['w.bin', tfjsShard()]]));
      expect(r.ok).toBe(false);
      expect(reasonOf(r)).toMatch(/weightsManifest\[0\]\.weights\[0\]: expected \{name: string, shape/);
    }
  });

  it('PNG: a header claiming 2 x 12,451,842 pixels is refused before decoding', () => {
    const png = encodePng({ width: 2, height: 2, data: new Uint8Array(16), channels: 4, depth: 8 });
    new DataView(png.buffer, png.byteOffset).setUint32(20, 12_451_842, false);
    const before = process.memoryUsage().arrayBuffers;
    const r = decodePngPixels('bomb.png', png);
    expect(reasonOf(r)).toMatch(/2x12451842 exceeds the 1024x1024 limit/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 2 ** 20);
  });

  it('weights: a document without tensors, or nested 10,000 deep, is refused with a reason', () => {
    const base = { format: 'faultline-weights-v1', meta: {}, binBytes: 0, network: { name: 'n', input: { h: 1, w: 1, c: 1 }, layers: [] } };
    const noTensors = decodeWeights(base as unknown as WeightsDoc, new Uint8Array(0));
    expect(reasonOf(noTensors)).toMatch(/tensors/);
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const r = decodeWeights({ ...base, tensors: [], network: { ...base.network, extra: deep } } as unknown as WeightsDoc, new Uint8Array(0));
    expect(reasonOf(r)).toMatch(/nested deeper than 32/);
    const badLayer = decodeWeights({ ...base, tensors: [], network: { ...base.network, layers: [{ kind: 'dense', name: 'd' }] } } as unknown as WeightsDoc, new Uint8Array(0));
    expect(badLayer.ok).toBe(false);
  });

  it('campaign: a scenario path naming a device (/dev/zero) or a folder is refused without reading it', () => {
    const dir = tmp('fl-sec-');
    for (const f of ['/dev/zero', '.']) {
      const file = writeCampaign(dir, berDoc({ faults: { kind: 'scenarios', files: [f] } }));
      const t0 = Date.now();
      const r = loadCampaignFile(file);
      expect(reasonOf(r)).toMatch(/expected a regular file, found (a device|a folder)/);
      expect(Date.now() - t0).toBeLessThan(1000);
    }
  });
});
