/**
 * End to end through the web shell against the real simulator (worker thread): the accelerator
 * view runs a scenario and inspects a faulty PE, the propagation view shows corrupted values in the
 * expected layer, the designer edits/saves/runs a scenario, demo mode animates. Screenshots go to
 * test-results/gui-*.png; console errors fail the suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, watchedPage } from './browser';
import { startBuiltApp, ROOT, SHOTS, type BuiltApp } from './built-app';
import { planRun } from '../../sim/engine/faultyPlan';
import { parseArraySpec } from '../../sim/array/spec';
import { readWeights } from '../../models/io/weights';
import { protectionsFor } from '../../electron/services/protections';

const root = ROOT;
const shots = SHOTS;
let userDir = '';

let shell: BuiltApp;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  shell = await startBuiltApp();
  userDir = join(shell.userDir, 'scenarios');
  browser = await launchChromium();
  page = await watchedPage(browser, problems);
  await page.goto(shell.url);
});

afterAll(async () => {
  await browser?.close();
  await shell?.close();
});

/** The parts of a canvas element the tests read (the Node typings have no DOM). */
interface Canvas {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { readonly data: ArrayLike<number> } };
}

/** Waits until no job runs and the run result is present. */
async function runAndWait(p: Page): Promise<void> {
  await p.locator('[data-testid=run]').click();
  await expect.poll(() => p.locator('[data-testid=timeline], [data-testid=layers]').count(), { timeout: 60_000 }).toBeGreaterThan(0);
  await expect.poll(() => p.locator('[data-testid=progress]').count(), { timeout: 60_000 }).toBe(0);
}

describe('GUI against the real simulator', () => {
  it('accelerator view: runs the psum stuck-at scenario, shows the faulty PE and inspects it', async () => {
    await page.goto(`${shell.origin}/#/accelerator`);
    await expect.poll(() => page.locator('[data-testid=scenario-pick] option').count()).toBeGreaterThan(3);
    await page.locator('[data-testid=scenario-pick]').selectOption('example:psum-msb-stuck-at-1');
    await runAndWait(page);
    expect(await page.locator('[data-testid=pe-grid]').count()).toBe(1);
    await page.locator('[data-testid=scrubber]').fill('200');
    const grid = page.locator('[data-testid=pe-grid]');
    const box = (await grid.boundingBox())!;
    // PE (3, 5) of the 16x16 grid.
    await grid.click({ position: { x: ((5 + 0.5) / 16) * box.width, y: ((3 + 0.5) / 16) * box.height } });
    await expect.poll(() => page.locator('[data-testid=inspector] h3').textContent()).toBe('PE (3, 5)');
    await expect.poll(() => page.locator('[data-testid=inspector] li').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=inspector] li').first().textContent()).toMatch(/stuckAt1 on pe\.psum PE \(3, 5\)/);
    // cycle 200 is a MAC of PE (3, 5) in conv1's first fold: three valued registers, psum bit 30 differs
    await expect.poll(() => page.locator('[data-testid=inspector] tbody').textContent()).toMatch(/psum register out\(\d+, 5\)/);
    expect(await page.locator('[data-testid=inspector] tbody').textContent()).toMatch(/input register x\[\d+\]\[3\].*weight register w\[3\]\[5\]/s);
    expect(await page.locator('[data-testid=inspect-diffbits]').allTextContents()).toContainEqual(expect.stringMatching(/\b30\b/));
    await page.screenshot({ path: join(shots, 'gui-accelerator.png'), fullPage: true });
  });

  it('propagation view: the psum stuck-at corrupts conv1 and its heatmaps are drawn', async () => {
    await page.locator('a[data-view=propagation]').click();
    await expect.poll(() => page.locator('[data-testid=layer]').count()).toBeGreaterThan(4);
    const conv1 = page.locator('[data-testid=layer][data-layer=conv1]');
    expect(Number(await conv1.getAttribute('data-corrupted'))).toBeGreaterThan(0);
    expect(await conv1.locator('canvas').count()).toBeGreaterThan(3);
    // Pick another test image: the run repeats for it.
    await expect.poll(() => page.locator('[data-testid=thumb]').count()).toBeGreaterThan(2);
    await page.locator('[data-testid=thumb]').nth(2).click();
    await expect.poll(() => page.locator('[data-testid=prediction]').textContent(), { timeout: 60_000 }).toMatch(/^Image 2/);
    await expect.poll(() => page.locator('[data-testid=progress]').count(), { timeout: 60_000 }).toBe(0);
    await page.screenshot({ path: join(shots, 'gui-propagation.png'), fullPage: false });
  });

  it('propagation view: switching the protection reruns with the protected network', async () => {
    const pick = page.locator('[data-testid=protection]');
    const offered = protectionsFor('lenet5').map((p) => p.id);
    expect(offered.length).toBeGreaterThan(1);
    await expect.poll(() => pick.locator('option').count()).toBe(offered.length);
    expect(await page.locator('[data-testid=run-protection]').textContent()).toBe('relu');
    const conv2 = page.locator('[data-testid=layer][data-layer=conv2]');
    const before = Number(await conv2.getAttribute('data-corrupted'));
    const chosen = offered[1]!;
    await pick.selectOption(chosen);
    await expect.poll(() => page.locator('[data-testid=run-protection]').textContent(), { timeout: 60_000 }).toBe(chosen);
    await expect.poll(() => page.locator('[data-testid=progress]').count(), { timeout: 60_000 }).toBe(0);
    // The bounded network changes what reaches conv2 (the same faults, other activations).
    const after = Number(await conv2.getAttribute('data-corrupted'));
    expect(after).toBeGreaterThan(0);
    expect(after).not.toBe(before);
    await page.screenshot({ path: join(shots, 'gui-propagation-protected.png'), fullPage: false });
    // Back to no protection for the following tests.
    await pick.selectOption('relu');
    await expect.poll(() => page.locator('[data-testid=run-protection]').textContent(), { timeout: 60_000 }).toBe('relu');
    await expect.poll(() => page.locator('[data-testid=progress]').count(), { timeout: 60_000 }).toBe(0);
    expect(Number(await conv2.getAttribute('data-corrupted'))).toBe(before);
  });

  it('designer: builds a scenario, shows a field error, saves it, runs it; the fault appears in conv2, not conv1', async () => {
    page.on('dialog', (d) => void d.accept());
    await page.locator('a[data-view=scenarios]').click();
    await page.locator('[data-testid=new]').click();
    await expect.poll(() => page.locator('.svelte-flow__node').count()).toBe(1);
    await page.locator('[data-testid=add-state]').click();
    await page.locator('[data-testid=state-name]').fill('hit');
    await page.locator('[data-testid=rename]').click();
    // Transition idle --after d--> hit, d inside conv2 (after conv1 has finished).
    const net = readWeights('lenet5');
    const spec = parseArraySpec({ rows: 16, cols: 16 });
    if (!net.ok || !spec.ok) throw new Error('lenet5 weights or spec missing');
    const plan = planRun(net.value.net, spec.value);
    const conv2 = plan.layers.find((l) => l.name === 'conv2')!;
    await page.locator('.svelte-flow__node[data-id=idle]').click();
    await page.locator('[data-testid=add-transition]').click();
    await page.locator('[data-testid=delay]').fill(String(conv2.start + 10));
    await page.locator('[data-testid=delay]').press('Tab');
    await page.locator('.svelte-flow__node[data-id=hit]').click();
    await page.locator('[data-testid=add-fault]').click();
    // A bit beyond the 32-bit psum register (checked once the machine is sound): the field and the node are flagged.
    await page.locator('[data-testid=fault-bits]').fill('40');
    await page.locator('[data-testid=fault-bits]').press('Tab');
    await expect.poll(() => page.locator('[data-testid=field-error]').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.svelte-flow__node.has-error').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'gui-designer-error.png') });
    await page.locator('[data-testid=fault-bits]').fill('30');
    await page.locator('[data-testid=fault-bits]').press('Tab');
    await expect.poll(() => page.locator('[data-testid=valid]').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.locator('.svelte-flow__edge').count()).toBe(1);
    await page.locator('[data-testid=save-id]').fill('e2e-designed');
    await page.locator('[data-testid=save]').click();
    await expect.poll(() => page.locator('[data-testid=designer-message]').textContent()).toMatch(/Saved/);
    const saved = JSON.parse(readFileSync(join(userDir, 'e2e-designed.json'), 'utf8')) as { machine: { states: Record<string, unknown> } };
    expect(Object.keys(saved.machine.states).sort()).toEqual(['hit', 'idle']);
    await page.screenshot({ path: join(shots, 'gui-designer.png') });
    await page.locator('[data-testid=run-designer]').click();
    await expect.poll(() => page.evaluate('location.hash')).toBe('#/propagation');
    await expect.poll(() => page.locator('[data-testid=progress]').count(), { timeout: 60_000 }).toBe(0);
    await expect.poll(() => page.locator('[data-testid=layer][data-layer=conv2]').getAttribute('data-corrupted'), { timeout: 60_000 }).not.toBe('0');
    expect(await page.locator('[data-testid=layer][data-layer=conv1]').getAttribute('data-corrupted')).toBe('0');
    await page.screenshot({ path: join(shots, 'gui-propagation-designed.png') });
  });

  it('comparison view: runs a small campaign; one accuracy curve per protection; CSV export; cancel', async () => {
    await page.locator('a[data-view=comparison]').click();
    await expect.poll(() => page.locator('[data-testid=campaign-file] option').count()).toBeGreaterThan(0);
    await page.locator('[data-testid=campaign-file]').selectOption('gui-protections');
    await page.locator('[data-testid=campaign-trials]').fill('2');
    await page.locator('[data-testid=campaign-images]').fill('8');
    await page.locator('[data-testid=campaign-run]').click();
    await expect.poll(() => page.locator('[data-testid=acc-chart] svg').count(), { timeout: 90_000 }).toBeGreaterThan(0);
    const campaign = JSON.parse(readFileSync(join(root, 'campaigns', 'gui-protections.json'), 'utf8')) as { protections: string[]; faults: { ber: number[] } };
    expect(campaign.protections.length).toBeGreaterThan(2);
    const curves = page.locator('[data-testid=acc-chart] g[aria-label=line] path');
    expect(await curves.count()).toBe(campaign.protections.length);
    // The overhead table has one row per protection and stays inside its card at 1280 px.
    const rows = page.locator('[data-testid=overhead] tbody tr');
    expect(await rows.count()).toBe(campaign.protections.length);
    const card = (await page.locator('[data-testid=overhead]').locator('xpath=ancestor::section[1]').boundingBox())!;
    const wrap = (await page.locator('[data-testid=overhead]').locator('xpath=..').boundingBox())!;
    expect(wrap.x + wrap.width).toBeLessThanOrEqual(card.x + card.width + 0.5);
    expect(await page.locator('[data-testid=sdc-chart] g[aria-label=bar] rect').count()).toBeGreaterThan(0);
    const dl = page.waitForEvent('download');
    await page.locator('[data-testid=export-csv]').click();
    const file = await dl;
    const text = readFileSync((await file.path())!, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^model,protection,format,fault/);
    expect(text.trim().split('\n').length).toBe(1 + campaign.protections.length * campaign.faults.ber.length);
    await page.screenshot({ path: join(shots, 'gui-comparison.png'), fullPage: true });
    // A long campaign is cancelled from the GUI within a second.
    await page.locator('[data-testid=campaign-trials]').fill('100');
    await page.locator('[data-testid=campaign-images]').fill('500');
    await page.locator('[data-testid=campaign-run]').click();
    await expect.poll(() => page.locator('[data-testid=campaign-progress]').count()).toBe(1);
    await page.locator('[data-testid=campaign-cancel]').click();
    await expect.poll(() => page.locator('[data-testid=campaign-progress]').count(), { timeout: 2000 }).toBe(0);
    await expect.poll(() => page.locator('[data-testid=campaign-notice]').textContent()).toBe('Campaign cancelled.');
    expect(await page.locator('.note.error').count()).toBe(0);
  });

  it('demo mode: loads a preset, plays with requestAnimationFrame, steps by cycle and layer, goes full window', async () => {
    await page.locator('a[data-view=demo]').click();
    await page.locator('[data-testid=demo-preset]').selectOption('psum-msb-stuck-at-1');
    await page.locator('[data-testid=demo-load]').click();
    await expect.poll(() => page.locator('[data-testid=demo-cycle]').count(), { timeout: 60_000 }).toBe(1);
    const cycleNow = async (): Promise<number> => Number((await page.locator('[data-testid=demo-cycle]').textContent())!.replace(/[^0-9]/g, ''));
    expect(await cycleNow()).toBe(0);
    await page.locator('[data-testid=demo-step]').click();
    expect(await cycleNow()).toBe(1);
    await page.locator('[data-testid=demo-next-layer]').click();
    const afterLayer = await cycleNow();
    expect(afterLayer).toBeGreaterThan(1);
    await page.locator('[data-testid=demo-play]').click();
    await expect.poll(cycleNow, { timeout: 5000 }).toBeGreaterThan(afterLayer + 50);
    await expect.poll(() => page.locator('[data-testid=fps]').textContent(), { timeout: 5000 }).toMatch(/[1-9][0-9]* fps/);
    await page.locator('[data-testid=demo-play]').click();
    await page.locator('[data-testid=demo-full]').click();
    await page.screenshot({ path: join(shots, 'gui-demo.png') });
    await page.keyboard.press('Escape');
    expect(await page.locator('.demo.full').count()).toBe(0);
  });

  it('accelerator view on a 128x128 array: runs, draws every PE, shows the faulty one, inspects it', async () => {
    await page.goto(`${shell.origin}/#/accelerator`);
    await page.locator('[data-testid=rows]').fill('128');
    await page.locator('[data-testid=cols]').fill('128');
    await page.locator('[data-testid=scenario-pick]').selectOption('example:psum-msb-stuck-at-1');
    const t0 = Date.now();
    await runAndWait(page);
    const runMs = Date.now() - t0;
    const grid = page.locator('[data-testid=pe-grid]');
    expect(await grid.getAttribute('aria-label')).toMatch(/128 by 128/);
    // one cell per PE: the canvas is 128 cells (+1 line) wide and high (3 px per PE at the default 440 px)
    const [w, h] = await grid.evaluate((c) => [(c as unknown as Canvas).width, (c as unknown as Canvas).height]);
    expect(w).toBe(h);
    // 128 cells plus the closing grid line
    expect((w - 1) % 128).toBe(0);
    const cell = (w - 1) / 128;
    expect(cell).toBeGreaterThanOrEqual(3);
    // PE (3, 5) carries the stuck-at: drawn red; a PE far away is not
    // one readback of the whole canvas (several make Chromium warn on the console)
    const [faultyPx, otherPx] = await grid.evaluate((c, at) => {
      const cv = c as unknown as Canvas;
      const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
      return at.map(([x, y]) => [0, 1, 2, 3].map((i) => d[(y * cv.width + x) * 4 + i]));
    }, [[5 * cell + 2, 3 * cell + 2], [100 * cell + 2, 90 * cell + 2]]);
    expect(faultyPx[0]).toBeGreaterThan(120); // red channel of #ff4d4d / #8a2b35
    expect(faultyPx[0]).toBeGreaterThan(2 * faultyPx[2]);
    expect(otherPx).not.toEqual(faultyPx);
    const box = (await grid.boundingBox())!;
    await grid.click({ position: { x: ((5 + 0.5) / 128) * box.width, y: ((3 + 0.5) / 128) * box.height } });
    await expect.poll(() => page.locator('[data-testid=inspector] h3').textContent()).toBe('PE (3, 5)');
    await expect.poll(() => page.locator('[data-testid=inspector] li').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=inspector] li').first().textContent()).toMatch(/stuckAt1 on pe\.psum PE \(3, 5\)/);
    await page.screenshot({ path: join(shots, 'gui-accelerator-128.png'), fullPage: true });
    console.log(`128x128 run through the GUI: ${runMs} ms`);
    // back to the 16x16 array
    await page.locator('[data-testid=rows]').fill('16');
    await page.locator('[data-testid=cols]').fill('16');
  });

  it('logged no console errors', () => {
    expect(problems).toEqual([]);
  });
});
