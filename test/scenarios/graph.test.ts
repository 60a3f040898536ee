/**
 * Model-based tests: xstate/graph shortest paths through every example machine; in each state
 * reached, the set of active faults and rate processes must be what the scenario's description says.
 */
import { describe, expect, it } from 'vitest';
import { listScenarios } from '../../scenarios/io/catalog';
import { loadScenarioFile } from '../../scenarios/io/load';
import { graphMachine, sampleEvents, shortestScenarioPaths } from '../../scenarios/paths';
import type { ScenarioContext } from '../../scenarios/types';
import type { FaultLocation } from '../../sim/faults/types';
import { DEFAULT_ARRAY_SPEC } from '../../sim/array/spec';
import { createActor, type AnyMachineSnapshot } from 'xstate';

const loc = (l: FaultLocation): string => (l.kind === 'address' ? `@${l.address}` : l.kind === 'pe' ? `@pe(${l.row},${l.col})` : '@random');
/** Summary of the fault state: active faults as "id target kind location bits[cluster]" and running rates. */
function summary(ctx: ScenarioContext): { faults: string[]; rates: string[] } {
  return {
    faults: ctx.active
      .map((f) => `${f.id} ${f.target} ${f.kind} ${loc(f.location)} b${f.bits.join(',')}${f.cluster ? ` ${f.cluster.rows}x${f.cluster.cols}` : ''}${f.count ? ` x${f.count}` : ''}`)
      .sort(),
    rates: ctx.rates.map((r) => `${r.target} ${r.model} ${r.ber}`).sort(),
  };
}

const ALL_PSUM_BITS = Array.from({ length: 32 }, (_, i) => i).join(',');
/** Expected fault state per example and state, written from each scenario's description. */
const EXPECTED: Record<string, Record<string, { faults: string[]; rates: string[] }>> = {
  'single-seu-weight': {
    waiting: { faults: [], rates: [] },
    struck: { faults: ['seu1 weightSram seu @100 b30'], rates: [] },
  },
  'act-burst-one-layer': {
    quiet: { faults: [], rates: [] },
    burst: { faults: [], rates: ['ifmapSram count 0.0001'] },
  },
  'psum-msb-stuck-at-1': { stuck: { faults: ['psum35 pe.psum stuckAt1 @pe(3,5) b30'], rates: [] } },
  'dead-pe-column': {
    healthy: { faults: [], rates: [] },
    dead: { faults: [`col7 pe.psum stuckAt0 @pe(0,7) b${ALL_PSUM_BITS} 16x1`], rates: [] },
  },
  aging: {
    healthy: { faults: [], rates: [] },
    aging: { faults: ['wear pe.weight stuckAt1 @random b29'], rates: [] },
  },
  'radiation-burst-scrub': {
    quiet: { faults: [], rates: [] },
    burst: { faults: ['latchup weightSram stuckAt1 @42 b29', 'mbu weightSram mbu @random b4,5'], rates: ['weightSram per-bit 0.00001'] },
    // The scrub ends the transient MBU and the rate process; the stuck-at bit stays.
    scrubbed: { faults: ['latchup weightSram stuckAt1 @42 b29'], rates: [] },
  },
  'seu-burst-random-pes': {
    quiet: { faults: [], rates: [] },
    shower: { faults: ['shower pe.weight seu @random b30 x8'], rates: [] },
  },
  'mbu-2x2-pe': {
    armed: { faults: [], rates: [] },
    hit: { faults: ['mbu2x2 pe.weight mbu @pe(4,4) b22,23 2x2'], rates: [] },
  },
  'ber-sweep': {
    ber1e7: { faults: [], rates: ['weightSram per-bit 1e-7'] },
    ber1e6: { faults: [], rates: ['weightSram per-bit 0.000001'] },
    ber1e5: { faults: [], rates: ['weightSram per-bit 0.00001'] },
    ber1e4: { faults: [], rates: ['weightSram per-bit 0.0001'] },
  },
  'stuck-pe-repair': {
    ok: { faults: [], rates: [] },
    'faulty.undetected': { faults: ['pe2_9 pe.input stuckAt0 @pe(2,9) b31'], rates: [] },
    'faulty.detected': { faults: ['pe2_9 pe.input stuckAt0 @pe(2,9) b31'], rates: [] },
    repaired: { faults: [], rates: [] },
  },
};

const examples = listScenarios();

describe('model-based: shortest paths through each example', () => {
  it('covers every shipped example', () => {
    expect(examples.map((e) => e.id).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const ex of examples) {
    it(`${ex.id}: every leaf state is reached and holds the expected faults`, () => {
      const v = loadScenarioFile(ex.file, DEFAULT_ARRAY_SPEC);
      if (!v.ok) throw new Error(v.reason);
      const paths = shortestScenarioPaths(v.value.file);
      const expected = EXPECTED[ex.id];
      expect(paths.map((p) => p.state).sort()).toEqual(Object.keys(expected).sort());
      for (const p of paths) expect({ state: p.state, ...summary(p.context) }).toEqual({ state: p.state, ...expected[p.state] });
      // Each step of a shortest path is a state the table knows (no stray intermediate state).
      for (const p of paths) for (const s of p.steps) expect(Object.keys(expected)).toContain(s.state);
    });
  }

  it('aging: each later 10th inference adds one more stuck-at fault (self-transition)', () => {
    const ex = examples.find((e) => e.id === 'aging');
    const v = loadScenarioFile(ex!.file, DEFAULT_ARRAY_SPEC);
    if (!v.ok) throw new Error(v.reason);
    const { machine, input } = graphMachine(v.value.file);
    const actor = createActor(machine, { input });
    actor.start();
    const counts: number[] = [];
    for (let inference = 0; inference < 45; inference++) {
      actor.send({ type: 'INFERENCE_START', cycle: 0, inference });
      counts.push((actor.getSnapshot().context as ScenarioContext).active.length);
    }
    actor.stop();
    // Healthy for 0..9, then one fault at 10, 20, 30, 40.
    expect(counts.slice(0, 10).every((c) => c === 0)).toBe(true);
    expect([counts[10], counts[19], counts[20], counts[30], counts[44]]).toEqual([1, 1, 2, 3, 4]);
    expect(new Set((actor.getSnapshot().context as ScenarioContext).active.map((f) => f.id))).toEqual(new Set(['wear', 'wear#2', 'wear#3', 'wear#4']));
  });

  it('sampled events include the delayed transitions of the active state', () => {
    const ex = examples.find((e) => e.id === 'radiation-burst-scrub');
    const v = loadScenarioFile(ex!.file, DEFAULT_ARRAY_SPEC);
    if (!v.ok) throw new Error(v.reason);
    const { machine, input } = graphMachine(v.value.file);
    const actor = createActor(machine, { input });
    actor.start();
    const types = sampleEvents(v.value.file, actor.getSnapshot() as AnyMachineSnapshot).map((e) => e.type);
    actor.stop();
    expect(types).toEqual(['xstate.after.5000.burstScrub.quiet']);
  });
});
