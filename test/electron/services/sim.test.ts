/**
 * The simulation channels through the real dispatcher and the real worker thread: sim.cycles
 * against the cycle model, sim.run against the engine called directly, progress pushes,
 * cancellation within a second, sim.inspect on the kept run, data.images.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectServices, closeSimWorkers } from '../../../electron/services';
import type { PushEnvelope } from '../../../ipc/wire';
import { planRun } from '../../../sim/engine/faultyPlan';
import { parseArraySpec } from '../../../sim/array/spec';
import { materialize } from '../../../models/nets/init';
import { getArch } from '../../../models/nets';

const root = join(import.meta.dirname, '../../..');
const scenariosDir = join(root, 'scenarios', 'examples');
const pushes: PushEnvelope[] = [];
const conn = connectServices(
  { shell: 'web', appVersion: '0.0.0', scenariosDir, electronVersion: null, nodeVersion: process.versions.node, userScenariosDir: join(root, 'test-results', 'tmp-user-scenarios') },
  (p) => pushes.push(p),
);
const array = { rows: 16, cols: 16, dataflow: 'ws', format: 'fp32', sramKiB: 64 };
let n = 0;
const call = (channel: string, payload: unknown, id = `t${++n}`) => conn.invoke({ id, channel, payload });
const text = (f: string) => readFileSync(join(scenariosDir, f), 'utf8');

afterAll(async () => {
  conn.close();
  await closeSimWorkers();
});

describe('sim.* channels (worker thread)', () => {
  it('sim.cycles matches the run plan of the network', async () => {
    const r = await call('sim.cycles', { model: 'lenet5', array });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value as { inferenceCycles: number; layers: { name: string; cycles: number; rowFolds: number }[] };
    const spec = parseArraySpec({ rows: 16, cols: 16 });
    if (!spec.ok) throw new Error(spec.reason);
    const plan = planRun(materialize(getArch('lenet5')!), spec.value);
    expect(v.inferenceCycles).toBe(plan.inferenceCycles);
    expect(v.layers.map((l) => [l.name, l.cycles])).toEqual(plan.layers.map((l) => [l.name, l.cycles]));
    expect(v.layers.find((l) => l.name === 'conv1')!.rowFolds).toBeGreaterThan(0);
  }, 60_000);

  it('sim.run returns a trace, faults and corrupted layers for a psum stuck-at, with progress', async () => {
    pushes.length = 0;
    const r = await call('sim.run', { model: 'lenet5', scenario: { text: text('psum-msb-stuck-at-1.json'), file: 'psum.json' }, array, images: 1 }, 'run-1');
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    const v = r.value as { trace: unknown[]; faults: { target: string }[]; layers: { name: string; corrupted: number; golden: unknown[]; faulty: unknown[]; shape: number[] }[]; runId: string };
    expect(v.trace.length).toBeGreaterThan(0);
    expect(v.faults.some((f) => f.target === 'pe.psum')).toBe(true);
    const conv1 = v.layers[0];
    expect(conv1.golden.length).toBe(conv1.shape[0] * conv1.shape[1] * conv1.shape[2]);
    expect(v.layers.some((l) => l.corrupted > 0)).toBe(true);
    const differing = v.layers.filter((l) => l.golden.some((g, i) => g !== l.faulty[i]));
    expect(differing.length).toBeGreaterThan(0);
    expect(pushes.filter((p) => p.channel === 'job.progress').length).toBeGreaterThan(2);

    const ins = await call('sim.inspect', { runId: v.runId, cycle: 10, target: { kind: 'pe', row: 3, col: 5 } });
    expect(ins.ok, JSON.stringify(ins)).toBe(true);
    if (ins.ok) expect((ins.value as { history: unknown[] }).history.length).toBeGreaterThan(0);
  }, 120_000);

  it('an invalid scenario is a clear error, and cancel stops a run within a second', async () => {
    const bad = await call('sim.run', { model: 'lenet5', scenario: { text: '{"name":1}' }, array });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/scenario/);
    if (!bad.ok) expect(bad.error.code).toBe('bad-request');
    pushes.length = 0;
    const p = call('sim.run', { model: 'vgg_mnist', scenario: { text: text('dead-pe-column.json') }, array, images: 16 }, 'long');
    // Cancel while the job is known to be running: at its first progress push (stage 1 of 4),
    // not after a fixed delay that a fast machine can outrun.
    const started = Date.now();
    while (!pushes.some((e) => (e.payload as { id?: string }).id === 'long')) {
      expect(Date.now() - started, 'no progress push from the running job').toBeLessThan(60_000);
      await new Promise((r) => setTimeout(r, 2));
    }
    const t0 = Date.now();
    conn.cancel('long');
    const res = await p;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.code).toBe('cancelled');
    // The next job gets a fresh worker.
    const again = await call('sim.cycles', { model: 'lenet5', array });
    expect(again.ok).toBe(true);
  }, 120_000);

  it('user mistakes are bad-request naming the field; ECC runs; the GUI gets what `faultline run` gets (one pipeline)', async () => {
    const noProt = await call('sim.run', { model: 'lenet5', protection: 'toString', scenario: { text: text('aging.json') }, array });
    expect(noProt.ok).toBe(false);
    if (!noProt.ok) { expect(noProt.error.code).toBe('bad-request'); expect(noProt.error.message).toMatch(/protection/); }
    const tooFar = await call('sim.run', { model: 'lenet5', scenario: { text: text('aging.json') }, array, firstImage: 99_999, images: 2 });
    expect(tooFar.ok).toBe(false);
    if (!tooFar.ok) { expect(tooFar.error.code).toBe('bad-request'); expect(tooFar.error.message).toMatch(/firstImage|images/); }
    const small = await call('sim.run', { model: 'lenet5', scenario: { text: text('dead-pe-column.json') }, array: { ...array, rows: 4, cols: 4 } });
    expect(small.ok).toBe(false);
    if (!small.ok) expect(small.error.code).toBe('bad-request');
    const ecc = await call('sim.run', { model: 'lenet5', protection: 'ecc', scenario: { text: text('act-burst-one-layer.json') }, array, images: 2 });
    expect(ecc.ok, JSON.stringify(ecc).slice(0, 300)).toBe(true);
    if (ecc.ok) expect((ecc.value as { protection: string }).protection).toBe('ecc');
    const gui = await call('sim.run', { model: 'lenet5', protection: 'fitact', kernel: 'js', scenario: { text: text('psum-msb-stuck-at-1.json') }, array, images: 3 });
    expect(gui.ok, JSON.stringify(gui).slice(0, 300)).toBe(true);
    const { executeRun } = await import('../../../cli/commands/run');
    const cli = await executeRun({ model: 'lenet5', protection: 'fitact', scenario: join(scenariosDir, 'psum-msb-stuck-at-1.json'), images: '3' });
    if (!gui.ok) return;
    const v = gui.value as { faultyPredictions: number[]; goldenPredictions: number[]; layers: { corrupted: number; faulty: (number | null)[] }[] };
    expect(v.faultyPredictions).toEqual(cli.faultyPredictions);
    expect(v.goldenPredictions).toEqual(cli.goldenPredictions);
    expect(v.layers.map((l) => l.corrupted)).toEqual(cli.faulty.layers.map((l) => l.corrupted));
    expect(v.layers.some((l) => l.corrupted > 0)).toBe(true);
    expect(v.layers[0]!.faulty).toEqual(Array.from(cli.faulty.output(0, 0), (x) => (Number.isFinite(x) ? x : null)));
  }, 180_000);

  it('campaign.run runs a shipped campaign in the worker with progress; campaign.list/load find the run', async () => {
    pushes.length = 0;
    const r = await call('campaign.run', { id: 'smoke', trialsPerPoint: 1, images: 4 }, 'camp');
    expect(r.ok, JSON.stringify(r).slice(0, 400)).toBe(true);
    if (!r.ok) return;
    const v = r.value as { run: string; summary: { points: { protection: string; accuracy: { mean: number }; trials: number }[]; runner: string } };
    expect(v.summary.runner).toBe('engine');
    expect(v.summary.points.length).toBe(2);
    expect(v.summary.points.every((p) => p.trials === 1 && p.accuracy.mean >= 0 && p.accuracy.mean <= 1)).toBe(true);
    expect(pushes.some((p) => p.channel === 'job.progress')).toBe(true);
    const list = await call('campaign.list', {});
    expect(list.ok && (list.value as { runs: { id: string }[] }).runs.some((x) => x.id === v.run)).toBe(true);
    const loaded = await call('campaign.load', { run: v.run });
    expect(loaded.ok && (loaded.value as { summary: { points: unknown[] } }).summary.points.length).toBe(2);
    const bad = await call('campaign.load', { run: '../etc' });
    expect(bad.ok).toBe(false);
  }, 120_000);

  it('data.images returns MNIST test images with labels', async () => {
    const r = await call('data.images', { model: 'lenet5', offset: 0, count: 3 });
    expect(r.ok).toBe(true);
    if (r.ok) {
      const v = r.value as { images: { pixels: number[]; label: number }[] };
      expect(v.images).toHaveLength(3);
      expect(v.images[0].pixels).toHaveLength(784);
    }
  }, 60_000);
});
