/**
 * End to end: the built renderer in Chromium, through the real web shell and the real services.
 * Navigates every view with the keyboard, checks the version and model list shown are the real ones,
 * checks the token is required, collects console errors (there must be none) and screenshots each view
 * into test-results/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { scenariosDirOf } from '../../electron/services/paths';
import { startBuiltApp, ROOT, SHOTS, type BuiltApp } from './built-app';
import { listModels } from '../../models/registry';
import { listScenarios } from '../../scenarios/io/catalog';
import { launchChromium, watchedPage } from './browser';

const root = ROOT;
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const shots = SHOTS;
const VIEWS = ['accelerator', 'scenarios', 'propagation', 'comparison', 'demo'] as const;

let shell: BuiltApp;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  shell = await startBuiltApp();
  browser = await launchChromium();
  page = await watchedPage(browser, problems, true);
});

afterAll(async () => {
  await browser?.close();
  await shell?.close();
});

/**
 * Tabs from the top of the page (the skip link, the first stop) until the nav link of `view` has focus,
 * then presses Enter. Navigating moves focus into the view, so each walk starts again from the top.
 */
async function keyboardTo(p: Page, view: string): Promise<void> {
  await p.locator('a.skip').focus();
  for (let i = 0; i < 20; i++) {
    await p.keyboard.press('Tab');
    if ((await p.evaluate("document.activeElement?.getAttribute('data-view')")) === view) {
      await p.keyboard.press('Enter');
      return;
    }
  }
  throw new Error(`nav link for ${view} not reachable with Tab`);
}

describe('app in Chromium via the web shell', () => {
  it('without the token the page loads but every service call is refused', async () => {
    const other = await browser.newPage();
    const res = await other.goto(shell.origin + '/');
    expect(res?.status()).toBe(200);
    await expect.poll(() => other.locator('[data-testid=header-version]').textContent(), { timeout: 15_000 }).toMatch(/version unavailable/);
    expect(await other.locator('[data-testid=app-version]').count()).toBe(0);
    await other.close();
  });

  it('shows the real version and model list, and the token leaves the address bar', async () => {
    await page.goto(shell.url);
    await expect.poll(() => page.locator('[data-testid=app-version]').textContent()).toBe(version);
    const rows = page.locator('[data-testid=models] tbody tr');
    const models = listModels();
    await expect.poll(() => rows.count()).toBe(models.length);
    for (const [i, m] of models.entries()) {
      expect(await rows.nth(i).locator('td').first().textContent()).toBe(m.id);
      expect(await rows.nth(i).locator('td').nth(1).textContent()).toBe(m.name);
    }
    const token = /[A-Za-z0-9_-]{32,}/.exec(shell.url)?.[0];
    expect(token).toBeTruthy();
    expect(page.url()).not.toContain(token!);
    await page.screenshot({ path: join(shots, 'e2e-accelerator.png'), fullPage: true });
  });

  it('navigates every view with the keyboard and screenshots it', async () => {
    for (const view of VIEWS) {
      await keyboardTo(page, view);
      await expect.poll(() => page.evaluate('location.hash')).toBe(`#/${view}`);
      await expect.poll(async () => (await page.locator('#view-title').textContent())?.toLowerCase()).toBe(view);
      expect(await page.locator(`a[data-view=${view}]`).getAttribute('aria-current')).toBe('page');
      if (view === 'scenarios') {
        const expected = listScenarios(scenariosDirOf(root));
        if (expected.length === 0) await expect.poll(() => page.locator('[data-testid=no-scenarios]').count()).toBe(1);
        else await expect.poll(() => page.locator('[data-testid=scenarios] tbody tr').count()).toBe(expected.length);
      }
      await page.screenshot({ path: join(shots, `e2e-${view}.png`), fullPage: true });
    }
  });

  it('reloads without the token in the URL (same tab) and logged no console errors', async () => {
    await page.reload();
    expect(page.url()).not.toContain('token=');
    await keyboardTo(page, 'accelerator');
    await expect.poll(() => page.locator('[data-testid=app-version]').textContent()).toBe(version);
    expect(problems).toEqual([]);
  });
});
