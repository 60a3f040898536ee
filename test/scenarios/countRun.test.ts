/**
 * A scenario with one count action run through the one pipeline (pipeline/run.ts, as the CLI, the
 * GUI and campaigns run it): N SEUs on bit 30 of the weight registers of N distinct random PEs
 * while conv1 runs. The run differs from golden where a drawn PE holds a conv1 weight during the
 * window (its fault touches GEMM terms), and a fault on a PE conv1 does not use (ws: column >= its
 * 6 filters) touches nothing; the same seed gives the same PEs and the same outputs.
 */
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/run';
import type { RunDeclaration } from '../../pipeline/types';

const N = 12;
const scenario = (seed: number): string => JSON.stringify({
  name: 'N SEUs', description: 'N SEUs at random PEs during conv1', version: 1, seed,
  machine: {
    id: 'm', initial: 'idle',
    states: {
      idle: { after: { 40: 'hit' } },
      hit: { type: 'final', entry: [{ type: 'injectFault', params: { id: 'shower', target: 'pe.weight', kind: 'seu', location: { kind: 'random' }, bits: [30], duration: 200, count: N } }] },
    },
  },
});
const decl = (seed: number): RunDeclaration => ({
  model: 'lenet5', protection: 'relu', format: { kind: 'fp32' }, array: { rows: 16, cols: 16, dataflow: 'ws' },
  faults: { kind: 'scenario', text: scenario(seed) }, images: { start: 0, count: 2 },
});

describe('count action through the pipeline', () => {
  it('N faults at N distinct PEs; the run differs from golden exactly when a drawn PE is used', async () => {
    let sawUsed = false, sawUnused = false;
    for (const seed of [1, 2, 3]) {
      const r = await runPipeline(decl(seed));
      if (!r.ok) throw new Error(r.reason);
      const o = r.value;
      const conv1 = o.plan.layers[0]!;
      expect(conv1.unit).toBe('array');
      expect(40 + 200).toBeLessThanOrEqual(conv1.start + conv1.cycles); // the whole window lies in conv1
      expect(o.faultCount).toBe(N);
      expect(o.faultsByTarget).toEqual({ 'pe.weight': N });
      const pes = o.scenario!.schedule.map((f) => (f.location.kind === 'pe' ? `${f.location.row},${f.location.col}` : '?'));
      expect(new Set(pes).size).toBe(N);
      const touches = o.faulty.engine!.faultTouches;
      const cols = o.scenario!.schedule.map((f) => (f.location.kind === 'pe' ? f.location.col : -1));
      cols.forEach((c, i) => {
        if (c >= 6) { expect(touches[i], `PE column ${c} holds no conv1 weight`).toBe(0); sawUnused = true; }
      });
      const used = touches.some((t) => t > 0);
      sawUsed ||= used;
      expect(o.faulty.layers[0]!.corrupted > 0).toBe(used); // differs from golden iff a fault touched a term
      if (!used) expect(o.faulty.layers.every((l) => l.corrupted === 0)).toBe(true);
      // same seed, same PEs and outputs
      const again = await runPipeline(decl(seed));
      if (!again.ok) throw new Error(again.reason);
      expect(again.value.scenario!.schedule).toEqual(o.scenario!.schedule);
      expect(Array.from(again.value.faulty.output)).toEqual(Array.from(o.faulty.output));
    }
    expect(sawUsed).toBe(true);
    expect(sawUnused).toBe(true);
  }, 300_000);
});
