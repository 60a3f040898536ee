/**
 * `catalog.protections` and the `protection` field of `sim.run`, through the real dispatcher and
 * worker: the listing matches the committed protected weights, and a protected run equals the
 * engine run on the network that models/protections loadProtected returns.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectServices, closeSimWorkers } from '../../../electron/services';
import { protectionsFor } from '../../../electron/services/protections';
import { readWeights, WEIGHTS_DIR } from '../../../models/io/weights';
import { loadProtected } from '../../../models/protections/io';
import { parseArraySpec } from '../../../sim/array/spec';
import { runGolden } from '../../../sim/engine/golden';
import { createKernel } from '../../../sim/kernels/select';
import { loadMnistSplit } from '../../../models/data/mnist';

const root = join(import.meta.dirname, '../../..');
const scenariosDir = join(root, 'scenarios', 'examples');
const conn = connectServices(
  { shell: 'web', appVersion: '0.0.0', scenariosDir, electronVersion: null, nodeVersion: process.versions.node, userScenariosDir: join(root, 'test-results', 'tmp-user-scenarios') },
  () => {},
);
const array = { rows: 16, cols: 16, dataflow: 'ws', format: 'fp32', sramKiB: 64 };
let n = 0;
const call = (channel: string, payload: unknown) => conn.invoke({ id: `p${++n}`, channel, payload });
const scenario = { text: readFileSync(join(scenariosDir, 'psum-msb-stuck-at-1.json'), 'utf8'), file: 'psum.json' };

afterAll(async () => {
  conn.close();
  await closeSimWorkers();
});

describe('protections in sim.run', () => {
  it('catalog.protections lists relu first and only protections with committed weights', async () => {
    const r = await call('catalog.protections', { model: 'lenet5' });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    const ids = (r.value as { id: string }[]).map((p) => p.id);
    expect(ids[0]).toBe('relu');
    expect(ids.length).toBeGreaterThan(1);
    for (const id of ids.slice(1, -1)) expect(existsSync(join(WEIGHTS_DIR, 'protected', `lenet5+${id}.json`))).toBe(true);
    expect(ids[ids.length - 1]).toBe('ecc'); // hardware: SEC-DED inside the cycle model, no weights file
    expect(ids.some((id) => id.includes('qat') || id.includes('saq'))).toBe(false);
    expect(protectionsFor('no-such-model').map((p) => p.id)).toEqual(['relu']);
  });

  it('sim.run with a protection runs the protected network (golden prediction and output equal the engine on it)', async () => {
    const id = protectionsFor('lenet5').find((p) => p.id !== 'relu')!.id;
    const r = await call('sim.run', { model: 'lenet5', scenario, array, images: 1, firstImage: 3, protection: id });
    expect(r.ok, JSON.stringify(r).slice(0, 400)).toBe(true);
    if (!r.ok) return;
    const v = r.value as { protection: string; goldenPredictions: number[]; layers: { golden: (number | null)[] }[] };
    expect(v.protection).toBe(id);
    const base = readWeights('lenet5');
    const spec = parseArraySpec({ rows: 16, cols: 16 });
    if (!base.ok || !spec.ok) throw new Error('lenet5 weights or spec');
    const p = loadProtected('lenet5', id, base.value.net);
    if (!p.ok) throw new Error(p.reason);
    const test = loadMnistSplit().test;
    const k = await createKernel('js');
    if (!k.ok) throw new Error(k.reason);
    const g = runGolden(p.value.net, test.images.slice(3 * 784, 4 * 784), spec.value, k.value);
    if (!g.ok) throw new Error(g.reason);
    expect(v.goldenPredictions).toEqual(Array.from(g.value.predictions));
    const last = g.value.layers.length - 1;
    expect(v.layers[last]!.golden).toEqual(Array.from(g.value.layers[last]!.output));
    const plain = await call('sim.run', { model: 'lenet5', scenario, array, images: 1, firstImage: 3 });
    expect(plain.ok).toBe(true);
    if (plain.ok) expect((plain.value as { protection: string }).protection).toBe('relu');
  }, 120_000);

  it('sim.run refuses an unknown protection as a bad request; ECC combinations run', async () => {
    const a = await call('sim.run', { model: 'lenet5', scenario, array, protection: 'bogus' });
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.error.message).toMatch(/unknown part "bogus"/);
    if (!a.ok) expect(a.error.code).toBe('bad-request');
    const b = await call('sim.run', { model: 'lenet5', scenario, array, protection: 'ranger+ecc' });
    expect(b.ok, JSON.stringify(b).slice(0, 300)).toBe(true);
    if (b.ok) expect((b.value as { protection: string }).protection).toBe('ranger+ecc');
  }, 60_000);
});
