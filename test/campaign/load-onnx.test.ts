import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCampaignFile } from '../../campaign/load';
import { parseCampaign } from '../../campaign/schema';
import { createEngineRunner } from '../../campaign/trial';
import { encodeIdxUbyte } from '../../models/data/idx';
import { loadMnistSplit } from '../../models/data/mnist';
import { berDoc, writeCampaign } from './helpers';

const LENET = resolve('models/onnx/examples/lenet5.onnx');

/** A campaign folder with `nets/lenet5.onnx` and `data/` (3 MNIST images with shifted labels) beside the campaign file. */
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fl-camp-onnx-'));
  mkdirSync(join(dir, 'nets'));
  copyFileSync(LENET, join(dir, 'nets', 'lenet5.onnx'));
  mkdirSync(join(dir, 'data'));
  const t = loadMnistSplit().test;
  writeFileSync(join(dir, 'data', 't10k-images-idx3-ubyte'), encodeIdxUbyte([3, 28, 28], Uint8Array.from(t.images.subarray(0, 3 * 784), (v) => Math.round(v * 255))));
  writeFileSync(join(dir, 'data', 't10k-labels-idx1-ubyte'), encodeIdxUbyte([3], Uint8Array.from([9, 9, 9])));
  return dir;
}

describe('campaign files naming .onnx models by path', () => {
  it('the schema takes an .onnx path and still refuses other strings with slashes', () => {
    expect(parseCampaign(berDoc({ models: ['nets/lenet5.onnx', 'lenet5'] }), 'c.json').ok).toBe(true);
    const bad = parseCampaign(berDoc({ models: ['../etc/passwd'] }), 'c.json');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toContain('$.models[0]');
  });

  it('relative paths resolve against the campaign file\'s folder; a trial runs the imported net on testSet.data', async () => {
    const dir = folder();
    const file = writeCampaign(dir, berDoc({ models: ['nets/lenet5.onnx'], protections: ['relu', 'ranger'], faults: { kind: 'ber', targets: ['ifmapSram'], ber: [1e-3], definition: 'per-bit' }, trialsPerPoint: 1, testSet: { start: 0, count: 3, data: 'data' } }));
    const l = loadCampaignFile(file);
    if (!l.ok) throw new Error(l.reason);
    expect(l.value.plan.campaign.models).toEqual([join(dir, 'nets', 'lenet5.onnx')]);
    expect(l.value.plan.campaign.testSet.data).toBe(join(dir, 'data'));
    const trial = l.value.plan.points[0]!;
    const r = await createEngineRunner()({ point: trial, trial: 0, seed: 7, array: l.value.plan.campaign.array, testSet: l.value.plan.campaign.testSet, criticalClasses: [] } as never);
    expect(r.images).toBe(3);
    // the labels are the data folder's (all 9), which LeNet-5 does not predict for these MNIST digits (7, 2, 1 or whatever they are)
    const golden = await createEngineRunner()({ point: trial, trial: 0, seed: 7, array: l.value.plan.campaign.array, testSet: { start: 0, count: 3 }, criticalClasses: [] } as never);
    expect(golden.goldenCorrect).toBeGreaterThan(r.goldenCorrect);
    // the Ranger point runs the imported net with bounds calibrated on the fly (MNIST, 28x28x1 input)
    const ranger = l.value.plan.points.find((p) => p.protection === 'ranger')!;
    const rr = await createEngineRunner()({ point: ranger, trial: 0, seed: 7, array: l.value.plan.campaign.array, testSet: l.value.plan.campaign.testSet, criticalClasses: [] } as never);
    expect(rr.images).toBe(3);
    expect(rr.overhead?.extraParams).toBeGreaterThan(0);
  }, 120_000);

  it('an imported:<file> id stays an id (the imported-models folder), checked at load', () => {
    const dir = folder();
    const saved = process.env['FAULTLINE_USER_DIR'];
    process.env['FAULTLINE_USER_DIR'] = dir;
    try {
      mkdirSync(join(dir, 'models'));
      copyFileSync(LENET, join(dir, 'models', 'n.onnx'));
      const l = loadCampaignFile(writeCampaign(dir, berDoc({ models: ['imported:n.onnx'] }), 'c3.json'));
      if (!l.ok) throw new Error(l.reason);
      expect(l.value.plan.campaign.models).toEqual(['imported:n.onnx']);
      const bad = loadCampaignFile(writeCampaign(dir, berDoc({ models: ['imported:none.onnx'] }), 'c4.json'));
      expect(bad.ok).toBe(false);
    } finally {
      if (saved === undefined) delete process.env['FAULTLINE_USER_DIR'];
      else process.env['FAULTLINE_USER_DIR'] = saved;
    }
  });

  it('a missing or non-file .onnx is refused at load, naming $.models[k] and the path', () => {
    const dir = folder();
    const missing = loadCampaignFile(writeCampaign(dir, berDoc({ models: ['lenet5', 'nets/none.onnx'] })));
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.reason).toMatch(/\$\.models\[1\].*none\.onnx/);
    mkdirSync(join(dir, 'dir.onnx'));
    const folderModel = loadCampaignFile(writeCampaign(dir, berDoc({ models: ['dir.onnx'] }), 'c2.json'));
    expect(folderModel.ok).toBe(false);
    if (!folderModel.ok) expect(folderModel.reason).toContain('$.models[0]');
  });
});
