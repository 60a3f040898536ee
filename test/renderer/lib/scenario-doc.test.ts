/** Designer document edits: every edit keeps the scenario valid for the validator where it should. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addState, blankScenario, deleteState, edgesOf, renameState, setEntryActions, setTransition, stateNames, stateOfPath } from '../../../renderer/src/lib/scenario-doc';
import { validateScenario } from '../../../scenarios/validate';
import { DEFAULT_ARRAY_SPEC } from '../../../sim/array/spec';

const valid = (d: unknown): boolean => validateScenario(JSON.stringify(d), DEFAULT_ARRAY_SPEC).ok;
const example = (f: string) => JSON.parse(readFileSync(join(import.meta.dirname, '../../../scenarios/examples', f), 'utf8')) as Record<string, unknown>;

describe('scenario-doc', () => {
  it('builds a valid two-state scenario from a blank one', () => {
    let d = blankScenario();
    expect(valid(d)).toBe(true);
    const [d1, name] = addState(d, 'hit');
    d = d1;
    d = setTransition(d, { source: 'idle', target: name, trigger: 'after:500' });
    d = setEntryActions(d, name, [{ type: 'injectFault', params: { target: 'pe.psum', kind: 'stuckAt1', location: { kind: 'pe', row: 1, col: 2 }, bits: [30] } }]);
    expect(valid(d)).toBe(true);
    expect(edgesOf(d)).toEqual([{ source: 'idle', target: 'hit', trigger: 'after:500' }]);
  });

  it('renaming a state rewrites targets and initial; the example stays valid', () => {
    const d0 = example('single-seu-weight.json');
    const d = renameState(d0, 'waiting', 'calm');
    expect(stateNames(d)).toEqual(['calm', 'struck']);
    expect((d.machine as { initial: string }).initial).toBe('calm');
    expect(valid(d)).toBe(true);
    expect(stateNames(d0)).toEqual(['waiting', 'struck']);
  });

  it('deleting a state removes transitions into it', () => {
    const d = deleteState(example('single-seu-weight.json'), 'struck');
    expect(edgesOf(d)).toEqual([]);
    expect(stateNames(d)).toEqual(['waiting']);
  });

  it('maps validation paths to states', () => {
    expect(stateOfPath('machine.states.burst.entry[0].params.bits[1]')).toBe('burst');
    expect(stateOfPath('requires.rows')).toBeNull();
  });
});
