/**
 * Shared steps of the GUI end-to-end tests: one built app + Chromium per file, run-and-wait,
 * canvas pixel reads, PNG decoding and screenshots at the two window sizes people use
 * (1440x900 and 1024x700).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { decode } from 'fast-png';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, watchedPage } from './browser';
import { startBuiltApp, SHOTS, type BuiltApp } from './built-app';

/** The parts of a canvas element the tests read (the Node typings have no DOM). */
export interface Canvas {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { readonly data: ArrayLike<number> } };
}

/** One test file's app, browser and page, plus the console problems seen. */
export interface Session {
  readonly app: BuiltApp;
  readonly browser: Browser;
  readonly page: Page;
  readonly problems: string[];
  close(): Promise<void>;
}

/** Starts the built app and a 1440x900 page on it. */
export async function openSession(): Promise<Session> {
  mkdirSync(SHOTS, { recursive: true });
  const app = await startBuiltApp();
  const browser = await launchChromium();
  const problems: string[] = [];
  const page = await watchedPage(browser, problems);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(app.url);
  return {
    app, browser, page, problems,
    close: async () => { await browser.close(); await app.close(); },
  };
}

/** Clicks Run and waits until the run result is shown and no job is running. */
export async function runAndWait(p: Page, timeout = 90_000): Promise<void> {
  await p.locator('[data-testid=run]').click();
  await expect.poll(() => p.locator('[data-testid=progress]').count(), { timeout: 10_000 }).toBe(1).catch(() => undefined);
  await expect.poll(() => p.locator('[data-testid=progress]').count(), { timeout }).toBe(0);
  await expect.poll(() => p.locator('[data-testid=timeline], [data-testid=layers]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
}

/** Waits until no run is in progress. */
export async function idle(p: Page, timeout = 90_000): Promise<void> {
  await expect.poll(() => p.locator('[data-testid=progress]').count(), { timeout }).toBe(0);
}

/** Screenshots the page at 1440x900 and 1024x700 into test-results/<name>-1440.png / -1024.png. */
export async function shootBoth(p: Page, name: string, fullPage = false): Promise<void> {
  for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
    await p.setViewportSize({ width: w, height: h });
    await p.waitForTimeout(150);
    await p.screenshot({ path: join(SHOTS, `${name}-${w}.png`), fullPage });
  }
  await p.setViewportSize({ width: 1440, height: 900 });
}

/** RGBA of pixels of a canvas located by `selector` (one readback). */
export async function canvasPixels(p: Page, selector: string, points: readonly (readonly [number, number])[]): Promise<number[][]> {
  return p.locator(selector).first().evaluate((c, at) => {
    const cv = c as unknown as Canvas;
    const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    return at.map(([x, y]) => [0, 1, 2, 3].map((i) => d[(y * cv.width + x) * 4 + i]));
  }, points);
}

/** Decodes a PNG file's bytes into width, height and RGBA pixels (8 bit). */
export function decodePng(bytes: Uint8Array): { width: number; height: number; rgba: (x: number, y: number) => [number, number, number, number] } {
  const img = decode(bytes);
  const ch = img.channels;
  const data = img.data;
  return {
    width: img.width,
    height: img.height,
    rgba: (x, y) => {
      const i = (y * img.width + x) * ch;
      return [data[i], data[i + 1], data[i + 2], ch === 4 ? data[i + 3] : 255] as [number, number, number, number];
    },
  };
}

/** "#rrggbb" as [r, g, b]. */
export function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
