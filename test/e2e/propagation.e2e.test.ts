/**
 * Propagation view against the built app: the protections with committed weights are offered
 * (the built app finds models/weights/protected), and a designed scenario whose fault starts at
 * cycle 50,000 (the fourth LeNet inference) is shown on the inference it hits, with an inference
 * selector and counts labelled per image and over all images.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openSession, idle, shootBoth, type Session } from './helpers';
import { protectionsFor } from '../../electron/services/protections';
import { planRun } from '../../sim/engine/faultyPlan';
import { parseArraySpec } from '../../sim/array/spec';
import { readWeights } from '../../models/io/weights';

let s: Session;
let page: Page;

beforeAll(async () => {
  s = await openSession();
  page = s.page;
});
afterAll(async () => s?.close());

const LATE = {
  name: 'Late stuck-at', description: 'A stuck-at-1 on bit 30 of the partial sum of PE (3, 5) from cycle 50,000 on, i.e. during the fourth LeNet inference.', version: 1, seed: 0,
  machine: {
    id: 'late', initial: 'idle',
    states: {
      idle: { after: { 50000: 'hit' } },
      hit: { type: 'final', entry: [{ type: 'injectFault', params: { target: 'pe.psum', kind: 'stuckAt1', location: { kind: 'pe', row: 3, col: 5 }, bits: [30] } }] },
    },
  },
};

describe('propagation view', () => {
  it('offers every protection with committed weights (found by the built app)', async () => {
    await page.locator('a[data-view=propagation]').click();
    const offered = protectionsFor('lenet5').map((p) => p.id);
    expect(offered.length).toBeGreaterThan(1);
    const opts = page.locator('[data-testid=protection] option');
    await expect.poll(() => opts.count()).toBe(offered.length);
    expect(await opts.evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value))).toEqual(offered);
  });

  it('a designed fault at cycle 50,000 is shown on the inference it hits, with a selector and labelled counts', async () => {
    const net = readWeights('lenet5');
    const spec = parseArraySpec({ rows: 16, cols: 16 });
    if (!net.ok || !spec.ok) throw new Error('lenet5 weights or spec missing');
    const plan = planRun(net.value.net, spec.value);
    const perInference = plan.inferenceCycles;
    const hitInference = Math.floor(50000 / perInference);
    expect(hitInference).toBeGreaterThan(0);
    await page.locator('[data-testid=images]').fill(String(hitInference + 1));
    // Build the scenario in the designer's JSON panel and run it from there.
    await page.locator('a[data-view=scenarios]').click();
    await page.locator('[data-testid=new]').click();
    await page.locator('[data-testid=code]').fill(JSON.stringify(LATE, null, 2));
    await expect.poll(() => page.locator('.svelte-flow__node[data-id=hit]').count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid=valid]').count(), { timeout: 10_000 }).toBe(1);
    await page.locator('[data-testid=save-id]').fill('late-fault');
    await page.locator('[data-testid=run-designer]').click();
    await expect.poll(() => page.evaluate('location.hash')).toBe('#/propagation');
    await expect.poll(() => page.locator('[data-testid=layers]').count(), { timeout: 90_000 }).toBe(1);
    await idle(page);
    const pick = page.locator('[data-testid=view-image]');
    expect(await pick.inputValue()).toBe(String(hitInference));
    expect(await page.locator('[data-testid=touched]').textContent()).toBe(`Faults reach inference ${hitInference} of ${hitInference + 1}.`);
    expect(await pick.locator('option').count()).toBe(hitInference + 1);
    expect(await pick.locator(`option[value="${hitInference}"]`).textContent()).toMatch(/faults reach it$/);
    // The array layer running at cycle 50,000 is the first one hit; the layers before it are clean.
    const local = 50000 - hitInference * perInference;
    const hitLayer = plan.layers.find((l) => l.unit === 'array' && l.start <= local && local < l.start + l.cycles)!;
    expect(hitLayer).toBeDefined();
    const layer = (n: string) => page.locator(`[data-testid=layer][data-layer=${n}]`);
    for (const l of plan.layers.filter((q) => q.index < hitLayer.index)) expect(await layer(l.name).getAttribute('data-corrupted'), l.name).toBe('0');
    const conv1 = layer(hitLayer.name);
    const here = Number(await conv1.getAttribute('data-corrupted-here'));
    const all = Number(await conv1.getAttribute('data-corrupted'));
    expect(here).toBeGreaterThan(0);
    // One inference is hit: the per-image and all-images counts agree, and both are labelled.
    expect(all).toBe(here);
    expect(await conv1.locator('.stats').textContent()).toMatch(new RegExp(`this image: corrupted ${here.toLocaleString('en-US')} / [\\d,]+.*all ${hitInference + 1} images: ${all.toLocaleString('en-US')} /`));
    expect(await page.locator('.maps-label').first().textContent()).toBe(`image #${hitInference} (inference ${hitInference}) · per channel: golden, faulty, |Δ|`);
    await shootBoth(page, 'propagation-late-fault');
    // Inference 0 is clean: shown on request, with zero corrupted in this image and the all-images count unchanged.
    await pick.selectOption('0');
    await expect.poll(() => pick.inputValue(), { timeout: 60_000 }).toBe('0');
    await idle(page);
    await expect.poll(() => conv1.getAttribute('data-corrupted-here'), { timeout: 60_000 }).toBe('0');
    expect(Number(await conv1.getAttribute('data-corrupted'))).toBe(all);
    expect(await page.locator('[data-testid=prediction]').textContent()).toMatch(/^Image 0/);
    await page.locator('[data-testid=images]').fill('1');
    expect(s.problems).toEqual([]);
  });
});
