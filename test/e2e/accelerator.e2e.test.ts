/**
 * Accelerator view against the built app: array-size fields refuse bad values with a persistent
 * inline error; the PE grid draws every line, row/column numbers, a hover readout and zooms so a
 * faulty PE is visible at 128x128 and 256x256; SRAM strips follow the cycle cursor and "first faulty
 * word" moves it; Cancel of a long AlexNet run returns at once and says "Run cancelled."
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openSession, runAndWait, shootBoth, canvasPixels, type Session } from './helpers';

let s: Session;
let page: Page;

beforeAll(async () => {
  s = await openSession();
  page = s.page;
});
afterAll(async () => s?.close());

const grid = '[data-testid=pe-grid]';
const cellOf = async (): Promise<number> => Number(await page.locator(grid).getAttribute('data-cell'));

async function setSize(rows: string, cols: string): Promise<void> {
  await page.locator('[data-testid=rows]').fill(rows);
  await page.locator('[data-testid=cols]').fill(cols);
}

describe('accelerator view', () => {
  it('invalid array sizes give a persistent inline error naming the field and the range; Run is disabled', async () => {
    await page.goto(`${s.app.origin}/#/accelerator`);
    await expect.poll(() => page.locator('[data-testid=scenario-pick] option').count()).toBeGreaterThan(3);
    const err = page.locator('[data-testid=size-error]');
    const cases: [string, RegExp][] = [
      ['0', /^Rows: expected 1 to 256 PEs, found 0$/],
      ['999', /^Rows: expected 1 to 256 PEs, found 999$/],
      ['-4', /^Rows: expected 1 to 256 PEs, found -4$/],
      ['3.5', /^Rows: expected an integer from 1 to 256, found "3\.5"$/],
      ['', /^Rows: required, an integer from 1 to 256$/],
    ];
    for (const [value, text] of cases) {
      await page.locator('[data-testid=rows]').fill(value);
      await expect.poll(() => err.textContent()).toMatch(text);
      expect(await page.locator('[data-testid=run]').isDisabled()).toBe(true);
      expect(await page.locator('[data-testid=rows]').getAttribute('aria-invalid')).toBe('true');
    }
    await page.locator('[data-testid=cols]').fill('300');
    await expect.poll(() => err.textContent()).toBe('Rows: required, an integer from 1 to 256 · Cols: expected 1 to 256 PEs, found 300');
    await page.waitForTimeout(2500);
    expect(await err.isVisible()).toBe(true); // persistent, not a vanishing bubble
    await shootBoth(page, 'accelerator-size-error');
    await setSize('16', '16');
    await expect.poll(() => err.count()).toBe(0);
    expect(await page.locator('[data-testid=run]').isDisabled()).toBe(false);
    expect(await page.locator('.note.error').count()).toBe(0);
  });

  it('PE grid: every grid line, row/column numbers, hover readout', async () => {
    await page.locator('[data-testid=scenario-pick]').selectOption('example:psum-msb-stuck-at-1');
    await runAndWait(page);
    const cell = await cellOf();
    expect(cell).toBeGreaterThanOrEqual(8);
    // 17 vertical lines for 16 columns (the last one included) along row 3: each line pixel differs
    // from the cell interior beside it (dark line, or the white fold outline where they coincide).
    const y = 3 * cell + Math.floor(cell / 2);
    const xs = Array.from({ length: 17 }, (_, j) => [j * cell, y] as const);
    const inside = Array.from({ length: 17 }, (_, j) => [Math.min(16 * cell - 1, j * cell + Math.floor(cell / 2)) - (j === 16 ? 0 : 0), y] as const);
    const px = await canvasPixels(page, grid, [...xs, ...inside]);
    const sum = (p: number[]): number => p[0]! + p[1]! + p[2]!;
    for (let j = 0; j < 17; j++) expect(Math.abs(sum(px[j]!) - sum(px[17 + j]!)), `line ${j}`).toBeGreaterThan(40);
    // Column numbers: the ruler has ink above column 15, row numbers beside row 15.
    const [colInk] = await canvasPixels(page, '[data-testid=pe-cols]', [[15 * cell + Math.floor(cell / 2), 8]]);
    const rulerInk = await page.locator('[data-testid=pe-cols]').evaluate((c) => {
      const cv = c as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
      const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n;
    });
    expect(rulerInk).toBeGreaterThan(50);
    expect(colInk).toHaveLength(4);
    const rowsInk = await page.locator('[data-testid=pe-rows]').evaluate((c) => {
      const cv = c as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
      return Array.from(cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data).filter((v, i) => i % 4 === 3 && v > 0).length;
    });
    expect(rowsInk).toBeGreaterThan(50);
    // Hover PE (3, 5): the readout names it and its fault.
    const box = (await page.locator(grid).boundingBox())!;
    await page.mouse.move(box.x + 5 * cell + cell / 2, box.y + 3 * cell + cell / 2);
    await expect.poll(() => page.locator('[data-testid=pe-readout]').textContent()).toMatch(/^PE \(3, 5\) · .*faulty.*stuckAt1 on pe\.psum/);
    await shootBoth(page, 'accelerator-16', true);
  });

  it('SRAM strips follow the cycle cursor; "first faulty word" moves the cursor to that fault', async () => {
    await page.locator('[data-testid=scenario-pick]').selectOption('example:radiation-burst-scrub');
    await runAndWait(page);
    await page.locator('[data-testid=scrubber]').fill('0');
    const count = page.locator('[data-testid=sram-count-weightSram]');
    await expect.poll(() => count.textContent()).toMatch(/ · 0 faulty at this cycle · [1-9]\d* over the run$/);
    // Nothing drawn on the strip before the burst (every pixel is the strip background).
    const strip = await page.locator('[data-testid=sram-weightSram]').evaluate((c) => {
      const cv = c as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
      const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
      let other = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] !== 0x1b || d[i + 1] !== 0x24 || d[i + 2] !== 0x33) other++;
      return other;
    });
    expect(strip).toBe(0);
    await page.locator('[data-testid=sram-first-weightSram]').click();
    const cursor = Number(await page.locator('[data-testid=scrubber]').inputValue());
    expect(cursor).toBe(5000); // the burst starts after 5,000 quiet cycles
    await expect.poll(() => count.textContent()).toMatch(/ · [1-9]\d* faulty at this cycle/);
    await expect.poll(() => page.locator('[data-testid=inspector] h3').textContent()).toMatch(/weightSram word \d+/);
    await shootBoth(page, 'accelerator-sram', true);
  });

  it('timeline like a waveform viewer: ruler, zoom at the pointer, pan, cursor drag, marker with delta, jumps; fits at 1024 px', async () => {
    const tl = page.locator('[data-testid=timeline]');
    await tl.scrollIntoViewIfNeeded();
    const view = async (): Promise<[number, number]> => [Number(await tl.getAttribute('data-v0')), Number(await tl.getAttribute('data-v1'))];
    const [a0, b0] = await view();
    expect(a0).toBe(0);
    const box = (await tl.boundingBox())!;
    // Ruler labels: ink in the top 18 px.
    const ink = await tl.evaluate((c) => {
      const cv = c as unknown as { width: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
      const d = cv.getContext('2d').getImageData(0, 0, cv.width, 12).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i]! > 150) n++;
      return n;
    });
    expect(ink).toBeGreaterThan(40);
    // Zoom at the pointer: the cycle under the pointer stays put.
    const px = box.width * 0.7;
    const under = a0 + (px / box.width) * (b0 - a0);
    await page.mouse.move(box.x + px, box.y + 60);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -100);
    await expect.poll(async () => { const [a, b] = await view(); return b - a; }).toBeLessThan((b0 - a0) / 2);
    const [a1, b1] = await view();
    expect(Math.abs(a1 + (px / box.width) * (b1 - a1) - under)).toBeLessThan((b1 - a1) * 0.02);
    // Pan: drag the ruler to the right shows earlier cycles.
    await page.mouse.move(box.x + 400, box.y + 8);
    await page.mouse.down();
    await page.mouse.move(box.x + 200, box.y + 8, { steps: 4 });
    await page.mouse.up();
    const [a2, b2] = await view();
    expect(a2).toBeGreaterThan(a1);
    expect(b2 - a2).toBeCloseTo(b1 - a1, 3);
    // Drag the cursor; set the marker; move the cursor: the delta is shown.
    await page.mouse.move(box.x + 100, box.y + 60);
    await page.mouse.down();
    await page.mouse.move(box.x + 300, box.y + 60, { steps: 5 });
    await page.mouse.up();
    const cur = Number(await page.locator('[data-testid=scrubber]').inputValue());
    expect(Math.abs(cur - (a2 + (300 / box.width) * (b2 - a2)))).toBeLessThanOrEqual((b2 - a2) / box.width + 1);
    await page.locator('[data-testid=tl-marker]').click();
    await page.locator('[data-testid=tl-fit]').click();
    await page.locator('[data-testid=scrubber]').fill('0');
    await expect.poll(() => page.locator('[data-testid=tl-readout]').textContent()).toContain(`marker ${cur.toLocaleString('en-US')} · Δ ${(-cur).toLocaleString('en-US')} cycles`);
    // Jumps: the next state change and the next fault are the burst at cycle 5,000.
    await page.locator('[data-testid=tl-next-state]').click();
    expect(await page.locator('[data-testid=scrubber]').inputValue()).toBe('5000');
    await page.locator('[data-testid=scrubber]').fill('10');
    await page.locator('[data-testid=tl-next-fault]').click();
    expect(await page.locator('[data-testid=scrubber]').inputValue()).toBe('5000');
    await page.locator('[data-testid=tl-prev-fault]').click();
    expect(await page.locator('[data-testid=scrubber]').inputValue()).toBe('5000');
    // At 1024 px the grid and the timeline are side by side and nothing overflows the window.
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.waitForTimeout(200);
    const t = (await tl.boundingBox())!;
    const g = (await page.locator(grid).boundingBox())!;
    expect(t.x + t.width).toBeLessThanOrEqual(1024);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(1024);
    expect(t.y).toBeLessThan(g.y + g.height); // on screen together, not stacked below the grid
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  for (const n of [128, 256]) {
    it(`a faulty PE is visible at ${n}x${n}: ringed at fit, and "zoom to faulty PE" brings it into view at >= 12 px`, async () => {
      await setSize(String(n), String(n));
      await page.locator('[data-testid=scenario-pick]').selectOption('example:psum-msb-stuck-at-1');
      await runAndWait(page);
      await page.locator('[data-testid=scrubber]').fill('200');
      const cell = await cellOf();
      expect(cell).toBeLessThan(8);
      // The ring around PE (3, 5): red pixels 7 px left of its centre.
      const cx = 5 * cell + cell / 2 + 0.5;
      const cy = 3 * cell + cell / 2 + 0.5;
      const around: [number, number][] = [];
      for (let dy = -9; dy <= 9; dy++) for (let dx = -9; dx <= 9; dx++) if (Math.hypot(dx, dy) >= 5 && cy + dy >= 0) around.push([Math.round(cx + dx), Math.round(cy + dy)]);
      const ring = await canvasPixels(page, grid, around);
      expect(ring.filter((p) => p[0]! > 120 && p[0]! > 2 * p[2]!).length).toBeGreaterThan(10);
      await page.locator('[data-testid=pe-zoom-fault]').click();
      await expect.poll(cellOf).toBeGreaterThanOrEqual(12);
      const big = await cellOf();
      const g = (await page.locator(grid).boundingBox())!;
      const sc = (await page.locator('.pe-wrap .scroll').first().boundingBox())!;
      const peX = g.x + 5 * big + big / 2;
      const peY = g.y + 3 * big + big / 2;
      expect(peX).toBeGreaterThan(sc.x);
      expect(peX).toBeLessThan(sc.x + sc.width);
      expect(peY).toBeGreaterThan(sc.y);
      expect(peY).toBeLessThan(sc.y + sc.height);
      const [red] = await canvasPixels(page, grid, [[5 * big + Math.floor(big / 2), 3 * big + Math.floor(big / 2)]]);
      expect(red[0]).toBeGreaterThan(200);
      await shootBoth(page, `accelerator-${n}-zoomed`);
    });
  }

  it('Cancel stops a long AlexNet run at once and reports it as cancelled', async () => {
    await setSize('16', '16');
    await page.locator('[data-testid=model]').selectOption('alexnet');
    await page.locator('[data-testid=scenario-pick]').selectOption('example:psum-msb-stuck-at-1');
    await page.locator('[data-testid=run]').click();
    await expect.poll(() => page.locator('[data-testid=progress]').textContent(), { timeout: 120_000 }).toMatch(/golden run|faulty run/);
    const t0 = Date.now();
    await page.locator('[data-testid=cancel]').click();
    await expect.poll(() => page.locator('[data-testid=progress]').count(), { timeout: 5000 }).toBe(0);
    const ms = Date.now() - t0;
    expect(await page.locator('[data-testid=run-notice]').textContent()).toBe('Run cancelled.');
    expect(await page.locator('.note.error').count()).toBe(0);
    console.log(`AlexNet run cancelled in ${ms} ms`);
    await page.locator('[data-testid=model]').selectOption('lenet5');
    expect(s.problems).toEqual([]);
  });
});
