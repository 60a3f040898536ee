/**
 * Demo view against the built app: each preset replays the inference its fault reaches, plays
 * through to fc3 and the golden-vs-faulty prediction, captions every step, shows a chosen
 * protection side by side, scales up in full screen, and starts from an image the fault-free
 * model classifies correctly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SHOTS } from './built-app';
import { openSession, shootBoth, canvasPixels, type Session } from './helpers';
import { protectionsFor } from '../../electron/services/protections';

let s: Session;
let page: Page;

beforeAll(async () => {
  s = await openSession();
  page = s.page;
});
afterAll(async () => s?.close());

const cycleNow = async (): Promise<number> => Number((await page.locator('[data-testid=demo-cycle]').textContent())!.replace(/[^0-9]/g, ''));
const caption = async (): Promise<string> => (await page.locator('[data-testid=demo-caption]').textContent()) ?? '';

async function load(preset: string): Promise<void> {
  await page.locator('[data-testid=demo-preset]').selectOption(preset);
  await page.locator('[data-testid=demo-load]').click();
  await expect.poll(() => page.locator('[data-testid=demo-cycle]').count(), { timeout: 90_000 }).toBe(1);
  await expect.poll(() => page.locator('[data-testid=demo-load]').textContent(), { timeout: 90_000 }).toBe('Load');
}

/** The shown inference, the label and golden / faulty predictions as the stage prints them. */
async function shown(): Promise<{ inference: number; label: number | null }> {
  const t = (await page.locator('.big').textContent()) ?? '';
  const m = /inference (\d+) \(image #\d+(?:, label (\d+))?\)/.exec(t);
  expect(m, t).not.toBeNull();
  return { inference: Number(m![1]), label: m![2] === undefined ? null : Number(m![2]) };
}

async function prediction(testid = 'demo-layers-prediction'): Promise<{ golden: number; faulty: number }> {
  const t = (await page.locator(`[data-testid=${testid}]`).textContent()) ?? '';
  const m = /golden (\d+) → faulty (\d+)/.exec(t);
  expect(m, t).not.toBeNull();
  return { golden: Number(m![1]), faulty: Number(m![2]) };
}

describe('demo', () => {
  it('plays through to fc3 and the golden-vs-faulty prediction, with a caption at each step', async () => {
    await page.locator('a[data-view=demo]').click();
    await load('psum-msb-stuck-at-1');
    expect(await cycleNow()).toBe(0);
    const captions = new Set<string>([await caption()]);
    // Layer by layer to the end: every step has a caption; the last shows the prediction.
    for (let i = 0; i < 12 && (await page.locator('[data-testid=demo-layers-prediction]').textContent())?.includes('after the last layer'); i++) {
      await page.locator('[data-testid=demo-next-layer]').click();
      captions.add(await caption());
    }
    const fc3 = page.locator('[data-testid=demo-layers] [data-testid=demo-layer][data-layer=fc3]');
    expect(await fc3.getAttribute('data-shown')).toBe('true');
    const p = await prediction();
    expect(await caption()).toMatch(new RegExp(`^Prediction: golden ${p.golden}, faulty ${p.faulty}`));
    expect([...captions].some((c) => /^(Fault appears|The fault spreads through conv1)/.test(c))).toBe(true);
    const spread = new Set([...captions].map((c) => /^The fault spreads through (\w+): \d+ of \d+ outputs corrupted\.$/.exec(c)?.[1]).filter(Boolean));
    expect(spread.size).toBeGreaterThanOrEqual(2);
    // The default image is one the fault-free model classifies correctly.
    const { label } = await shown();
    expect(label).not.toBeNull();
    expect(p.golden).toBe(label);
    await shootBoth(page, 'demo-end');

    // Play from the start at 64x: it runs to the last cycle and shows the prediction too.
    await page.locator('[data-testid=demo-start]').click();
    expect(await page.locator('[data-testid=demo-layers-prediction]').textContent()).toMatch(/after the last layer/);
    await page.locator('[data-testid=demo-speed]').selectOption('64');
    await page.locator('[data-testid=demo-play]').click();
    await expect.poll(() => page.locator('[data-testid=demo-play]').textContent(), { timeout: 20_000 }).toBe('Play');
    expect(await fc3.getAttribute('data-shown')).toBe('true');
    expect(await prediction()).toEqual(p);
    // End jumps there directly.
    await page.locator('[data-testid=demo-start]').click();
    await page.locator('[data-testid=demo-end]').click();
    expect(await prediction()).toEqual(p);
  });

  it('the dead PE column replays the inference it dies on and shows the corruption and the dead column', async () => {
    await load('dead-pe-column');
    const { inference } = await shown();
    // The column dies when inference 1 starts: inference 0 is clean, so the demo shows a later one.
    expect(inference).toBeGreaterThanOrEqual(1);
    await page.locator('[data-testid=demo-next-layer]').click();
    await page.locator('[data-testid=demo-step]').click();
    // Column 7 of the 16x16 grid is red while conv1 runs.
    const cell = Number(await page.locator('[data-testid=pe-grid]').getAttribute('data-cell'));
    const [dead, alive] = await canvasPixels(page, '[data-testid=pe-grid]', [[7 * cell + 3, 4 * cell + 3], [2 * cell + 3, 4 * cell + 3]]);
    expect(dead[0]).toBeGreaterThan(200);
    expect(dead[0]).toBeGreaterThan(2 * dead[2]!);
    expect(alive[0]).toBeLessThan(150);
    await page.locator('[data-testid=demo-end]').click();
    // conv1 has 6 filters (columns 0-5): column 7 first holds data in conv2 (16 filters).
    const layer = (n: string) => page.locator(`[data-testid=demo-layers] [data-testid=demo-layer][data-layer=${n}]`);
    expect(Number(await layer('conv1').getAttribute('data-corrupted-here'))).toBe(0);
    expect(Number(await layer('conv2').getAttribute('data-corrupted-here'))).toBeGreaterThan(0);
    await prediction();
    await shootBoth(page, 'demo-dead-column');
  });

  it('the 2x2 MBU preset shows corruption in conv1 and the layers after it', async () => {
    await load('mbu-2x2-pe');
    await page.locator('[data-testid=demo-end]').click();
    const here = async (name: string): Promise<number> => Number(await page.locator(`[data-testid=demo-layers] [data-testid=demo-layer][data-layer=${name}]`).getAttribute('data-corrupted-here'));
    expect(await here('conv1')).toBeGreaterThan(0);
    expect(await here('conv2')).toBeGreaterThan(0);
    await prediction();
  });

  it('shows the same fault with a chosen protection side by side, and full screen scales the grid', async () => {
    const offered = protectionsFor('lenet5').map((p) => p.id).filter((id) => id !== 'relu');
    expect(offered.length).toBeGreaterThan(0);
    const chosen = offered.includes('ranger') ? 'ranger' : offered[0]!;
    await load('psum-msb-stuck-at-1');
    await page.locator('[data-testid=demo-compare]').selectOption(chosen);
    await expect.poll(() => page.locator('[data-testid=demo-layers-protected]').count(), { timeout: 60_000 }).toBe(1);
    expect(await page.locator('[data-testid=demo-layers-protected] li.title').textContent()).toBe(`with ${chosen}`);
    await page.locator('[data-testid=demo-end]').click();
    const plain = await prediction();
    const prot = await prediction('demo-layers-protected-prediction');
    expect(Number.isInteger(prot.faulty)).toBe(true);
    expect(Number.isInteger(plain.faulty)).toBe(true);
    // The protected network changes what reaches conv2: its corrupted count differs from the unprotected one.
    const c2 = async (list: string): Promise<number> => Number(await page.locator(`[data-testid=${list}] [data-testid=demo-layer][data-layer=conv2]`).getAttribute('data-corrupted-here'));
    expect(await c2('demo-layers-protected')).not.toBe(await c2('demo-layers'));
    await shootBoth(page, 'demo-side-by-side');
    const before = (await page.locator('[data-testid=pe-grid]').boundingBox())!.width;
    await page.locator('[data-testid=demo-full]').click();
    await page.waitForTimeout(200);
    const after = (await page.locator('[data-testid=pe-grid]').boundingBox())!.width;
    expect(after).toBeGreaterThan(before * 1.1);
    const fontPx = Number(await page.evaluate("parseFloat(getComputedStyle(document.querySelector('[data-testid=demo-caption]')).fontSize)"));
    expect(fontPx).toBeGreaterThanOrEqual(28);
    await page.screenshot({ path: join(SHOTS, 'demo-full-1440.png') });
    await page.keyboard.press('Escape');
    expect(await page.locator('.demo.full').count()).toBe(0);
    expect(s.problems).toEqual([]);
  });
});
