/** The scenario fault state: the run-wide fault limit, and the in-place (linear) single run giving
 * the same fault state as the copying one used for graph traversal. */
import { describe, expect, it } from 'vitest';
import { emptyContext, injectFault, repair, scrub } from '../../scenarios/faultstate';
import { MAX_RUN_FAULTS } from '../../sim/faults/resolve';
import type { InjectFaultParams } from '../../scenarios/types';

const clock = { now: () => 0 };
const p = (id?: string): InjectFaultParams => ({ ...(id ? { id } : {}), target: 'weightSram', kind: 'seu', location: { kind: 'address', address: 3 }, bits: [1] });

describe('scenario fault state', () => {
  it('refuses a declaration beyond MAX_RUN_FAULTS with an error naming the limit', () => {
    const full = { ...emptyContext(clock, true), seq: MAX_RUN_FAULTS };
    expect(() => injectFault(full, p(), 5)).toThrow(new RegExp(`more than ${MAX_RUN_FAULTS} faults`));
  });
  it('the linear (in-place) run builds the same faults, ids and windows as the copying one', () => {
    const steps = (linear: boolean) => {
      let c = emptyContext(clock, linear);
      const before = c;
      for (let i = 0; i < 50; i++) c = injectFault(c, p(i % 3 === 0 ? 'burst' : undefined), i);
      c = repair(c, 'burst', 60);
      c = scrub(c, { target: 'weightSram' }, 70);
      return { c, before };
    };
    const a = steps(true).c;
    const { c: b, before } = steps(false);
    expect(a.active).toEqual(b.active);
    expect(a.ended).toEqual(b.ended);
    expect(a.ended.filter((f) => f.id.startsWith('burst')).map((f) => f.id).slice(0, 3)).toEqual(['burst', 'burst#2', 'burst#3']);
    // the copying mode never changes an earlier context (graph traversal branches from it)
    expect(before.active).toEqual([]);
  });
});
