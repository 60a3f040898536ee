/**
 * Comparison view against the built app: SVG and PNG exports hold the real chart (plot marks, axes,
 * legend; the PNG has the protections' colours in it), CSV export; one colour per protection in
 * every chart; a warning when intervals are too wide; a trials default that is not 2; readable
 * labels with eight protections.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openSession, shootBoth, decodePng, hexRgb, type Session } from './helpers';
import { ROOT } from './built-app';

let s: Session;
let page: Page;

beforeAll(async () => {
  s = await openSession();
  page = s.page;
});
afterAll(async () => s?.close());

interface CampaignFile { protections: string[]; faults: { ber: number[] }; trialsPerPoint: number }
const campaign = (id: string): CampaignFile => JSON.parse(readFileSync(join(ROOT, 'campaigns', `${id}.json`), 'utf8')) as CampaignFile;

async function download(testid: string, within = ''): Promise<Buffer> {
  const dl = page.waitForEvent('download');
  await page.locator(`${within} [data-testid=${testid}]`.trim()).first().click();
  return readFileSync((await (await dl).path())!);
}

/** The legend's colour of each protection ("#rrggbb"), read from the page. */
async function legendColours(): Promise<Map<string, string>> {
  const items = await page.locator('[data-testid=legend] li:has(i)').evaluateAll((ls) => ls.map((l) => {
    const el = l as unknown as { textContent: string | null; querySelector(s: string): { style: { background: string } } | null };
    return [el.textContent ?? '', el.querySelector('i')?.style.background ?? ''] as [string, string];
  }));
  const hex = (rgb: string): string => {
    const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(rgb);
    return m ? `#${[m[1], m[2], m[3]].map((v) => Number(v).toString(16).padStart(2, '0')).join('')}` : rgb;
  };
  return new Map(items.map(([t, c]) => [t.trim(), hex(c)]));
}
let firstColours = new Map<string, string>();

async function runCampaign(id: string, trials: number, images: number): Promise<void> {
  await page.locator('[data-testid=campaign-file]').selectOption(id);
  await page.locator('[data-testid=campaign-trials]').fill(String(trials));
  await page.locator('[data-testid=campaign-images]').fill(String(images));
  await page.locator('[data-testid=campaign-run]').click();
  await expect.poll(() => page.locator('[data-testid=campaign-progress]').count(), { timeout: 10_000 }).toBe(1).catch(() => undefined);
  await expect.poll(() => page.locator('[data-testid=campaign-progress]').count(), { timeout: 240_000 }).toBe(0);
  await expect.poll(() => page.locator('[data-testid=acc-chart] svg').count()).toBeGreaterThan(0);
}

describe('comparison view', () => {
  it('trials default is 10, not 2', async () => {
    await page.locator('a[data-view=comparison]').click();
    await expect.poll(() => page.locator('[data-testid=campaign-file] option').count()).toBeGreaterThan(2);
    await page.locator('[data-testid=campaign-file]').selectOption('gui-protections');
    expect(campaign('gui-protections').trialsPerPoint).toBe(2);
    expect(await page.locator('[data-testid=campaign-trials]').inputValue()).toBe('10');
    await page.locator('[data-testid=campaign-trials]').fill('3');
    await page.locator('[data-testid=campaign-file]').selectOption('protections-lenet-ber');
    expect(await page.locator('[data-testid=campaign-trials]').inputValue()).toBe('10');
  });

  it('exports the real chart as SVG and PNG, and the CSV; one colour per protection; a wide-interval warning', async () => {
    const c = campaign('gui-protections');
    await runCampaign('gui-protections', 2, 8);
    const colours = await legendColours();
    firstColours = colours;
    expect([...colours.keys()]).toEqual(c.protections);
    expect(new Set(colours.values()).size).toBe(c.protections.length);
    const protectionColor = (p: string): string => colours.get(p)!;
    const svg = (await download('export-svg')).toString('utf8');
    // The plot marks: one line per protection, the axes' labels, and the legend with every protection.
    expect(svg.match(/<g aria-label="line"[^>]*>(.*?)<\/g>/s)?.[1]?.match(/<path/g)?.length).toBe(c.protections.length);
    expect(svg).toContain('bit error rate');
    expect(svg).toContain('top-1 accuracy');
    for (const p of c.protections) {
      expect(svg).toContain(`>${p}</text>`);
      expect(svg.toLowerCase()).toContain(protectionColor(p));
    }
    const png = decodePng(await download('export-png'));
    expect(png.width).toBeGreaterThan(800); // 2x of a chart at least 400 px wide, not a 15x15 swatch
    expect(png.height).toBeGreaterThan(500);
    const counts = new Map<string, number>(c.protections.map((p) => [p, 0]));
    let ink = 0;
    for (let y = 0; y < png.height; y += 2) {
      for (let x = 0; x < png.width; x += 2) {
        const [r, g, b] = png.rgba(x, y);
        if (r < 200 || g < 200 || b < 200) ink++;
        for (const p of c.protections) {
          const [pr, pg, pb] = hexRgb(protectionColor(p));
          if (Math.abs(r - pr) + Math.abs(g - pg) + Math.abs(b - pb) < 24) counts.set(p, counts.get(p)! + 1);
        }
      }
    }
    expect(ink).toBeGreaterThan(2000);
    for (const p of c.protections) expect(counts.get(p), p).toBeGreaterThan(15);
    // Same colour per protection in the accuracy lines and the SDC bars.
    const lineColours = await page.locator('[data-testid=acc-chart] g[aria-label=line] path').evaluateAll((ps) => ps.map((p) => (p as unknown as { getAttribute(n: string): string | null }).getAttribute('stroke')));
    const barColours = new Set(await page.locator('[data-testid=sdc-chart] g[aria-label=bar] rect').evaluateAll((rs) => rs.map((r) => (r as unknown as { getAttribute(n: string): string | null }).getAttribute('fill'))));
    expect(new Set(lineColours)).toEqual(new Set(c.protections.map(protectionColor)));
    expect(barColours).toEqual(new Set(c.protections.map(protectionColor)));
    // CSV: one row per point; the warning counts the rows whose interval is wider than 0.2.
    const csv = (await download('export-csv')).toString('utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^model,protection,format,fault/);
    expect(csv.length).toBe(1 + c.protections.length * c.faults.ber.length);
    const head = csv[0]!.split(',');
    const lo = head.indexOf('accuracy_lo');
    const hi = head.indexOf('accuracy_hi');
    const wide = csv.slice(1).filter((l) => { const f = l.split(','); return Number(f[hi]) - Number(f[lo]) > 0.2; }).length;
    if (wide > 0) expect(await page.locator('[data-testid=wide-warning]').textContent()).toMatch(new RegExp(`^⚠ ${wide} of ${csv.length - 1} points have a 95% accuracy interval wider than 20 points`));
    else expect(await page.locator('[data-testid=wide-warning]').count()).toBe(0);
    expect(wide).toBeGreaterThan(0); // 2 trials of 8 images cannot pin accuracy down
    await shootBoth(page, 'comparison', true);
  });

  it('eight protections: one legend entry and colour each, fault labels that do not overlap', async () => {
    const c = campaign('protections-lenet-ber');
    expect(c.protections.length).toBe(8);
    await runCampaign('protections-lenet-ber', 1, 4);
    const colours = await legendColours();
    expect([...colours.keys()]).toEqual(c.protections);
    expect(new Set(colours.values()).size).toBe(8);
    // The same protection keeps its colour from one campaign to the next.
    for (const [p, col] of firstColours) if (colours.has(p)) expect(colours.get(p), p).toBe(col);
    expect([...firstColours.keys()].filter((p) => colours.has(p)).length).toBeGreaterThan(1);
    for (const chart of ['acc-chart', 'sdc-chart']) {
      const labels = await page.locator(`[data-testid=${chart}] svg [aria-label$="tick label"] text`).all();
      const boxes = [];
      for (const l of labels) boxes.push((await l.boundingBox())!);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!, b = boxes[j]!;
          const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
          expect(overlap, `${chart} labels ${i} and ${j} overlap`).toBe(false);
        }
      }
    }
    await shootBoth(page, 'comparison-8', true);
    expect(s.problems).toEqual([]);
  });
});
