/** Scenarios driven by the engine's real event timeline (sim/engine/timeline.ts) for LeNet-5. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARRAY_SPEC } from '../../sim/array/spec';
import { timeline } from '../../sim/engine/timeline';
import { getArch } from '../../models/nets';
import { materialize } from '../../models/nets/init';
import { EXAMPLES_DIR } from '../../scenarios/io/catalog';
import { loadScenarioFile } from '../../scenarios/io/load';
import { runScenario } from '../../scenarios/driver';
import { join } from 'node:path';
import { listScenarios } from '../../scenarios/io/catalog';
import { resolveFaults } from '../../sim/faults/resolve';

const net = materialize(getArch('lenet5')!);
const spec = DEFAULT_ARRAY_SPEC;

function load(id: string) {
  const r = loadScenarioFile(join(EXAMPLES_DIR, `${id}.json`), spec);
  if (!r.ok) throw new Error(r.reason);
  return r.value.file;
}

describe('scenarios on the engine timeline (lenet5, 16x16 ws)', () => {
  const tl = timeline(net, spec, 3);
  const at = (type: string, inference: number, name?: string) =>
    tl.find((e) => e.event.type === type && e.event.inference === inference && (name === undefined || e.event.layerName === name))!.cycle;

  it('the activation burst covers exactly layer conv2 of every inference', () => {
    const r = runScenario(load('act-burst-one-layer'), spec, tl);
    if (!r.ok) throw new Error(r.reason);
    const bursts = r.value.trace.filter((t) => t.state === 'burst').map((t) => t.cycle);
    expect(bursts).toEqual([0, 1, 2].map((i) => at('LAYER_START', i, 'conv2')));
    const windows = new Set(r.value.schedule.map((f) => `${f.window.start}-${f.window.end}`));
    expect(windows).toEqual(new Set([0, 1, 2].map((i) => `${at('LAYER_START', i, 'conv2')}-${at('LAYER_END', i, 'conv2')}`)));
    // floor(64 KiB * 8 bits * 1e-4) = 52 flips per burst.
    expect(r.value.schedule).toHaveLength(3 * 52);
  });

  it('aging adds its first stuck-at at the 10th inference start', () => {
    const tl12 = timeline(net, spec, 12);
    const r = runScenario(load('aging'), spec, tl12);
    if (!r.ok) throw new Error(r.reason);
    const start10 = tl12.find((e) => e.event.type === 'INFERENCE_START' && e.event.inference === 10)!.cycle;
    expect(r.value.schedule.map((f) => f.window.start)).toEqual([start10]);
    expect(r.value.schedule[0].location.kind).toBe('pe');
  });

  it('the BER sweep steps its rate at inferences 10, 20, 30 and redraws at every inference start', () => {
    const tl32 = timeline(net, spec, 32);
    const start = (i: number) => tl32.find((e) => e.event.type === 'INFERENCE_START' && e.event.inference === i)!.cycle;
    const r = runScenario(load('ber-sweep'), spec, tl32);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.rates.map((p) => [p.ber, p.start, p.end])).toEqual([
      [1e-7, 0, start(10)],
      [1e-6, start(10), start(20)],
      [1e-5, start(20), start(30)],
      [1e-4, start(30), undefined],
    ]);
    // Every flip window is one inference (the last one runs to the end of the run).
    for (const f of r.value.schedule) {
      const i = [...Array(32).keys()].find((k) => start(k) === f.window.start);
      expect(i).toBeDefined();
      expect(f.window.end).toBe(i === 31 ? undefined : start(i! + 1));
    }
    // At 1e-4 over 524,288 bits: about 52 flips per inference in inferences 30 and 31.
    const late = r.value.schedule.filter((f) => f.window.start >= start(30)).length;
    expect(late).toBeGreaterThan(52);
    expect(late).toBeLessThan(160);
  });

  it('every example schedule is accepted by the engine fault resolver (sim/faults/resolve)', () => {
    const tl12 = timeline(net, spec, 12);
    for (const ex of listScenarios()) {
      const r = runScenario(load(ex.id), spec, tl12);
      if (!r.ok) throw new Error(`${ex.id}: ${r.reason}`);
      const c = resolveFaults(spec, r.value.schedule, r.value.seed);
      expect(c.ok ? '' : `${ex.id}: ${c.reason}`).toBe('');
      if (c.ok) expect(c.value.length).toBeGreaterThanOrEqual(r.value.schedule.length);
    }
  });
});
