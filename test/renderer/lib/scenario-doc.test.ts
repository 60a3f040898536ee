/** Designer document edits: every edit keeps the scenario valid for the validator where it should. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addState, blankScenario, deleteState, deleteTransition, edgesOf, isInitialPath, kindOf, moveState, nodeAt, renameState, setEntryActions, setInitial, setKind, setTransition,
  stateNames, stateOfPath, type Json,
} from '../../../renderer/src/lib/scenario-doc';
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

  it('maps validation paths inside nested states to the nested state path', () => {
    expect(stateOfPath('machine.states.faulty.states.detected.on.INFERENCE_START.target')).toBe('faulty.detected');
    expect(stateOfPath('machine.states.faulty.initial')).toBe('faulty');
  });
});

describe('scenario-doc: compound and parallel states', () => {
  it('lists nested states by path and resolves sibling, child and #id targets', () => {
    const d = example('stuck-pe-repair.json');
    expect(stateNames(d)).toEqual(['ok', 'faulty', 'faulty.undetected', 'faulty.detected', 'repaired']);
    expect(kindOf(d, 'faulty')).toBe('compound');
    expect(isInitialPath(d, 'faulty.undetected')).toBe(true);
    expect(isInitialPath(d, 'faulty.detected')).toBe(false);
    expect(edgesOf(d).map((e) => `${e.source}>${e.target}`)).toEqual(['ok>faulty', 'faulty.undetected>faulty.detected', 'faulty.detected>repaired']);
  });

  it('adds a child state (the parent becomes compound with it as initial), connects across levels, stays valid', () => {
    let d = blankScenario();
    let p: string;
    [d, p] = addState(d, 'burst');
    [d, p] = addState(d, 'hit', 'burst');
    expect(p).toBe('burst.hit');
    expect((nodeAt(d, 'burst') as Json).initial).toBe('hit');
    [d] = addState(d, 'calm', 'burst');
    d = setTransition(d, { source: 'idle', target: 'burst', trigger: 'after:100' });
    d = setTransition(d, { source: 'burst.hit', target: 'burst.calm', trigger: 'after:50' });
    d = setTransition(d, { source: 'burst.calm', target: 'idle', trigger: 'INFERENCE_END' });
    d = setTransition(d, { source: 'idle', target: 'burst.calm', trigger: 'INFERENCE_START' });
    const b = nodeAt(d, 'burst') as Json;
    expect(((b.states as Record<string, Json>).calm.on as Json).INFERENCE_END).toBe('#scenario.idle');
    expect(((nodeAt(d, 'idle') as Json).on as Json).INFERENCE_START).toBe('#scenario.burst.calm');
    expect(edgesOf(d).map((e) => `${e.source}>${e.target}`).sort()).toEqual(['burst.calm>idle', 'burst.hit>burst.calm', 'idle>burst', 'idle>burst.calm']);
    expect(valid(d)).toBe(true);
    d = setInitial(d, 'burst.calm');
    expect((nodeAt(d, 'burst') as Json).initial).toBe('calm');
    d = deleteTransition(d, { source: 'burst.calm', target: 'idle', trigger: 'INFERENCE_END' });
    expect(edgesOf(d).some((e) => e.source === 'burst.calm')).toBe(false);
  });

  it('renaming a compound state rewrites #id targets and child paths; the example stays valid', () => {
    const d = renameState(example('stuck-pe-repair.json'), 'faulty', 'stuck');
    expect(stateNames(d)).toEqual(['ok', 'stuck', 'stuck.undetected', 'stuck.detected', 'repaired']);
    expect(valid(d)).toBe(true);
    const r = renameState(d, 'stuck.detected', 'seen');
    expect((nodeAt(r, 'stuck') as Json).initial).toBe('undetected');
    expect(edgesOf(r).map((e) => `${e.source}>${e.target}`)).toEqual(['ok>stuck', 'stuck.undetected>stuck.seen', 'stuck.seen>repaired']);
    expect(valid(r)).toBe(true);
    // A full path with the same parent is accepted too; an invalid key changes nothing.
    expect(stateNames(renameState(r, 'stuck.seen', 'stuck.found'))).toContain('stuck.found');
    expect(stateNames(renameState(r, 'stuck.seen', 'bad name'))).toEqual(stateNames(r));
  });

  it('deleting a nested state removes transitions into it and moves its parent\'s initial; deleting a container removes its children', () => {
    const d0 = example('stuck-pe-repair.json');
    const d = deleteState(d0, 'faulty.undetected');
    expect((nodeAt(d, 'faulty') as Json).initial).toBe('detected');
    expect(valid(d)).toBe(true);
    const e = deleteState(d0, 'faulty');
    expect(stateNames(e)).toEqual(['ok', 'repaired']);
    expect(edgesOf(e)).toEqual([]);
  });

  it('makes a state parallel (two regions), compound, then simple again; each step valid', () => {
    let d = setTransition(addState(blankScenario(), 'both')[0], { source: 'idle', target: 'both', trigger: 'after:10' });
    d = setKind(d, 'both', 'parallel');
    expect(kindOf(d, 'both')).toBe('parallel');
    expect(stateNames(d)).toEqual(['idle', 'both', 'both.region1', 'both.region1.idle', 'both.region2', 'both.region2.idle']);
    expect((nodeAt(d, 'both') as Json).initial).toBeUndefined();
    expect(isInitialPath(d, 'both.region1')).toBe(false);
    expect(valid(d)).toBe(true);
    d = setKind(d, 'both', 'compound');
    expect((nodeAt(d, 'both') as Json).initial).toBe('region1');
    // Now only one child is active at a time: region2 (and its idle state) is unreachable, and the validator says so.
    const r = validateScenario(JSON.stringify(d), DEFAULT_ARRAY_SPEC);
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual(['machine.states.both.states.region2', 'machine.states.both.states.region2.states.idle']);
    d = setKind(d, 'both', 'atomic');
    expect(stateNames(d)).toEqual(['idle', 'both']);
    expect(valid(d)).toBe(true);
  });
});

describe('scenario-doc: moving a state between containers', () => {
  it('moves a nested state to the top level and back, rewriting targets both ways; valid throughout', () => {
    const d0 = example('stuck-pe-repair.json');
    const [d1, p1] = moveState(d0, 'faulty.detected', '');
    expect(p1).toBe('detected');
    expect(stateNames(d1)).toEqual(['ok', 'faulty', 'faulty.undetected', 'repaired', 'detected']);
    expect(edgesOf(d1).map((e) => `${e.source}>${e.target}`)).toEqual(['ok>faulty', 'faulty.undetected>detected', 'detected>repaired']);
    expect(valid(d1)).toBe(true);
    const [d2, p2] = moveState(d1, 'detected', 'faulty');
    expect(p2).toBe('faulty.detected');
    expect(edgesOf(d2).map((e) => `${e.source}>${e.target}`)).toEqual(['ok>faulty', 'faulty.undetected>faulty.detected', 'faulty.detected>repaired']);
    expect(valid(d2)).toBe(true);
    // Into itself or a descendant: nothing moves.
    expect(moveState(d2, 'faulty', 'faulty.undetected')[1]).toBe('faulty');
  });
});
