/**
 * Transitions as graph edges: a transition with a list of targets is drawn to every target (same
 * label), a guarded list of candidates to each candidate (own guard); deleting a target state
 * removes only the references into it; renaming rewrites the whole list.
 */
import { describe, expect, it } from 'vitest';
import { edgeLabel } from '../../../renderer/src/lib/designer-graph';
import { deleteState, deleteTransition, drawnEdges, edgesOf, nodeAt, renameState, type Json } from '../../../renderer/src/lib/scenario-doc';
import { validateScenario } from '../../../scenarios/validate';
import { DEFAULT_ARRAY_SPEC } from '../../../sim/array/spec';

const MULTI: Json = {
  name: 'Multi', description: 'A transition into both regions of a parallel state, and a guarded list.', version: 1, seed: 0,
  machine: {
    id: 'm', initial: 'idle',
    states: {
      idle: { after: { '1000': { target: ['#m.both.sram.hit', '#m.both.pe.hit'] } }, on: { INFERENCE_END: [{ target: 'spare', guard: { type: 'inferenceIs', params: { n: 2 } } }, { target: 'both' }] } },
      spare: {},
      both: {
        type: 'parallel',
        states: {
          sram: { initial: 'wait', states: { wait: {}, hit: {} } },
          pe: { initial: 'wait', states: { wait: {}, hit: {} } },
        },
      },
    },
  },
};

describe('drawnEdges: every target of a transition', () => {
  it('the document is a valid scenario', () => {
    expect(validateScenario(JSON.stringify(MULTI), DEFAULT_ARRAY_SPEC).ok).toBe(true);
  });

  it('a list of targets is one arrow per target with the same label; a guarded list one arrow per candidate with its own guard', () => {
    const d = drawnEdges(MULTI);
    const arrows = d.map((e) => `${e.source}>${e.target} ${edgeLabel(e)}`);
    expect(arrows).toEqual([
      'idle>spare INFERENCE_END [inferenceIs n=2]', 'idle>both INFERENCE_END',
      'idle>both.sram.hit after 1000', 'idle>both.pe.hit after 1000',
    ]);
    const after = d.filter((e) => e.trigger === 'after:1000');
    expect(after.map((e) => e.targets)).toEqual([['both.sram.hit', 'both.pe.hit'], ['both.sram.hit', 'both.pe.hit']]);
    // edgesOf (the form's view) still lists one entry per slot, drawn to its first target only
    expect(edgesOf(MULTI).filter((e) => e.trigger === 'after:1000').map((e) => e.target)).toEqual(['both.sram.hit']);
    // deleting through any arrow removes the whole transition (both arrows)
    const gone = deleteTransition(MULTI, after[1]!.entry);
    expect(drawnEdges(gone).filter((e) => e.trigger === 'after:1000')).toEqual([]);
    expect(drawnEdges(gone).length).toBe(2);
  });

  it('deleting one target of a list keeps the other; deleting a guarded candidate\'s target keeps the rest; the result stays valid', () => {
    const valid = (d: Json): boolean => validateScenario(JSON.stringify(d), DEFAULT_ARRAY_SPEC).ok;
    const a = deleteState(MULTI, 'both.sram.hit');
    expect(drawnEdges(a).map((e) => `${e.target} ${edgeLabel(e)}`)).toEqual(['spare INFERENCE_END [inferenceIs n=2]', 'both INFERENCE_END', 'both.pe.hit after 1000']);
    expect(valid(a)).toBe(true);
    const b = deleteState(MULTI, 'spare');
    expect(drawnEdges(b).map((e) => `${e.target} ${edgeLabel(e)}`)).toEqual(['both INFERENCE_END', 'both.sram.hit after 1000', 'both.pe.hit after 1000']);
    expect(valid(b)).toBe(true);
    const c = deleteState(MULTI, 'both'); // every transition out of idle led into both or spare
    expect(drawnEdges(c).map((e) => e.target)).toEqual(['spare']);
    expect(nodeAt(c, 'idle')?.after).toBeUndefined();
    expect(valid(c)).toBe(true);
    expect(drawnEdges(MULTI).length).toBe(4); // the input is not mutated
  });

  it('renaming a target state keeps every arrow (the list is rewritten)', () => {
    const d = renameState(MULTI, 'both', 'recover');
    expect(drawnEdges(d).filter((e) => e.trigger === 'after:1000').map((e) => e.target)).toEqual(['recover.sram.hit', 'recover.pe.hit']);
  });
});
