import { describe, expect, it } from 'vitest';
import { runWithFaults } from '../../../sim/engine/run';
import { predictions } from '../../../sim/engine/tensors';
import { arrayOrderKernel, seeded, spec, tinyNet } from './faultyHelpers';

describe('runWithFaults', () => {
  const net = tinyNet(21);
  const s = spec(4, 3, 'os');
  const images = seeded(4 * 72, 3);
  it('runs golden + faulty and reports top-1 of both', () => {
    const r = runWithFaults({
      network: net, spec: s, images, kernel: arrayOrderKernel, seed: 5,
      faults: [{ target: 'pe.weight', kind: 'stuckAt1', location: { kind: 'pe', row: 1, col: 1 }, bits: [30], window: { start: 0 } }],
    });
    if (!r.ok) throw new Error(r.reason);
    const { golden, faulty, goldenTop1, faultyTop1 } = r.value;
    expect(faulty.touchedImages).toEqual([0, 1, 2, 3]);
    expect(goldenTop1).toEqual(golden.predictions);
    for (let i = 0; i < 4; i++) expect(faultyTop1[i]).toBe(predictions(faulty.output(3, i), 1, 4)[0]);
    expect(faulty.layers[0].corrupted).toBeGreaterThan(0);
    expect(faulty.cycles.total).toBe(4 * faulty.cycles.inference);
    // reusing the golden run gives the same faulty result
    const again = runWithFaults({ network: net, spec: s, images, kernel: arrayOrderKernel, seed: 5, golden, faults: [{ target: 'pe.weight', kind: 'stuckAt1', location: { kind: 'pe', row: 1, col: 1 }, bits: [30], window: { start: 0 } }] });
    if (!again.ok) throw new Error(again.reason);
    expect(Array.from(again.value.faultyTop1)).toEqual(Array.from(faultyTop1));
  });
  it('returns a failure naming the field for a fault outside the array', () => {
    const r = runWithFaults({ network: net, spec: s, images, kernel: arrayOrderKernel, faults: [{ target: 'pe.psum', kind: 'seu', location: { kind: 'pe', row: 9, col: 0 }, bits: [1], window: { start: 0 } }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.path).toBe('faults[0].location.row');
  });
});
