/**
 * "N SEUs at random PEs" as one designer action, against the built app: the state form offers it
 * with a count field, the action is listed with its count inside its state in the graph, the JSON
 * panel holds `count`, a count the array cannot hold shows the validator's message on the field,
 * and running the scenario gives N faults in the propagation and accelerator views.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { idle, openSession, shootBoth, type Session } from './helpers';

let s: Session;
let page: Page;

beforeAll(async () => {
  s = await openSession();
  page = s.page;
  page.on('dialog', (d) => void d.accept());
});
afterAll(async () => s?.close());

const BASE = {
  name: 'N SEUs', description: 'A shower of SEUs at random PEs 100 cycles into the run, built in the designer as one action with a count.', version: 1, seed: 11,
  machine: { id: 'nseu', initial: 'idle', states: { idle: { after: { 100: 'hit' } }, hit: { type: 'final' } } },
};
const actionsOf = (state: string): Promise<string[]> => page.locator(`.svelte-flow__node[data-id=${state}] [data-testid=node-actions] li`).allTextContents();
type Doc = { machine: { states: Record<string, { entry?: { type: string; params: Record<string, unknown> }[] }> } };
const codeDoc = async (): Promise<Doc> => JSON.parse(await page.locator('[data-testid=code]').inputValue()) as Doc;

describe('designer: N SEUs at random PEs', () => {
  it('adds the action with a count, lists it in its state, keeps the JSON in sync, and refuses a count the array cannot hold', async () => {
    await page.locator('a[data-view=scenarios]').click();
    await page.locator('[data-testid=new]').click();
    await page.locator('[data-testid=code]').fill(JSON.stringify(BASE, null, 2));
    await expect.poll(() => page.locator('.svelte-flow__node[data-id=hit]').count()).toBe(1);
    await page.locator('.svelte-flow__node[data-id=hit]').click();
    await page.locator('[data-testid=add-nseu]').click();
    await expect.poll(() => actionsOf('hit')).toEqual(['inject 4× seu pe.weight @ 4 random PEs b30']);
    const count = page.locator('[data-testid=fault-count]');
    expect(await count.inputValue()).toBe('4');
    await count.fill('6');
    await count.press('Tab');
    await expect.poll(() => actionsOf('hit')).toEqual(['inject 6× seu pe.weight @ 6 random PEs b30']);
    expect(await page.locator('[data-testid=action] legend').first().textContent()).toMatch(/injectFault\s*× 6 at random PEs/);
    const entry = (await codeDoc()).machine.states['hit']!.entry!;
    expect(entry).toEqual([{ type: 'injectFault', params: { target: 'pe.weight', kind: 'seu', location: { kind: 'random' }, bits: [30], count: 6 } }]);
    await expect.poll(() => page.locator('[data-testid=valid]').count(), { timeout: 10_000 }).toBe(1);
    // 300 faults do not fit 256 PEs: the validator's message on the count field, Run off
    await count.fill('300');
    await count.press('Tab');
    await expect.poll(() => page.locator('[data-testid=count-error]').textContent(), { timeout: 10_000 }).toMatch(/more faults than PEs in the 16x16 array/);
    expect(await page.locator('[data-testid=validation]').textContent()).toMatch(/params\.count.*expected 1\.\.256, found 300/s);
    expect(await page.locator('[data-testid=run-designer]').isDisabled()).toBe(true);
    await shootBoth(page, 'designer-nseu-refused');
    await count.fill('6');
    await count.press('Tab');
    await expect.poll(() => page.locator('[data-testid=valid]').count(), { timeout: 10_000 }).toBe(1);
    await shootBoth(page, 'designer-nseu');
  });

  it('a run of the scenario reports 6 faults (propagation and accelerator views)', async () => {
    await page.locator('[data-testid=save-id]').fill('nseu');
    await page.locator('[data-testid=run-designer]').click();
    await expect.poll(() => page.evaluate('location.hash')).toBe('#/propagation');
    await expect.poll(() => page.locator('[data-testid=layers]').count(), { timeout: 90_000 }).toBe(1);
    await idle(page);
    await expect.poll(() => page.getByText(/· 6 fault\(s\)/).count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await shootBoth(page, 'designer-nseu-propagation');
    await page.locator('a[data-view=accelerator]').click();
    await expect.poll(() => page.getByText(/6 concrete fault\(s\)/).count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await shootBoth(page, 'designer-nseu-accelerator');
    expect(s.problems).toEqual([]);
  });
});
