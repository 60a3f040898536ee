import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngineRunner } from '../../campaign/trial';
import { corruptWeights } from '../../campaign/trial-faults';
import { createTrialPool, type TrialPool } from '../../campaign/pool';
import { runCampaign } from '../../campaign/run';
import { trialAt } from '../../campaign/plan';
import { parseArraySpec } from '../../sim/array/spec';
import { getArch } from '../../models/nets';
import { materialize } from '../../models/nets/init';
import { hasWeights } from '../../models/io/weights';
import { berDoc, planOf, tmp } from './helpers';

// A real tiny campaign on the engine: LeNet-5, 4 images, weight-SRAM BERs and PE psum faults.
const doc = berDoc({
  protections: ['relu'],
  faults: { kind: 'ber', targets: ['weightSram', 'pe.psum'], ber: [1e-5, 1e-2], definition: 'count' },
  trialsPerPoint: 2,
  testSet: { start: 0, count: 4 },
});
const setup = planOf(doc);
const pools: TrialPool[] = [];
afterAll(async () => { await Promise.all(pools.map((p) => p.destroy())); });

describe('engine trial runner (LeNet-5, real simulator)', () => {
  it('runs every point kind, counts faults by definition, and is reproducible', async () => {
    const run = createEngineRunner();
    const spec = parseArraySpec({ ...setup.plan.array, format: { kind: 'fp32' } });
    if (!spec.ok) throw new Error(spec.reason);
    // "count" on weight memory: floor(bits x p) per layer (RReLU's definition), summed
    const layerBits = materialize(getArch('lenet5')!).layers.flatMap((l) => (l.kind === 'conv2d' || l.kind === 'dense' ? [l.weights.length * 32] : []));
    const countFaults = (ber: number): number => layerBits.reduce((a, b) => a + Math.floor(b * ber), 0);
    for (let i = 0; i < setup.plan.totalTrials; i++) {
      const t = trialAt(setup.plan, i);
      const r = await run(t);
      expect(r.images).toBe(4);
      expect(r.layers.length).toBe(8);
      expect(Object.values(r.maskedAt).reduce((a, b) => a + b, 0)).toBe(4);
      const f = t.point.fault;
      if (f.kind !== 'ber') throw new Error('unexpected');
      if (f.target === 'weightSram') {
        if (!hasWeights('lenet5')) expect(r.faultsInjected).toBe(countFaults(f.ber));
        expect(r.faultsByTarget.weightSram).toBe(r.faultsInjected);
      } else {
        expect(r.faultsInjected).toBe(Math.floor(16 * 16 * 32 * f.ber));
        expect(r.faultsByTarget['pe.psum'] ?? 0).toBe(r.faultsInjected);
      }
      if (f.ber === 1e-2 && f.target === 'weightSram') expect(r.layers[r.layers.length - 1]!.corruptedShare).toBeGreaterThan(0);
      expect(r.cycles).toBeGreaterThan(0);
      expect(r.utilization).toBeGreaterThan(0);
      expect(r.utilization).toBeLessThanOrEqual(1);
      expect(await createEngineRunner()(t)).toEqual(r); // a fresh runner (fresh caches) agrees
    }
  }, 300_000);

  it('static weight corruption leaves the source network untouched and follows the seed', () => {
    const spec = parseArraySpec({ rows: 16, cols: 16, dataflow: 'ws', format: { kind: 'fp32' } });
    if (!spec.ok) throw new Error(spec.reason);
    const net = materialize(getArch('lenet5')!);
    const before = net.layers.map((l) => ('weights' in l ? Float32Array.from(l.weights) : null));
    const a = corruptWeights(net, spec.value, 1e-4, 'per-bit', 'seu', 42);
    const b = corruptWeights(net, spec.value, 1e-4, 'per-bit', 'seu', 42);
    const c = corruptWeights(net, spec.value, 1e-4, 'per-bit', 'seu', 43);
    net.layers.forEach((l, i) => { if ('weights' in l) expect(l.weights).toEqual(before[i]); });
    expect(a.faults).toBe(b.faults);
    expect(a.network).toEqual(b.network);
    expect(a.network).not.toEqual(c.network);
    let changed = 0;
    a.network.layers.forEach((l, i) => { if ('weights' in l) l.weights.forEach((w, k) => { if (!Object.is(w, before[i]![k])) changed++; }); });
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThanOrEqual(a.faults);
  });

  it('a 2-worker pool gives the byte-identical summary of an in-process run', async () => {
    const a = tmp();
    await runCampaign({ plan: setup.plan, hash: setup.hash, outDir: a, runner: createEngineRunner(), concurrency: 1 });
    const pool = createTrialPool({ workers: 2, kind: 'engine' });
    pools.push(pool);
    const b = tmp();
    const o = await runCampaign({ plan: setup.plan, hash: setup.hash, outDir: b, runner: pool.run, concurrency: 4 });
    expect(o.status).toBe('complete');
    expect(readFileSync(join(b, 'summary.json'), 'utf8')).toBe(readFileSync(join(a, 'summary.json'), 'utf8'));
  }, 300_000);
});
